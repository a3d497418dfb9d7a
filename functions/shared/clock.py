"""Time inside the code is an aware datetime; at the edges (API JSON, table attributes, event details) it is
ISO-8601 UTC with `Z` and millisecond precision (docs/architecture.md, Time).

Handlers take "now" from their domain's `Clock` (functions/<domain>/logic/dependencies.py), never from the
system directly, so tests and the local stack move time by replacing one object."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Protocol

from pydantic import AwareDatetime, PlainSerializer


class Clock(Protocol):
    def now(self) -> datetime: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


class SystemClock:
    def now(self) -> datetime:
        return utc_now()


def from_iso(stamp: str) -> datetime:
    """A stored timestamp back as an aware datetime."""
    return datetime.fromisoformat(stamp)


def to_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# A timestamp field of a model: an aware datetime in the code, the stored ISO form in JSON.
UtcTimestamp = Annotated[AwareDatetime, PlainSerializer(to_iso, return_type=str, when_used="json")]


class FixedClock:
    """A clock that says the moment it is set to: tests, and the local stack moving time forward."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment
