"""The report's sections (functions/reports/dal/case_sections.py) against moto's DynamoDB with the table's real
schema (CaseItem declares its keys and every index, as the local stack creates it), over case items written as
the cases domain writes them: opened and closed hold exactly the period's cases and read nothing else; open at the
end is "created before the end and not closed before it"; another account's cases never show; a reopened case
leaves the closures index."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from functions.cases.dal.case_items import to_item
from functions.cases.dal.tables import CaseItem, bind_tables
from functions.cases.models.case import Case, CaseType, Channel, Priority, Status
from functions.reports.dal.case_sections import CaseSections
from functions.reports.models.records import ReadCount
from functions.shared.dal.case_view import CLOSED_INDEX_NAME, REPORT_CLOSED_AT_ATTRIBUTE
from functions.shared.environment import reset_environment

TABLE = "dss-test-report-sections"
ORIGIN = datetime(2026, 11, 2, 5, tzinfo=UTC)  # Monday Nov 2, 2026, 00:00 Eastern
SPAN = timedelta(days=60)
_serial = itertools.count(1)


@pytest.fixture(scope="module")
def sections() -> Iterator[CaseSections]:
    """One table for the module (each example writes under accounts of its own): bound and created as the local
    stack's provisioning does it."""
    with mock_aws():
        reset_environment()
        bind_tables(TABLE)
        CaseItem.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
        yield CaseSections(TABLE)
    reset_environment()


@dataclass(frozen=True)
class History:
    """A case's opening and, if it is closed now, its closure (statuses Open / Awaiting Info otherwise)."""

    created_at: datetime
    closed_at: datetime | None
    waiting: bool = False


def fresh(prefix: str) -> str:
    return f"{prefix}-{next(_serial)}"


def a_case(account: str, history: History) -> Case:
    closed = history.closed_at is not None
    status = Status.CLOSED if closed else Status.AWAITING_INFO if history.waiting else Status.OPEN
    return Case(
        case_number=f"{next(_serial):010d}", case_type=CaseType.SUPPORT, account_id=account, contact_id="c-alice",
        opened_by="u-alice", channel=Channel.WEB, status=status, sub_status="Resolved" if closed else "Investigation",
        priority=Priority.MEDIUM, subject="The IC server stopped", description="Since this morning.",
        closed_at=history.closed_at, created_at=history.created_at, modified_at=history.closed_at or history.created_at,
        response_due_at=history.created_at + timedelta(hours=4), version=2 if closed else 1,
    )  # fmt: skip


def write(cases: list[Case]) -> None:
    with CaseItem.batch_write() as batch:
        for case in cases:
            batch.save(to_item(case))


def numbers(rows: list) -> set[str]:
    return {row.case_number for row in rows}


