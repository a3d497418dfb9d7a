"""Business time, the one module every clock of the desk uses (docs/architecture.md, Time).

Dedicated Support Services is staffed Monday to Friday, 07:00-21:00 US Eastern (America/New_York),
holidays excluded. All arithmetic happens on local wall-clock time and converts back to UTC, so the
March and November clock changes never shift an opening or a deadline; inputs and outputs are
timezone-aware datetimes (anything stored is UTC, see functions/shared/clock.py).

Holidays are configuration: by default the US federal holidays on the days they are observed, for any
year, by the rules of the `holidays` package; the environment variable DSS_HOLIDAYS
("2026-12-24,2026-12-31") replaces them, without a code change, by exactly the dates it lists.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from functions.shared.environment import per_environment

if TYPE_CHECKING:
    from holidays import HolidayBase

SUPPORT_TIMEZONE = "America/New_York"
OPENS, CLOSES = time(7, 0), time(21, 0)
HOLIDAYS_VARIABLE = "DSS_HOLIDAYS"


@dataclass(frozen=True)
class FederalHolidays:
    """The US federal holidays on the weekdays they are observed, for any year: New Year's Day, Martin
    Luther King Jr. Day, Washington's Birthday, Memorial Day, Juneteenth (federal since 2021),
    Independence Day, Labor Day, Columbus Day, Veterans Day, Thanksgiving and Christmas; one that falls on
    a Saturday is observed on the Friday before (31 December for New Year's Day), one on a Sunday on the
    Monday after. The days themselves, when on a weekend, are not listed: weekends are closed anyway."""

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and day in federal_holidays(day.year)


@cache  # rules, not configuration: nothing for reset_environment to forget
def federal_holidays(year: int) -> frozenset[date]:
    """The observed federal holidays in `year`, by `holidays.US`'s rules (its default public category:
    the government category would add one-off closings by executive order, which are not rules)."""
    return frozenset(day for day in _united_states()(years=year) if day.year == year and day.weekday() < 5)


@cache
def _united_states() -> type[HolidayBase]:
    """`holidays.US`, imported on the first holiday question and from its own module only: the package's
    `holidays.countries` imports all of its 250 countries (measured 110-190 ms, against the 300 ms
    cold-start budget of bench/cold_start.py), and the US module needs none of them (about 20 ms this
    way, the package included)."""
    import holidays

    path = Path(holidays.__file__).with_name("countries") / "united_states.py"
    spec = importlib.util.spec_from_file_location("holidays.countries.united_states", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"holidays {holidays.__version__} has no {path.name}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    us: type[HolidayBase] = module.US
    return us


DEFAULT_HOLIDAYS = FederalHolidays()


@dataclass(frozen=True)
class BusinessCalendar:
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(SUPPORT_TIMEZONE))
    opens: time = OPENS
    closes: time = CLOSES
    holidays: Container[date] = DEFAULT_HOLIDAYS  # a frozenset when configured

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


def holidays_from(value: str | None) -> Container[date]:
    """The configured holidays (DSS_HOLIDAYS), exactly those dates; the federal holidays when unset."""
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
