"""The cases domain marking a case from CaseFilesPurged (functions/cases/logic/mark_files_purged.py), on an
in-memory store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from functions.cases.logic.mark_files_purged import handle_purge_event, mark_files_purged
from functions.cases.models.bus_events import Outcome
from functions.cases.models.case import Case, CaseType, Channel, Priority, Status
from functions.cases.models.records import StaleCase
from functions.shared.bus_event import BusEvent
from functions.shared.clock import to_iso
from functions.shared.contracts import CaseFilesPurged

NOW = datetime(2026, 11, 27, 3, 0, 5, tzinfo=UTC)
CLOSED_AT = "2026-10-27T14:05:06.789Z"
PURGED_AT = "2026-11-27T03:00:00.000Z"


def a_case(status=Status.CLOSED, closed_at=CLOSED_AT, files_purged_at=None) -> Case:
    return Case(
        case_number="0000000042", case_type=CaseType.ADMIN, account_id="acme", contact_id="c-alice", opened_by="u-1",
        channel=Channel.WEB, status=status, sub_status="Resolved" if status is Status.CLOSED else "Investigation",
        priority=Priority.LOW, subject="s", description="d", closed_at=closed_at, files_purged_at=files_purged_at,
        created_at="2026-10-01T10:00:00.000Z", modified_at=CLOSED_AT, version=3,
    )  # fmt: skip


class FakeStore:
    def __init__(self, case: Case | None):
        self.case, self.history, self.events = case, [], []

    def read_for_change(self, case_number, idempotency_scope):
        return (self.case if self.case and self.case.case_number == case_number else None), None

    def commit_change(self, before_version, case, history, update, events, **_):
        if self.case.version != before_version:
            raise StaleCase()
        self.case = case
        self.history.append(history)
        self.events += events


def purged(**changes) -> CaseFilesPurged:
    detail = {"caseNumber": "0000000042", "accountId": "acme", "closedAt": CLOSED_AT, "purgedAt": PURGED_AT, "objectsDeleted": 3}
    return CaseFilesPurged.model_validate({**detail, "eventKey": f"0000000042#{CLOSED_AT}#CaseFilesPurged", **changes})


def test_the_closure_purged_is_marked_once_by_the_automation():
    store = FakeStore(a_case())

    assert mark_files_purged(purged(), store=store, now=NOW)
    assert not mark_files_purged(purged(), store=store, now=NOW)  # a duplicate delivery

    assert (to_iso(store.case.files_purged_at), store.case.version, store.case.status) == (PURGED_AT, 4, Status.CLOSED)
    (entry,) = store.history
    assert (entry.action, entry.actor.role, entry.at) == ("files-purged", "automation", NOW)
    assert [(change.field, change.to_value) for change in entry.changes] == [("filesPurgedAt", PURGED_AT)]
    (event, *others) = store.events  # written with the change (the outbox)
    assert (event.detail_type, event.detail["changedFields"], others) == ("CaseUpdated", ["filesPurgedAt"], [])


@pytest.mark.parametrize(
    "case",
    [
        a_case(Status.OPEN, None),  # reopened since
        a_case(closed_at="2026-11-20T08:00:00.000Z"),  # reopened and closed again since: a later closure's files
        a_case(files_purged_at="2026-11-26T03:00:00.000Z"),  # already marked
        None,  # no such case
    ],
    ids=["reopened", "closed-again", "already-marked", "missing"],
)
def test_anything_but_that_closure_is_left_alone(case):
    store = FakeStore(case)
    assert not mark_files_purged(purged(), store=store, now=NOW)
    assert (store.case, store.history, store.events) == (case, [], [])


def test_other_events_on_the_queue_are_ignored():
    event = BusEvent.model_validate({"id": "e-1", "source": "dss.files", "detail-type": "CaseFileAdded", "detail": {}})
    store = FakeStore(a_case())
    assert handle_purge_event(event, store=store, now=NOW) is Outcome.IGNORED
    assert store.history == []


def test_a_purge_event_marks_through_the_handler_entry_point():
    detail = purged().model_dump(by_alias=True, mode="json")
    event = BusEvent.model_validate({"id": "e-2", "source": "dss.purge", "detail-type": "CaseFilesPurged", "detail": detail})
    store = FakeStore(a_case())
    assert handle_purge_event(event, store=store, now=NOW) is Outcome.MARKED
    assert handle_purge_event(event, store=store, now=NOW) is Outcome.UNCHANGED