# Instants as stored (milliseconds), on the hour often enough to fall on a period's bounds.
offsets = st.one_of(
    st.integers(min_value=0, max_value=int(SPAN / timedelta(hours=1))).map(lambda hours: timedelta(hours=hours)),
    st.integers(min_value=0, max_value=int(SPAN / timedelta(milliseconds=1))).map(lambda ms: timedelta(milliseconds=ms)),
)
histories = st.builds(
    lambda opened, lasted, waiting: History(ORIGIN + opened, None if lasted is None else ORIGIN + opened + lasted, waiting),
    offsets,
    st.one_of(st.none(), st.just(timedelta(0)), offsets.map(lambda offset: timedelta(milliseconds=offset // timedelta(milliseconds=3)))),
    st.booleans(),
)


# A period's bounds: mostly whole milliseconds like the stored instants (a report's are Eastern midnights), sometimes
# between two of them.
bounds = st.tuples(offsets, st.one_of(st.just(0), st.integers(min_value=1, max_value=999))).map(
    lambda bound: bound[0] + timedelta(microseconds=bound[1])
)


@st.composite
def periods(draw: st.DrawFn) -> tuple[datetime, datetime]:
    first, second = draw(bounds), draw(bounds)
    if first == second:
        second += timedelta(milliseconds=1)
    return ORIGIN + min(first, second), ORIGIN + max(first, second)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(cases=st.lists(histories, max_size=25), noise=st.lists(histories, min_size=1, max_size=5), period=periods())
def test_the_sections_hold_exactly_the_periods_cases_of_the_account(sections, cases, noise, period):
    start, end = period
    account, other = fresh("acct"), fresh("other")
    mine = [a_case(account, history) for history in cases]
    # Another account's cases at the same instants as this one's, and a few more of its own.
    theirs = [a_case(other, History(case.created_at, case.closed_at)) for case in mine] + [a_case(other, each) for each in noise]
    write(mine + theirs)

    reads = ReadCount()
    opened = sections.opened(account, start, end, reads)
    closed = sections.closed(account, start, end, reads)
    open_at_end = sections.open_at(account, end, ReadCount())

    assert numbers(opened) == {case.case_number for case in mine if start <= case.created_at < end}
    assert numbers(closed) == {case.case_number for case in mine if case.closed_at is not None and start <= case.closed_at < end}
    assert numbers(open_at_end) == {
        case.case_number for case in mine if case.created_at < end and (case.closed_at is None or case.closed_at >= end)
    }
    assert reads.items == len(opened) + len(closed)  # the period's cases, nothing outside it read
    assert [row.created_at for row in opened] == sorted(row.created_at for row in opened)
    assert [row.closed_at for row in closed] == sorted(row.closed_at for row in closed if row.closed_at)
    assert [row.created_at for row in open_at_end] == sorted(row.created_at for row in open_at_end)
    # The rows are the cases as written (the indexes project what a report shows).
    by_number = {case.case_number: case for case in mine}
    for row in [*opened, *closed, *open_at_end]:
        case = by_number[row.case_number]
        assert (row.created_at, row.closed_at, row.status, row.subject) == (case.created_at, case.closed_at, case.status, case.subject)
        assert row.response_due_at == case.response_due_at and row.contact_id == case.contact_id


def test_a_case_at_the_bounds(sections):
    """Opened at the start: in the period. Opened or closed at the end: not (closed at the end: open at the end)."""
    account = fresh("acct")
    start, end = ORIGIN, ORIGIN + timedelta(days=7)
    at_start, at_end, closed_at_end, closed_at_start = (
        a_case(account, History(start, None)),
        a_case(account, History(end, None)),
        a_case(account, History(start - timedelta(days=1), end)),
        a_case(account, History(start - timedelta(days=1), start)),
    )
    write([at_start, at_end, closed_at_end, closed_at_start])

    reads = ReadCount()
    assert numbers(sections.opened(account, start, end, reads)) == {at_start.case_number}
    assert numbers(sections.closed(account, start, end, reads)) == {closed_at_start.case_number}
    assert numbers(sections.open_at(account, end, reads)) == {at_start.case_number, closed_at_end.case_number}
    assert numbers(sections.open_at(account, start, reads)) == {closed_at_start.case_number, closed_at_end.case_number}


def test_bounds_between_two_milliseconds_compare_as_the_instants(sections):
    """Stored instants have milliseconds: a bound 0.5 ms after one of them leaves it before the bound."""
    account = fresh("acct")
    start, end = ORIGIN + timedelta(microseconds=500), ORIGIN + timedelta(days=1, microseconds=500)
    just_before_start, at_end_less_half = (
        a_case(account, History(ORIGIN, None)),
        a_case(account, History(ORIGIN + timedelta(days=1), None)),
    )
    write([just_before_start, at_end_less_half])

    assert numbers(sections.opened(account, start, end, ReadCount())) == {at_end_less_half.case_number}
    assert numbers(sections.open_at(account, end, ReadCount())) == {just_before_start.case_number, at_end_less_half.case_number}
    assert numbers(sections.open_at(account, start, ReadCount())) == {just_before_start.case_number}


def test_a_reopened_case_leaves_the_closures_index(sections):
    """Closed, then reopened (the cases domain writes the whole item again): no `report_closed_at` any more, so
    it is neither closed in the period nor read by the closures index; it is open at every end after its opening."""
    account = fresh("acct")
    start, end = ORIGIN, ORIGIN + timedelta(days=7)
    closed = a_case(account, History(start + timedelta(days=1), start + timedelta(days=2)))
    write([closed])
    assert numbers(sections.closed(account, start, end, ReadCount())) == {closed.case_number}

    reopened = {"status": Status.OPEN, "sub_status": "Investigation", "closed_at": None, "modified_at": start + timedelta(days=3)}
    to_item(closed.model_copy(update={**reopened, "version": 3})).save()

    key = {"pk": {"S": f"CASE#{closed.case_number}"}, "sk": {"S": "CASE"}}
    stored = boto3.client("dynamodb").get_item(TableName=TABLE, Key=key)["Item"]
    assert REPORT_CLOSED_AT_ATTRIBUTE not in stored
    in_index = boto3.client("dynamodb").query(
        TableName=TABLE,
        IndexName=CLOSED_INDEX_NAME,
        KeyConditionExpression="report_account = :account",
        ExpressionAttributeValues={":account": {"S": account}},
    )
    assert in_index["Items"] == [] and in_index["ScannedCount"] == 0
    reads = ReadCount()
    assert sections.closed(account, start, end, reads) == [] and reads.items == 0
    assert numbers(sections.open_at(account, end, ReadCount())) == {closed.case_number}
    assert numbers(sections.opened(account, start, end, ReadCount())) == {closed.case_number}
