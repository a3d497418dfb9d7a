"""The purge index on case items (functions/cases/dal): which cases are in it, the cases domain's index
held to the names both domains take from functions/shared/dal/case_view.py. (That the purge emits what the
cases domain subscribes to: tests/unit/test_event_contracts.py.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from functions.cases.dal.case_items import to_item
from functions.cases.dal.tables import CaseItem
from functions.cases.models.case import REOPEN_WINDOW, Case, CaseType, Channel, Priority, Status
from functions.shared.clock import to_iso
from functions.shared.dal import case_view
from functions.shared.retention import FILES_KEPT_AFTER_CLOSURE

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
    item = to_item(a_case(Status.CLOSED, CLOSED_AT))
    assert purge_attributes(item) == ("FILES", "2026-11-26T14:05:06.789Z", CLOSED_AT)
    assert FILES_KEPT_AFTER_CLOSURE == REOPEN_WINDOW == timedelta(days=30)


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
    item = to_item(case)
    assert purge_attributes(item) == (None, None, None)
    assert not {"purge_queue", "purge_due_at", "purge_closed_at"} & set(item.serialize())  # sparse: absent, not null


def test_the_cases_domain_declares_the_index_by_the_shared_names():
    index = CaseItem.purge_due_index
    keys = {attribute.attr_name: attribute for attribute in index.Meta.attributes.values()}
    assert index.Meta.index_name == case_view.PURGE_INDEX_NAME
    assert keys[case_view.PURGE_QUEUE_ATTRIBUTE].is_hash_key and keys[case_view.PURGE_DUE_ATTRIBUTE].is_range_key
    assert index.Meta.projection.non_key_attributes == case_view.PURGE_PROJECTED_ATTRIBUTES
    # The items carry the index's attributes under the same names.
    item = to_item(a_case(Status.CLOSED, CLOSED_AT)).serialize()
    assert item[case_view.PURGE_QUEUE_ATTRIBUTE] == {"S": case_view.PURGE_QUEUE}
    assert {case_view.PURGE_DUE_ATTRIBUTE, case_view.PURGE_CLOSED_AT_ATTRIBUTE} <= set(item)
