"""The purge index on case items (functions/cases/dal): which cases are in it, and the purge domain's
read model and event names held to the cases domain's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from functions.cases.dal.case_repository import _to_item
from functions.cases.dal.tables import PURGE_QUEUE_FILES, CaseItem
from functions.cases.models import delivery as cases_delivery
from functions.cases.models.case import REOPEN_WINDOW, Case, CaseType, Channel, Priority, Status
from functions.purge.dal import purge_index
from functions.purge.models import purge
from functions.shared.clock import to_iso

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
CLOSED_AT = "2026-10-27T14:05:06.789Z"


def a_case(status: Status, closed_at: str | None = None, files_purged_at: str | None = None) -> Case:
    return Case(
        case_number="0000000042", case_type=CaseType.ADMIN, account_id="acme", contact_id="c-alice", opened_by="u-1",
        channel=Channel.WEB, status=status, sub_status="Resolved" if status is Status.CLOSED else "Investigation",
        priority=Priority.LOW, subject="s", description="d", closed_at=closed_at, files_purged_at=files_purged_at,
        created_at=to_iso(NOW), modified_at=to_iso(NOW), version=3,
    )  # fmt: skip


def purge_attributes(item: CaseItem) -> tuple:
    return item.purge_queue, item.purge_due_at, item.purge_closed_at


def test_a_closed_case_is_due_30_days_after_its_closure():
    item = _to_item(a_case(Status.CLOSED, CLOSED_AT))
    assert purge_attributes(item) == ("FILES", "2026-11-26T14:05:06.789Z", CLOSED_AT)
    assert REOPEN_WINDOW.days == 30


@pytest.mark.parametrize(
    "case",
    [
        a_case(Status.OPEN),  # never closed, or reopened (closedAt cleared)
        a_case(Status.CLOSED, CLOSED_AT, files_purged_at="2026-11-27T03:00:00.000Z"),  # purged and marked
        a_case(Status.CLOSED, None),  # closed before closedAt was recorded: the purge cannot date it
    ],
    ids=["open", "purged", "undated"],
)
def test_other_cases_are_not_in_the_index(case):
    item = _to_item(case)
    assert purge_attributes(item) == (None, None, None)
    assert not {"purge_queue", "purge_due_at", "purge_closed_at"} & set(item.serialize())  # sparse: absent, not null


def test_the_purge_domain_reads_the_index_the_cases_domain_declares():
    index = CaseItem.purge_due_index
    keys = {attribute.attr_name: attribute for attribute in index.Meta.attributes.values()}
    assert index.Meta.index_name == purge_index.INDEX_NAME
    assert keys[purge_index.QUEUE_ATTRIBUTE].is_hash_key and keys[purge_index.DUE_ATTRIBUTE].is_range_key
    assert PURGE_QUEUE_FILES == purge_index.FILES_QUEUE
    projected = set(index.Meta.projection.non_key_attributes)
    assert {"case_number", "account_id", purge_index.CLOSED_AT_ATTRIBUTE} <= projected


def test_the_purge_event_is_the_one_the_cases_domain_subscribes_to():
    assert cases_delivery.EVENT_PATTERN == {"source": [purge.PURGE_EVENT_SOURCE], "detail-type": [purge.CASE_FILES_PURGED]}
