"""Case reports (`make bench`): what a report reads, against what it reports.

moto in-process with the product provisioned (tests/support/stack.py). An account's history is written straight to
the table as the cases domain stores it (functions/cases/dal/case_items.py `to_item`): `history` cases opened and
closed over the two years before the period, a few long-open ones, and `in_period` cases opened in the week of
Nov 30-Dec 6, 2026 (60 % of them closed in it). The report of that week (functions/reports/logic/case_reports.py
on the real dal) counts the items its Queries evaluate (DynamoDB's ScannedCount, what a read is billed by), and the
cases it reports (the distinct cases of its three sections). The same week with 5 times the history shows that the
cost follows the period's cases, not the account's; 4 times the period's cases, that it grows with them. The wall
time of a report is compared with the same run's baseline: one page of the account's case view (GET /cases)."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from functions.cases.dal.case_items import to_item
from functions.cases.dal.tables import CaseItem
from functions.cases.models.case import Case
from functions.reports.logic.case_reports import case_report
from functions.reports.logic.dependencies import dependencies
from functions.reports.logic.periods import Cadence, period_containing
from functions.reports.models.records import ReadCount
from functions.shared.auth import Caller, Group
from functions.shared.business_time import business_calendar
from functions.shared.clock import FixedClock

WEEK_START = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)  # Monday 00:00 US Eastern
NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # the Monday after: the week is the last complete one
ITEMS_READ_PER_CASE_BUDGET = 2.0  # the case reports spec's target: items read / cases in the period
STAFF = Caller(user_id="u-erin", groups=frozenset({Group.ENGINEER}))
ACCOUNT = "acme"
WALL_RUNS = 7


@dataclass(frozen=True)
class ReportReads:
    history: int
    open_in_history: int  # of the history, cases still open (so open at the week's end too)
    in_period: int
    cases_reported: int
    queries: int
    items_read: int
    by_section: dict[str, int]

    @property
    def per_case(self) -> float:
        return self.items_read / self.cases_reported

    @property
    def met(self) -> bool:
        return self.per_case <= ITEMS_READ_PER_CASE_BUDGET


@dataclass(frozen=True)
class ReportWall:
    report_ms: float
    baseline_ms: float  # GET /cases, one page, the same run


def _case(number: int, opened: datetime, closed: datetime | None) -> CaseItem:
    fields = {
        "case_number": f"{number:010d}", "case_type": "Support", "account_id": ACCOUNT, "contact_id": "c-alice",
        "opened_by": "u-alice", "channel": "web", "priority": "3-Medium", "subject": f"Bench case {number}",
        "description": "Bench", "created_at": opened, "modified_at": closed or opened,
        "status": "Closed" if closed else "Open", "sub_status": "Resolved" if closed else "New",
        "closed_at": closed, "version": 2 if closed else 1,
    }  # fmt: skip
    return to_item(Case(**fields))


def write_history(first_number: int, history: int, in_period: int, *, open_every: int = 0) -> int:
    """The account's cases: `history` before the week (each closed within 3 days, but one in `open_every` still open),
    `in_period` opened in it (60 % closed in it). Returns the next free case number."""
    items, number = [], first_number
    span = timedelta(days=730)
    for index in range(history):
        opened = WEEK_START - span + span * index / history
        still_open = open_every and index % open_every == 0
        closed = None if still_open else min(opened + timedelta(days=3), WEEK_START - timedelta(hours=1))
        items.append(_case(number, opened, closed))
        number += 1
    for index in range(in_period):
        opened = WEEK_START + timedelta(hours=1 + index * 100 / in_period)
        closed = opened + timedelta(hours=6) if index % 5 < 3 else None
        items.append(_case(number, opened, closed))
        number += 1
    with CaseItem.batch_write() as batch:
        for item in items:
            batch.save(item)
    return number


# (history, one in how many of it still open, cases opened in the week): the spec's account (10,000 cases, 100 of
# them in the week), one with 1 % of its history still open (reported as open at the end), 5 times the history,
# 4 times the week's cases.
SCENARIOS = ((9_900, 0, 100), (9_900, 100, 100), (49_900, 100, 100), (9_600, 100, 400))


def measure_reads(scenarios: tuple[tuple[int, int, int], ...] = SCENARIOS) -> list[ReportReads]:
    """Each scenario in a fresh emulator: the week's report's reads."""
    from tests.support.stack import start_local_aws

    rows = []
    for history, open_every, in_period in scenarios:
        mock, _ = start_local_aws()
        try:
            write_history(1, history, in_period, open_every=open_every)
            deps = dependencies()
            deps.clock = FixedClock(NOW)
            reads = ReadCount()
            period = period_containing(Cadence.WEEKLY, WEEK_START)
            report = case_report(
                ACCOUNT, period, STAFF, store=deps.store, sections=deps.sections, tallies=deps.store,
                calendar=business_calendar(), now=NOW, reads=reads,
            )  # fmt: skip
            cases = {case.case_number for section in (report.opened, report.closed, report.open_at_end) for case in section}
            still_open = history // open_every + (1 if history % open_every else 0) if open_every else 0
            rows.append(ReportReads(history, still_open, in_period, len(cases), reads.queries, reads.items, dict(reads.by_section)))
        finally:
            mock.stop()
    return rows


def measure_wall(history: int = 9_900, in_period: int = 100) -> ReportWall:
    """The week's report through the real reports API handler, against one page of GET /cases, interleaved."""
    from tests.support.stack import start_local_aws

    mock, stack = start_local_aws()
    try:
        write_history(1, history, in_period)
        dependencies().clock = FixedClock(NOW)
        reports, pages = [], []
        for _ in range(WALL_RUNS):
            for timings, call in (
                (reports, lambda: stack.call("GET", "/reports/cases", user="engineer", api="reports",
                                             query={"accountId": ACCOUNT, "period": "weekly", "periodStart": "2026-11-30"})),
                (pages, lambda: stack.call("GET", "/cases", user="customer", query={"view": "all-closed", "limit": "50"})),
            ):  # fmt: skip
                start = time.perf_counter()
                answer = call()
                timings.append((time.perf_counter() - start) * 1000)
                assert answer.status == 200, answer
        return ReportWall(statistics.median(reports), statistics.median(pages))
    finally:
        mock.stop()
