"""UTC timestamps as stored everywhere: ISO-8601 with `Z`, millisecond precision."""

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def from_iso(stamp: str) -> datetime:
    """A stored timestamp back as an aware datetime."""
    return datetime.fromisoformat(stamp)


def to_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
