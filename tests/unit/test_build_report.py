"""The report builder over in-memory readers: the sections' counts and order, the previous period's open-at-end
derived from this one's, the chart's eight bars, the first-response share, the median time to close, the open
cases' age in business days, and a range of dates with no chart. The fake section reader has the dal's semantics
(tests/integration/test_report_sections.py holds the dal to them); a property holds both to the definition of
"open at the end" by replaying each case's opening and closure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.reports.logic.build_report import build_report, business_days_between, first_responses, median_hours_to_close
from functions.reports.logic.periods import Cadence, Period, chart_periods, period_containing
from functions.reports.models.records import CaseRow, ReadCount, Tally
from functions.reports.models.report import CaseReport, PeriodCounts
from functions.shared.business_time import BusinessCalendar

NEW_YORK = ZoneInfo("America/New_York")
CALENDAR = BusinessCalendar()
ACCOUNT = "acme"


def eastern(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK).astimezone(UTC)


def row(
    number: int,
    created_at: datetime,
    closed_at: datetime | None = None,
    *,
    response_due_at: datetime | None = None,
    first_response_at: datetime | None = None,
) -> CaseRow:
    """A case as the indexes project it: `closed_at` only while it is closed (a reopened case has none)."""
    return CaseRow(
        case_number=f"{number:010d}", subject=f"case {number}", case_type="Support", priority="3-Medium",
        status="Closed" if closed_at else "Open", sub_status="Resolved" if closed_at else "Investigation",
        contact_id="c-alice", owner_id=None, created_at=created_at, closed_at=closed_at,
        first_response_at=first_response_at, response_due_at=response_due_at, next_automated_action=None,
    )  # fmt: skip


@dataclass
class FakeSections:
    """The SectionReader with the dal's semantics over a list: opened and closed in `[start, end)` (closed by the
    case's current closure), open at `end` = created before it and not closed before it; sorted as the indexes."""

    rows: list[CaseRow]

    def opened(self, account_id: str, start: datetime, end: datetime, reads: ReadCount) -> list[CaseRow]:
        return self._read(reads, [each for each in self.rows if start <= each.created_at < end], by_closure=False)

    def closed(self, account_id: str, start: datetime, end: datetime, reads: ReadCount) -> list[CaseRow]:
        return self._read(reads, [each for each in self.rows if each.closed_at and start <= each.closed_at < end], by_closure=True)

    def open_at(self, account_id: str, end: datetime, reads: ReadCount) -> list[CaseRow]:
        found = [each for each in self.rows if each.created_at < end and (each.closed_at is None or each.closed_at >= end)]
        return self._read(reads, found, by_closure=False)

    def _read(self, reads: ReadCount, found: list[CaseRow], *, by_closure: bool) -> list[CaseRow]:
        reads.queries += 1
        reads.items += len(found)

        def order(each: CaseRow) -> tuple:
            return ((each.closed_at if by_closure else each.created_at), each.case_number)

        return sorted(found, key=order)


@dataclass
class FakeTallies:
    """The TallyReader: each period's openings and closures counted from the same rows; the calls recorded."""

    rows: list[CaseRow]
    calls: list[list[Period]] = field(default_factory=list)

    def tallies(self, account_id: str, periods: list[Period], reads: ReadCount) -> list[Tally]:
        self.calls.append(periods)
        reads.queries += 1
        return [tally_of(self.rows, period) for period in periods]


def tally_of(rows: list[CaseRow], period: Period) -> Tally:
    return Tally(
        opened=sum(period.start <= each.created_at < period.end for each in rows),
        closed=sum(each.closed_at is not None and period.start <= each.closed_at < period.end for each in rows),
    )


def report_of(rows: list[CaseRow], period: Period, now: datetime, tallies: FakeTallies | None = None) -> CaseReport:
    return build_report(
        ACCOUNT, "Acme", period, sections=FakeSections(rows), tallies=tallies or FakeTallies(rows), calendar=CALENDAR, now=now
    )


def numbers(cases: list) -> list[str]:
    return [case.case_number for case in cases]


