"""Business time, the one module every clock of the desk uses (docs/architecture.md, Time).

Dedicated Support Services is staffed Monday to Friday, 07:00-21:00 US Eastern (America/New_York),
holidays excluded. All arithmetic happens on local wall-clock time and converts back to UTC, so the
March and November clock changes never shift an opening or a deadline; inputs and outputs are
timezone-aware datetimes (anything stored is UTC, see functions/shared/clock.py).

Holidays are configuration: the default list below (US federal holidays on their observed dates,
2026-2028) is
replaced, without a code change, by the environment variable DSS_HOLIDAYS ("2026-12-24,2026-12-31").
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from functions.shared.environment import per_environment

SUPPORT_TIMEZONE = "America/New_York"
OPENS, CLOSES = time(7, 0), time(21, 0)
HOLIDAYS_VARIABLE = "DSS_HOLIDAYS"
DEFAULT_HOLIDAYS = frozenset(
    date.fromisoformat(day)
    for day in (
        # 2026
        "2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03",
        "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25",
        # 2027
        "2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31", "2027-06-18", "2027-07-05",
        "2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25", "2027-12-24",
        # 2028 (New Year's Day 2028 is a Saturday: observed on Friday 2027-12-31)
        "2027-12-31", "2028-01-17", "2028-02-21", "2028-05-29", "2028-06-19", "2028-07-04",
        "2028-09-04", "2028-10-09", "2028-11-10", "2028-11-23", "2028-12-25",
    )
)  # fmt: skip


@dataclass(frozen=True)
class BusinessCalendar:
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(SUPPORT_TIMEZONE))
    opens: time = OPENS
    closes: time = CLOSES
    holidays: frozenset[date] = DEFAULT_HOLIDAYS

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def is_business_time(self, instant: datetime) -> bool:
        local = self._local(instant)
        return self.is_business_day(local.date()) and self.opens <= local.time() < self.closes

    def next_business_open(self, instant: datetime) -> datetime:
        """`instant` itself during business hours, else the next opening."""
        if self.is_business_time(instant):
            return instant
        local = self._local(instant)
        day = local.date() if local.time() < self.opens else local.date() + timedelta(days=1)
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return self._at(day, self.opens)

    def add_business_hours(self, instant: datetime, hours: float | timedelta) -> datetime:
        """The moment after `hours` of business time have passed since `instant`."""
        remaining = hours if isinstance(hours, timedelta) else timedelta(hours=hours)
        if remaining < timedelta(0):
            raise ValueError("business hours must not be negative")
        moment = self.next_business_open(instant)
        while True:
            closing = self._at(self._local(moment).date(), self.closes)
            if moment + remaining <= closing:
                return moment + remaining
            remaining -= closing - moment
            moment = self.next_business_open(closing)

    def add_business_days(self, instant: datetime, days: int) -> datetime:
        """The same business time of day, `days` business days later. An instant outside business hours
        counts from the next opening (a request made on Saturday is due as if made Monday 07:00)."""
        if days < 0:
            raise ValueError("business days must not be negative")
        start = self._local(self.next_business_open(instant))
        day = start.date()
        for _ in range(days):
            day += timedelta(days=1)
            while not self.is_business_day(day):
                day += timedelta(days=1)
        return self._at(day, start.time())

    def _local(self, instant: datetime) -> datetime:
        if instant.tzinfo is None:
            raise ValueError("business time needs timezone-aware datetimes")
        return instant.astimezone(self.timezone)

    def _at(self, day: date, wall_clock: time) -> datetime:
        # 07:00-21:00 never falls in a DST gap or fold in America/New_York (changes happen at 02:00).
        return datetime.combine(day, wall_clock, tzinfo=self.timezone)


def holidays_from(value: str | None) -> frozenset[date]:
    if not value:
        return DEFAULT_HOLIDAYS
    try:
        return frozenset(date.fromisoformat(day.strip()) for day in value.split(",") if day.strip())
    except ValueError as error:
        raise ValueError(f"{HOLIDAYS_VARIABLE} must be comma-separated ISO dates (YYYY-MM-DD): {error}") from None


@per_environment
def business_calendar() -> BusinessCalendar:
    """The desk's calendar, holidays from the environment when configured (read on first use)."""
    return BusinessCalendar(holidays=holidays_from(os.environ.get(HOLIDAYS_VARIABLE)))
