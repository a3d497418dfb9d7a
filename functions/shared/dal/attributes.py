"""Attribute types the domains' pynamodb models share."""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import Attribute
from pynamodb.constants import STRING

from functions.shared.clock import from_iso, to_iso


class TimestampAttribute(Attribute[datetime]):
    """An aware datetime in the code, stored as the ISO-8601 UTC string with `Z` and milliseconds
    (docs/architecture.md, Time). Not pynamodb's UTCDateTimeAttribute: it writes `...%f+0000`, and the table
    already holds (and its sort and index keys embed) the `...000Z` form."""

    attr_type = STRING

    def serialize(self, value: datetime) -> str:
        return to_iso(value)

    def deserialize(self, value: str) -> datetime:
        return from_iso(value)