# The week of Nov 30-Dec 6, 2026, and cases around it (1-9 by role, see each line).
WEEK = period_containing(Cadence.WEEKLY, eastern(2026, 12, 2, 12))
HISTORY = [
    row(1, eastern(2026, 11, 20, 9), eastern(2026, 12, 2, 9)),  # opened before, closed in the week
    row(2, eastern(2026, 12, 1, 10)),  # opened in the week, still open
    row(3, eastern(2026, 12, 2, 8), eastern(2026, 12, 3, 10)),  # opened and closed in the week
    row(4, eastern(2026, 11, 25, 10)),  # opened before (the Wednesday before Thanksgiving), still open
    row(5, eastern(2026, 12, 3, 11), eastern(2026, 12, 9, 9)),  # opened in the week, closed after it
    row(6, eastern(2026, 12, 8, 9)),  # opened after the week
    row(7, eastern(2026, 11, 1, 9), eastern(2026, 11, 10, 9)),  # opened and closed weeks before
    row(8, WEEK.end),  # opened at the very end: the next week's
    row(9, WEEK.start, WEEK.end),  # opened at the very start, closed at the very end: open at the end
]
AFTER_THE_WEEK = eastern(2026, 12, 10, 12)


def test_the_sections_hold_the_periods_cases_in_order():
    report = report_of(HISTORY, WEEK, AFTER_THE_WEEK)

    assert report.summary.counts == PeriodCounts(opened=4, closed=2, open_at_end=4)
    assert numbers(report.opened) == ["0000000009", "0000000002", "0000000003", "0000000005"]  # by opening
    assert numbers(report.closed) == ["0000000001", "0000000003"]  # by closure
    assert numbers(report.open_at_end) == ["0000000004", "0000000009", "0000000002", "0000000005"]  # oldest first
    assert (report.period.first_day, report.period.last_day, report.period.label) == (
        date(2026, 11, 30), date(2026, 12, 6), "week of Nov 30–Dec 6, 2026",
    )  # fmt: skip


def test_the_previous_period_takes_its_counts_from_the_tallies_and_derives_its_open_at_end():
    """open(previous end) = open(end) - opened + closed = 4 - 4 + 2: cases 1 and 4 were open on Nov 30 at 00:00."""
    report = report_of(HISTORY, WEEK, AFTER_THE_WEEK)

    assert report.summary.previous == PeriodCounts(opened=1, closed=0, open_at_end=2)  # the week of Nov 23: case 4
    assert len(FakeSections(HISTORY).open_at(ACCOUNT, WEEK.start, ReadCount())) == 2


def test_the_chart_is_eight_bars_oldest_first_the_last_the_periods_exact_counts():
    tallies = FakeTallies(HISTORY)
    report = report_of(HISTORY, WEEK, AFTER_THE_WEEK, tallies)

    assert tallies.calls == [chart_periods(WEEK)[:-1]]  # one read, the seven weeks before
    assert [bar.first_day for bar in report.chart] == [date(2026, 10, 12) + timedelta(weeks=index) for index in range(8)]
    assert [bar.label for bar in report.chart] == ["Oct 12", "Oct 19", "Oct 26", "Nov 2", "Nov 9", "Nov 16", "Nov 23", "Nov 30"]
    assert [(bar.opened, bar.closed) for bar in report.chart] == [(0, 0), (0, 0), (1, 0), (0, 0), (0, 1), (1, 0), (1, 0), (4, 2)]


def test_the_period_bar_is_the_sections_even_when_the_tallies_disagree():
    """The tallies only draw the earlier bars: the period's own bar and counts are the exact sections."""

    class Stale(FakeTallies):
        def tallies(self, account_id: str, periods: list[Period], reads: ReadCount) -> list[Tally]:
            return [Tally(99, 99) for _ in periods]

    report = report_of(HISTORY, WEEK, AFTER_THE_WEEK, Stale(HISTORY))
    assert (report.chart[-1].opened, report.chart[-1].closed) == (4, 2)
    assert report.summary.previous == PeriodCounts(opened=99, closed=99, open_at_end=2)


