"""The Open/Closed case report of an account for a period (docs/architecture.md, "Case reports"): the same report for
every channel (the API's JSON and CSV, the subscriptions' emails, the portal).

- **Sections** come from the report indexes, exact as of the read: opened in the period, closed in it (by the case's
  current closure: a case reopened since is no longer closed), open at its end (created before the end and not closed
  before it; its status is today's).
- **The chart and the previous period** come from the account's tallies (cases opened and closed per week, month and
  quarter, kept from the case events by functions/reports/logic/tallies.py), so they cost one Query whatever the
  account's history. The period itself is always the sections' exact counts. The previous period's open-at-end count
  follows exactly: open(end of previous) = open(end) - opened + closed.
- A range of dates asked for (no cadence) has no chart and no previous period: tallies are kept per calendar bucket.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Protocol

from functions.reports.logic.periods import Cadence, Period, chart_periods, eastern_day
from functions.reports.models.records import CaseRow, ReadCount, Tally
from functions.reports.models.report import (
    CaseReport,
    ChartBar,
    FirstResponses,
    PeriodCounts,
    ReportCase,
    ReportPeriod,
    ReportSummary,
)
from functions.shared.business_time import BusinessCalendar


class SectionReader(Protocol):
    def opened(self, account_id: str, start: datetime, end: datetime, reads: ReadCount) -> list[CaseRow]: ...

    def closed(self, account_id: str, start: datetime, end: datetime, reads: ReadCount) -> list[CaseRow]: ...

    def open_at(self, account_id: str, end: datetime, reads: ReadCount) -> list[CaseRow]: ...


class TallyReader(Protocol):
    def tallies(self, account_id: str, periods: list[Period], reads: ReadCount) -> list[Tally]:
        """Each period's cases opened and closed, from the tallies (one Query)."""
        ...


def build_report(
    account_id: str,
    account_name: str,
    period: Period,
    *,
    sections: SectionReader,
    tallies: TallyReader,
    calendar: BusinessCalendar,
    now: datetime,
    reads: ReadCount | None = None,
) -> CaseReport:
    reads = reads if reads is not None else ReadCount()
    opened = sections.opened(account_id, period.start, period.end, reads)
    closed = sections.closed(account_id, period.start, period.end, reads)
    open_at_end = sections.open_at(account_id, period.end, reads)
    counts = PeriodCounts(opened=len(opened), closed=len(closed), open_at_end=len(open_at_end))
    chart: list[ChartBar] = []
    previous: PeriodCounts | None = None
    if period.cadence is not None:
        earlier = chart_periods(period)[:-1]
        earlier_tallies = tallies.tallies(account_id, earlier, reads)
        chart = [_bar(each, tally) for each, tally in zip(earlier, earlier_tallies, strict=True)]
        chart.append(_bar(period, Tally(counts.opened, counts.closed)))
        last = earlier_tallies[-1]
        previous = PeriodCounts(
            opened=last.opened, closed=last.closed, open_at_end=max(0, counts.open_at_end - counts.opened + counts.closed)
        )
    age_until = min(period.end, now)
    return CaseReport(
        account_id=account_id,
        account_name=account_name,
        period=report_period(period),
        generated_at=now,
        summary=ReportSummary(
            counts=counts,
            previous=previous,
            first_responses=first_responses(opened, now),
            median_hours_to_close=median_hours_to_close(closed),
        ),
        chart=chart,
        open_at_end=[_case(row, age_business_days=business_days_between(row.created_at, age_until, calendar)) for row in open_at_end],
        opened=[_case(row) for row in opened],
        closed=[_case(row, hours_to_close=_hours(row)) for row in closed],
    )


def report_period(period: Period) -> ReportPeriod:
    return ReportPeriod(
        cadence=period.cadence.value if period.cadence else None,
        start=period.start,
        end=period.end,
        first_day=period.start_day,
        last_day=period.end_day - timedelta(days=1),
        label=period.label,
    )


def first_responses(opened: Iterable[CaseRow], now: datetime) -> FirstResponses:
    """A case counts once its target is met or has passed: answered within it, or not (late or still unanswered).
    An unanswered case is missed only after its target, as `ResponseTarget.response_breached` has it: an answer at
    the very instant it is due is still in time."""
    within = measured = 0
    for row in opened:
        if row.response_due_at is None:
            continue
        if row.first_response_at is not None:
            measured += 1
            within += row.first_response_at <= row.response_due_at
        elif row.response_due_at < now:
            measured += 1
    return FirstResponses(measured=measured, within_target=within, share=round(within / measured, 4) if measured else None)


def median_hours_to_close(closed: Iterable[CaseRow]) -> float | None:
    hours = [_hours(row) for row in closed]
    known = [value for value in hours if value is not None]
    return round(statistics.median(known), 1) if known else None


def business_days_between(start: datetime, end: datetime, calendar: BusinessCalendar) -> int:
    """Business days after the day of `start`, up to and including the day of `end` (Eastern)."""
    last = eastern_day(max(start, end - timedelta(microseconds=1)))
    days, day = 0, eastern_day(start) + timedelta(days=1)
    while day <= last:
        days += calendar.is_business_day(day)
        day += timedelta(days=1)
    return days


def _hours(row: CaseRow) -> float | None:
    if row.closed_at is None:
        return None
    return round((row.closed_at - row.created_at).total_seconds() / 3600, 1)


def _bar(period: Period, tally: Tally) -> ChartBar:
    return ChartBar(label=period.short_label, first_day=period.start_day, opened=tally.opened, closed=tally.closed)


def _case(row: CaseRow, **figures: int | float | None) -> ReportCase:
    return ReportCase(
        case_number=row.case_number,
        subject=row.subject,
        case_type=row.case_type,
        priority=row.priority,
        status=row.status,
        sub_status=row.sub_status,
        contact_id=row.contact_id,
        owner_id=row.owner_id,
        created_at=row.created_at,
        closed_at=row.closed_at,
        first_response_at=row.first_response_at,
        response_due_at=row.response_due_at,
        next_automated_action=row.next_automated_action,
        **figures,
    )


def tally_buckets(instant: datetime) -> list[str]:
    """The tally buckets an instant counts in: its week (Monday), month and quarter, Eastern."""
    day = eastern_day(instant)
    monday = day - timedelta(days=day.weekday())
    return [f"WEEK#{monday.isoformat()}", f"MONTH#{day:%Y-%m}", f"QUARTER#{day.year}-Q{(day.month - 1) // 3 + 1}"]


def period_buckets(period: Period) -> list[str]:
    """The buckets whose tallies add up to `period` (a bi-weekly period: its two weeks)."""
    if period.cadence is Cadence.MONTHLY:
        return [f"MONTH#{period.start_day:%Y-%m}"]
    if period.cadence is Cadence.QUARTERLY:
        return [f"QUARTER#{period.start_day.year}-Q{(period.start_day.month - 1) // 3 + 1}"]
    weeks = (period.end_day - period.start_day).days // 7
    return [f"WEEK#{(period.start_day + timedelta(days=7 * index)).isoformat()}" for index in range(weeks)]
