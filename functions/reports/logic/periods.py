"""Report periods (docs/architecture.md, "Case reports"): half-open `[start, end)` intervals of US Eastern wall-clock
days, so a period's length follows daylight saving (a weekly period holding the spring change is 167 hours, the
autumn one 169). Weekly periods start on Mondays at 00:00; bi-weekly ones are two weeks counted from the
subscription's anchor Monday (its parity, which no year end breaks: the count runs in days); monthly ones on the
1st; quarterly ones on January, April, July and October 1st. A period's report is delivered at 06:00 Eastern on the
day it ends, away from the 01:00-03:00 hours a daylight-saving change skips or repeats.

Computed with zoneinfo: no library has these periods and their delivery instants (dateutil's rrule has no half-open
periods and gets wall-clock arithmetic across DST wrong for this use)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from functions.reports.models.report import Cadence as Cadence  # the periods' names, which the models use too
from functions.shared.business_time import SUPPORT_TIMEZONE

EASTERN = ZoneInfo(SUPPORT_TIMEZONE)
DELIVERY_TIME = time(6, 0)  # Eastern, on the day a period ends
DEFAULT_ANCHOR = date(2024, 1, 1)  # a Monday: bi-weekly periods without an anchor of their own count from it
CHART_PERIODS = 8  # the report's chart: this period and the seven before it


@dataclass(frozen=True)
class Period:
    """`[start, end)` by Eastern calendar days; `start_day` and `end_day` are those days (the end exclusive)."""

    cadence: Cadence | None  # None: a range asked for by its dates
    start_day: date
    end_day: date
    anchor: date = DEFAULT_ANCHOR

    @property
    def start(self) -> datetime:
        return local_midnight(self.start_day)

    @property
    def end(self) -> datetime:
        return local_midnight(self.end_day)

    @property
    def delivery_at(self) -> datetime:
        """06:00 Eastern on the day the period ends (the next one's first day), as UTC."""
        return datetime.combine(self.end_day, DELIVERY_TIME, tzinfo=EASTERN).astimezone(UTC)

    def previous(self) -> Period:
        if self.cadence is None:
            return Period(None, self.start_day - (self.end_day - self.start_day), self.start_day, self.anchor)
        return period_containing(self.cadence, local_midnight(self.start_day) - timedelta(microseconds=1), self.anchor)

    def following(self) -> Period:
        if self.cadence is None:
            return Period(None, self.end_day, self.end_day + (self.end_day - self.start_day), self.anchor)
        return period_containing(self.cadence, self.end, self.anchor)

    @property
    def label(self) -> str:
        """ "week of Nov 30–Dec 6, 2026", "December 2026", "Q4 2026", "Nov 30–Dec 13, 2026"."""
        last = self.end_day - timedelta(days=1)
        if self.cadence is Cadence.MONTHLY:
            return self.start_day.strftime("%B %Y")
        if self.cadence is Cadence.QUARTERLY:
            return f"Q{(self.start_day.month - 1) // 3 + 1} {self.start_day.year}"
        span = day_span(self.start_day, last)
        return f"week of {span}" if self.cadence is Cadence.WEEKLY else span

    @property
    def short_label(self) -> str:
        """The chart's: "Nov 30", "Dec 2026", "Q4 2026"."""
        if self.cadence is Cadence.MONTHLY:
            return self.start_day.strftime("%b %Y")
        if self.cadence is Cadence.QUARTERLY:
            return self.label
        return f"{self.start_day:%b} {self.start_day.day}"


def local_midnight(day: date) -> datetime:
    """00:00 Eastern of `day`, as UTC (midnight never falls in a daylight-saving gap in America/New_York)."""
    return datetime.combine(day, time(0), tzinfo=EASTERN).astimezone(UTC)


def eastern_day(instant: datetime) -> date:
    return instant.astimezone(EASTERN).date()


def day_span(first: date, last: date) -> str:
    """ "Nov 30–Dec 6, 2026", "Dec 7–13, 2026", "Dec 28, 2026–Jan 3, 2027"."""
    if first.year != last.year:
        return f"{first:%b} {first.day}, {first.year}–{last:%b} {last.day}, {last.year}"
    if first.month != last.month:
        return f"{first:%b} {first.day}–{last:%b} {last.day}, {last.year}"
    if first == last:
        return f"{first:%b} {first.day}, {first.year}"
    return f"{first:%b} {first.day}–{last.day}, {last.year}"


def period_containing(cadence: Cadence, instant: datetime, anchor: date | None = None) -> Period:
    """The one period of `cadence` that holds `instant`."""
    anchor = anchor or DEFAULT_ANCHOR
    day = eastern_day(instant)
    if cadence is Cadence.WEEKLY:
        start = day - timedelta(days=day.weekday())
        return Period(cadence, start, start + timedelta(days=7), anchor)
    if cadence is Cadence.BIWEEKLY:
        start = day - timedelta(days=(day - anchor).days % 14)
        return Period(cadence, start, start + timedelta(days=14), anchor)
    months = 1 if cadence is Cadence.MONTHLY else 3
    first_month = day.month - (day.month - 1) % months
    start = date(day.year, first_month, 1)
    following_month = first_month + months
    end = date(day.year + (following_month - 1) // 12, (following_month - 1) % 12 + 1, 1)
    return Period(cadence, start, end, anchor)


def last_complete(cadence: Cadence, now: datetime, anchor: date | None = None) -> Period:
    """The latest period that has ended by `now`."""
    return period_containing(cadence, now, anchor).previous()


def next_delivery(cadence: Cadence, after: datetime, anchor: date | None = None) -> datetime:
    """The first delivery instant strictly after `after`: the last complete period's, when its 06:00 is still to
    come (a subscription made on Monday at 03:00 gets last week's report at 06:00), else the current period's."""
    current = period_containing(cadence, after, anchor)
    previous_delivery = current.previous().delivery_at
    return previous_delivery if previous_delivery > after else current.delivery_at


def chart_periods(period: Period) -> list[Period]:
    """`period` and the seven before it, oldest first."""
    periods = [period]
    for _ in range(CHART_PERIODS - 1):
        periods.append(periods[-1].previous())
    return periods[::-1]