def test_open_cases_age_in_business_days_skipping_weekends_and_federal_holidays():
    """Up to the week's end (Monday 00:00, so through Sunday): case 4 from Wednesday Nov 25 skips Thanksgiving and
    two weekends (Nov 27, Nov 30-Dec 4), case 9 from Monday Nov 30 00:00 counts Dec 1-4."""
    report = report_of(HISTORY, WEEK, AFTER_THE_WEEK)

    assert date(2026, 11, 26) in CALENDAR.holidays and date(2026, 11, 27) not in CALENDAR.holidays
    ages = {case.case_number: case.age_business_days for case in report.open_at_end}
    assert ages == {"0000000004": 6, "0000000009": 4, "0000000002": 3, "0000000005": 1}
    assert all(case.age_business_days is None for case in [*report.opened, *report.closed])


def test_in_the_current_period_open_cases_age_until_now():
    now = eastern(2026, 12, 2, 15)  # Wednesday
    report = report_of(HISTORY, WEEK, now)
    ages = {case.case_number: case.age_business_days for case in report.open_at_end}
    assert ages["0000000009"] == 2 and ages["0000000004"] == 4  # Dec 1-2; Nov 27, Nov 30-Dec 2


@pytest.mark.parametrize(
    "start, end, days",
    [
        (eastern(2026, 12, 21, 9), eastern(2026, 12, 28), 3),  # Dec 22-24: Christmas (Friday) and the weekend skipped
        (eastern(2026, 12, 31, 9), eastern(2027, 1, 5, 10), 2),  # New Year's Day (Friday) skipped: Jan 4 and 5
        (eastern(2026, 12, 4, 17), eastern(2026, 12, 7), 0),  # Friday to Monday 00:00: the weekend only
        (eastern(2026, 12, 4, 17), eastern(2026, 12, 7, 0, 1), 1),  # a minute into Monday: Monday counts
        (eastern(2026, 12, 2, 9), eastern(2026, 12, 2, 18), 0),  # the same day
        (eastern(2026, 12, 2, 9), eastern(2026, 12, 1), 0),  # an end before the start
        (eastern(2026, 1, 16, 9), eastern(2026, 1, 20), 0),  # Martin Luther King Jr. Day (Monday Jan 19) skipped
    ],
)
def test_business_days_between(start, end, days):
    assert business_days_between(start, end, CALENDAR) == days


def test_first_responses_count_met_and_missed_targets_only():
    """Measured: answered (within or late) and unanswered past due. Excluded: unanswered not yet due (including due
    this very instant: an answer now would still be in time) and cases without a target."""
    now = eastern(2026, 12, 3, 12)
    due = eastern(2026, 12, 2, 12)
    rows = [
        row(1, eastern(2026, 12, 2, 8), response_due_at=due, first_response_at=due),  # within: exactly at the target
        row(2, eastern(2026, 12, 2, 8), response_due_at=due, first_response_at=due + timedelta(milliseconds=1)),  # late
        row(3, eastern(2026, 12, 2, 8), response_due_at=due),  # unanswered past due: missed
        row(4, eastern(2026, 12, 3, 8), response_due_at=now),  # due now: not missed yet
        row(5, eastern(2026, 12, 3, 8), response_due_at=now + timedelta(hours=2)),  # not yet due
        row(6, eastern(2026, 12, 2, 8), first_response_at=due),  # no target
        row(7, eastern(2026, 12, 2, 8)),  # no target, unanswered
    ]
    result = first_responses(rows, now)
    assert (result.measured, result.within_target, result.share) == (3, 1, 0.3333)
    assert first_responses(rows[3:], now).share is None

    report = report_of(rows, WEEK, now)
    assert report.summary.first_responses == result


def test_median_hours_to_close():
    opened = eastern(2026, 12, 1, 9)
    closed = [row(number, opened, opened + timedelta(hours=hours)) for number, hours in enumerate([2, 31, 5], start=1)]
    assert median_hours_to_close(closed) == 5.0
    assert median_hours_to_close(closed[:2]) == 16.5  # an even count: the mean of the middle two
    assert median_hours_to_close([row(1, opened, opened + timedelta(minutes=80))]) == 1.3
    assert median_hours_to_close([]) is None

    report = report_of(closed, WEEK, AFTER_THE_WEEK)
    assert report.summary.median_hours_to_close == 5.0
    assert [case.hours_to_close for case in report.closed] == [2.0, 5.0, 31.0]


def test_a_range_of_dates_has_no_chart_and_no_previous_period():
    tallies = FakeTallies(HISTORY)
    period = Period(None, date(2026, 11, 25), date(2026, 12, 4))
    report = report_of(HISTORY, period, AFTER_THE_WEEK, tallies)

    assert report.chart == [] and report.summary.previous is None and tallies.calls == []
    assert report.period.cadence is None and report.period.label == "Nov 25–Dec 3, 2026"
    assert report.summary.counts == PeriodCounts(opened=5, closed=2, open_at_end=4)  # 4, 9, 2, 3, 5 / 1, 3 / 4, 9, 2, 5


# --- the definition, by replay -----------------------------------------------------------------------------

ORIGIN = eastern(2026, 11, 1)
SPAN_HOURS = 24 * 200
# Hours (so that openings and closures fall on period boundaries often) or any millisecond.
offsets = st.one_of(
    st.integers(min_value=0, max_value=SPAN_HOURS).map(lambda hours: timedelta(hours=hours)),
    st.integers(min_value=0, max_value=SPAN_HOURS * 3_600_000).map(lambda ms: timedelta(milliseconds=ms)),
)
durations = st.one_of(st.none(), st.just(timedelta(0)), offsets.map(lambda offset: offset / 4))


@st.composite
def histories(draw: st.DrawFn) -> list[CaseRow]:
    cases = draw(st.lists(st.tuples(offsets, durations), max_size=40))
    return [row(number, ORIGIN + opened, closure(ORIGIN + opened, lasted)) for number, (opened, lasted) in enumerate(cases)]


def closure(opened: datetime, lasted: timedelta | None) -> datetime | None:
    return None if lasted is None else opened + lasted


def replayed_open(rows: list[CaseRow], instant: datetime) -> set[str]:
    """The definition: replay every opening and closure before `instant` in time order (an opening before a
    closure at the same instant); the cases whose last event is an opening are open."""
    openings = [(each.created_at, 0, each.case_number) for each in rows]
    closures = [(each.closed_at, 1, each.case_number) for each in rows if each.closed_at]
    events = sorted(openings + closures)
    state: dict[str, bool] = {}
    for at, kind, number in events:
        if at >= instant:
            break
        state[number] = kind == 0
    return {number for number, is_open in state.items() if is_open}


def events_in(rows: list[CaseRow], period: Period) -> tuple[set[str], set[str]]:
    opened = {each.case_number for each in rows if period.start <= each.created_at < period.end}
    closed = {each.case_number for each in rows if each.closed_at and period.start <= each.closed_at < period.end}
    return opened, closed


@given(rows=histories(), instant=offsets)
def test_the_fakes_open_at_is_the_replayed_definition(rows, instant):
    at = ORIGIN + instant
    assert set(numbers(FakeSections(rows).open_at(ACCOUNT, at, ReadCount()))) == replayed_open(rows, at)


@given(rows=histories(), cadence=st.sampled_from(Cadence), instant=offsets)
def test_a_report_agrees_with_the_replayed_history(rows, cadence, instant):
    """Sections, counts, the previous period's open-at-end (derived, never read) and every bar of the chart."""
    period = period_containing(cadence, ORIGIN + instant)
    report = report_of(rows, period, ORIGIN + timedelta(hours=SPAN_HOURS * 2))

    opened, closed = events_in(rows, period)
    assert (set(numbers(report.opened)), set(numbers(report.closed))) == (opened, closed)
    assert set(numbers(report.open_at_end)) == replayed_open(rows, period.end)
    assert report.summary.counts == PeriodCounts(opened=len(opened), closed=len(closed), open_at_end=len(replayed_open(rows, period.end)))
    assert report.summary.previous is not None
    assert report.summary.previous.open_at_end == len(replayed_open(rows, period.start))
    assert [(bar.opened, bar.closed) for bar in report.chart] == [tuple(map(len, events_in(rows, each))) for each in chart_periods(period)]
