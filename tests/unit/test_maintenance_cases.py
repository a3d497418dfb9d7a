"""Maintenance cases in the cases domain (functions/cases/logic/create_case.py, maintenance_cases.py), on in-memory
stores and an injected `now`: a Support case states its window and its opening announces it; the alerts domain's
window events are each one update on the case, applied once, and the case follows the window (its status forward
only); a closed, missing or other account's case records nothing. tests/integration/test_maintenance_cases.py runs the
same through the real API, bus rules and consumers."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import TypeAdapter, ValidationError

from functions.alerts.models import maintenance as alerts_maintenance
from functions.cases.logic import maintenance_cases
from functions.cases.logic.bus_events import handle_bus_event
from functions.cases.logic.maintenance_cases import devices_text, followed_window, maintenance_note, note_maintenance_window
from functions.cases.models import requests
from functions.cases.models.bus_events import Outcome
from functions.cases.models.case import Case, CaseMaintenanceWindow, MaintenanceStatus, Status
from functions.cases.models.delivery import SUBSCRIBED
from functions.cases.models.lifecycle import STAFF_ONLY_KINDS, UpdateKind
from functions.cases.models.requests import NewCaseRequest
from functions.shared.bus_event import BusEvent
from functions.shared.contracts import (
    MAINTENANCE_WINDOW_EVENTS,
    EventSource,
    MaintenanceWindowCancelled,
    MaintenanceWindowEnded,
    MaintenanceWindowEvent,
    MaintenanceWindowScheduled,
    MaintenanceWindowStarted,
)
from functions.shared.errors import ValidationFailed
from functions.shared.text_limits import Identifier
from tests.unit.test_create_case_rules import ENGINEER, InMemoryCases, open_case
from tests.unit.test_monitoring_cases import FakeStore

NOW = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)  # Thursday 10:00 US Eastern
STARTS = datetime(2026, 12, 12, 13, 0, tzinfo=UTC)  # Saturday 08:00 US Eastern
ENDS = STARTS + timedelta(hours=4)
WINDOW_ID = "0123456789abcdef0123456789abcdef"
AUTOMATION = {"userId": "automation", "role": "automation"}
SUPPORT = {
    "caseType": "Support", "subject": "IC upgrade", "description": "Saturday morning.", "caseSubType": "Inquiry",
    "environmentType": "Production", "productGroup": "PureConnect", "product": "CIC Server", "majorVersion": "2020 R1",
}  # fmt: skip


def support(**window) -> NewCaseRequest:
    times = {"startsAt": STARTS.isoformat(), "endsAt": ENDS.isoformat()}
    return TypeAdapter(NewCaseRequest).validate_python(SUPPORT | {"maintenanceWindow": times | window})


def event(model: type[MaintenanceWindowEvent], version: int = 1, case_number: str = "0000000001", **fields) -> MaintenanceWindowEvent:
    detail = {
        "eventKey": f"alerts:{WINDOW_ID}:{version}:{model.detail_type.value}", "windowId": WINDOW_ID, "accountId": "acme",
        "caseNumber": case_number, "startsAt": "2026-12-12T13:00:00.000Z", "endsAt": "2026-12-12T17:00:00.000Z",
        "devices": ["ic-01", "ic-02"], "actor": AUTOMATION, "occurredAt": "2026-12-12T13:00:00.000Z",
    }  # fmt: skip
    return model.model_validate(detail | fields)


def ended(**fields) -> MaintenanceWindowEnded:
    line = {
        "dedupKey": "ic-01/down", "device": "ic-01", "severity": "critical", "summary": "IC service stopped",
        "firstTriggeredAt": "2026-12-12T13:05:00.000Z",
    }  # fmt: skip
    counts = {"suppressedCount": 37, "suppressedAlerts": [line], "stillFiringCount": 1, "occurredAt": "2026-12-12T17:10:00.000Z"}
    found = event(MaintenanceWindowEnded, 3, **(counts | fields))
    assert isinstance(found, MaintenanceWindowEnded)
    return found


def window(status: MaintenanceStatus = MaintenanceStatus.REQUESTED, **fields) -> CaseMaintenanceWindow:
    return CaseMaintenanceWindow(starts_at=STARTS, ends_at=ENDS, devices=["ic-01", "ic-02"], status=status, **fields)


def maintenance_case(store: FakeStore, **fields) -> Case:
    """The customer's maintenance case as its opening stored it (number 0000000001)."""
    created = open_case(support(devices=["ic-01", "ic-02"]), now=NOW).case
    case = created.model_copy(update={"account_id": "acme", **fields})
    store.cases[case.case_number] = case
    return case


# --- opening one ----------------------------------------------------------------------------------------


def test_a_customer_states_the_window_and_the_opening_announces_it():
    store = InMemoryCases()
    created = open_case(support(devices=["ic-01", " ic-02", "ic-01"]), repository=store, now=NOW).case

    assert created.maintenance_window == CaseMaintenanceWindow(starts_at=STARTS, ends_at=ENDS, devices=["ic-01", "ic-02"])
    assert created.maintenance_window.status is MaintenanceStatus.REQUESTED
    (opened,) = [each for each in store.events if each.detail_type == "CaseCreated"]
    assert opened.detail["maintenanceWindow"] == {
        "startsAt": "2026-12-12T13:00:00.000Z",
        "endsAt": "2026-12-12T17:00:00.000Z",
        "devices": ["ic-01", "ic-02"],
    }


def test_an_engineer_states_one_for_every_device_and_a_case_without_one_announces_none():
    store = InMemoryCases()
    times = {"startsAt": STARTS.isoformat(), "endsAt": ENDS.isoformat()}
    body = TypeAdapter(NewCaseRequest).validate_python(
        SUPPORT | {"onBehalfOf": {"accountId": "acme", "contactId": "c-1"}, "maintenanceWindow": times}
    )
    created = open_case(body, caller=ENGINEER, repository=store, now=NOW).case
    plain = open_case(TypeAdapter(NewCaseRequest).validate_python(SUPPORT), repository=store, now=NOW).case

    assert created.maintenance_window is not None and created.maintenance_window.devices is None
    assert plain.maintenance_window is None
    opened = {each.detail["caseNumber"]: each.detail for each in store.events if each.detail_type == "CaseCreated"}
    assert opened[created.case_number]["maintenanceWindow"]["devices"] is None
    assert "maintenanceWindow" not in opened[plain.case_number]


def test_a_window_that_has_ended_is_refused_but_one_under_way_is_taken():
    with pytest.raises(ValidationFailed, match="must end in the future") as refused:
        open_case(support(), now=ENDS)
    assert refused.value.field == "maintenanceWindow.endsAt"
    assert open_case(support(), now=STARTS + timedelta(hours=1)).case.maintenance_window is not None


@pytest.mark.parametrize(
    ("window_fields", "location", "words"),
    [
        ({"endsAt": STARTS.isoformat()}, "endsAt", "endsAt must be after startsAt"),
        ({"endsAt": (STARTS + timedelta(hours=72, seconds=1)).isoformat()}, "endsAt", "at most 72 hours"),
        ({"startsAt": "2026-12-12T08:00:00"}, "startsAt", "timezone"),
        ({"startsAt": 1796040000}, "startsAt", "ISO-8601 text"),
        ({"startsAt": "  "}, "startsAt", "required"),
        ({"startsAt": "0001-01-01T00:00:00+23:59"}, "startsAt", "between 2000 and 2099"),  # no instant UTC can hold
        ({"devices": []}, "devices", "name at least one device"),
        ({"devices": ["ic 01"]}, "devices", "as monitoring names it"),
        ({"devices": [f"d{n}" for n in range(101)]}, "devices", "at most 100"),
    ],
)
def test_the_window_model_says_what_to_fix(window_fields, location, words):
    with pytest.raises(ValidationError) as refused:
        support(**window_fields)
    (error,) = refused.value.errors()
    assert error["loc"][:3] == ("Support", "maintenanceWindow", location) and words in error["msg"]


def test_exactly_72_hours_is_a_window_and_only_support_cases_state_one():
    assert support(endsAt=(STARTS + timedelta(hours=72)).isoformat()).maintenance_window is not None
    for case_type in ({"caseType": "Admin"}, {"caseType": "Proactive"}):
        with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
            TypeAdapter(NewCaseRequest).validate_python({"subject": "s", "description": "d", **case_type, "maintenanceWindow": {}})


def test_the_window_rules_are_the_alerts_domains():
    """What the cases API takes, the alerts domain schedules (functions/alerts/models/maintenance.py)."""
    assert requests.MAX_MAINTENANCE_WINDOW == alerts_maintenance.MAX_WINDOW
    assert requests.MAX_MAINTENANCE_DEVICES == alerts_maintenance.MAX_DEVICES
    identifier = next(meta for meta in Identifier.__metadata__ if getattr(meta, "pattern", None))
    assert requests.DEVICE_PATTERN.pattern == identifier.pattern
    assert maintenance_cases.END_SETTLE == alerts_maintenance.END_SETTLE


# --- the notes ---------------------------------------------------------------------------------------------


def test_the_start_says_maintenance_mode_is_on_when_and_for_which_devices():
    note = maintenance_note(event(MaintenanceWindowStarted, 2))
    assert note == (
        "Maintenance mode is on from Saturday 12 December 2026, 08:00 US Eastern (EST) until Saturday 12 December 2026, 12:00 "
        "US Eastern (EST) for ic-01, ic-02: monitoring alerts are recorded but notify nobody, neither the support team nor you. "
        "Alerts still firing 10 minutes after the end go to the support team as usual."
    )
    assert " for all devices: " in maintenance_note(event(MaintenanceWindowStarted, 2, devices=None))


def test_the_end_says_what_was_silenced_and_what_went_to_the_support_team():
    note = maintenance_note(ended())
    first, _, *lines = note.split("\n")
    assert first == (
        "Maintenance mode has ended (it covered ic-01, ic-02 from Saturday 12 December 2026, 08:00 US Eastern (EST) until "
        "Saturday 12 December 2026, 12:00 US Eastern (EST)): 37 alert events were recorded and silenced; 1 alert still firing "
        "was handed to the support team."
    )
    assert lines == [
        "The first 1 alerts recorded:",
        "- [critical] ic-01: IC service stopped (dedup key ic-01/down; first triggered Saturday 12 December 2026, 08:05 US Eastern (EST))",
    ]
    quiet = maintenance_note(ended(suppressedCount=0, suppressedAlerts=[], stillFiringCount=0))
    assert quiet.endswith("no monitoring alert fired during it; no alert was still firing at the end.") and "\n" not in quiet
    one = maintenance_note(ended(suppressedCount=1, stillFiringCount=2))
    assert "1 alert event was recorded and silenced; 2 alerts still firing were handed" in one and "The alerts recorded during it:" in one


def test_scheduling_rescheduling_a_new_end_and_cancelling_are_each_said():
    scheduled = event(MaintenanceWindowScheduled)
    assert maintenance_note(scheduled, window()).startswith("Maintenance mode is scheduled from Saturday 12 December 2026, 08:00")
    assert maintenance_note(scheduled, None).startswith("Maintenance mode is scheduled from ")  # staff's window on any case
    later = event(MaintenanceWindowScheduled, 2, startsAt="2026-12-12T14:00:00.000Z", endsAt="2026-12-12T18:00:00.000Z")
    assert maintenance_note(later, window(MaintenanceStatus.SCHEDULED)).startswith(
        "Maintenance mode was rescheduled: it is now from Saturday 12 December 2026, 09:00 US Eastern (EST) until"
    )
    longer = event(MaintenanceWindowScheduled, 3, endsAt="2026-12-12T19:00:00.000Z")
    assert maintenance_note(longer, window(MaintenanceStatus.ACTIVE)) == (
        "Maintenance mode now ends at Saturday 12 December 2026, 14:00 US Eastern (EST) (it was to end at Saturday 12 December "
        "2026, 12:00 US Eastern (EST)); it covers ic-01, ic-02 and has been on since Saturday 12 December 2026, 08:00 US Eastern (EST)."
    )
    late = maintenance_note(scheduled, window(MaintenanceStatus.ACTIVE))  # the Scheduled delivered after the Started
    assert late.startswith("Maintenance mode was scheduled from ") and late.endswith("for ic-01, ic-02.")
    assert maintenance_note(event(MaintenanceWindowCancelled, 2)).endswith(
        "for ic-01, ic-02 was cancelled: monitoring alerts notify the support team as usual."
    )


def test_many_devices_are_counted_after_the_first_ten():
    devices = [f"ic-{n:02d}" for n in range(25)]
    assert devices_text(devices) == f"25 devices ({', '.join(devices[:10])} and 15 more)"
    assert devices_text(None) == devices_text([]) == "all devices"


# --- the case follows the window ---------------------------------------------------------------------------


def test_the_window_status_moves_forward_only_and_takes_the_latest_times():
    started = event(MaintenanceWindowStarted, 2)
    assert followed_window(window(), started, MaintenanceStatus.ACTIVE).status is MaintenanceStatus.ACTIVE
    late = followed_window(window(MaintenanceStatus.ACTIVE), event(MaintenanceWindowScheduled), MaintenanceStatus.SCHEDULED)
    assert late.status is MaintenanceStatus.ACTIVE
    longer = event(MaintenanceWindowScheduled, 3, endsAt="2026-12-12T19:00:00.000Z")
    changed = followed_window(window(MaintenanceStatus.ACTIVE), longer, MaintenanceStatus.SCHEDULED)
    assert (changed.status, changed.ends_at) == (MaintenanceStatus.ACTIVE, datetime(2026, 12, 12, 19, 0, tzinfo=UTC))
    done = followed_window(window(MaintenanceStatus.ACTIVE), ended(), MaintenanceStatus.ENDED)
    assert (done.status, done.suppressed_count, done.still_firing_count) == (MaintenanceStatus.ENDED, 37, 1)
    assert followed_window(done, longer, MaintenanceStatus.SCHEDULED) == done  # a late one changes an ended window no more
    assert followed_window(None, event(MaintenanceWindowScheduled), MaintenanceStatus.SCHEDULED).status is MaintenanceStatus.SCHEDULED


def test_each_event_is_one_update_the_customer_sees_applied_once():
    store = FakeStore()
    maintenance_case(store)
    for model in (MaintenanceWindowScheduled, MaintenanceWindowStarted):
        assert note_maintenance_window(event(model, 1), store=store, now=NOW) is Outcome.MAINTENANCE_NOTED
        assert note_maintenance_window(event(model, 1), store=store, now=NOW) is Outcome.UNCHANGED  # redelivered
    assert note_maintenance_window(ended(), store=store, now=NOW) is Outcome.MAINTENANCE_NOTED

    assert [update.kind for update in store.updates] == [UpdateKind.MAINTENANCE_NOTE] * 3
    assert UpdateKind.MAINTENANCE_NOTE not in STAFF_ONLY_KINDS
    assert {update.author.role for update in store.updates} == {"automation"}
    assert [entry.action for entry in store.history] == [
        "maintenance-window-scheduled", "maintenance-window-started", "maintenance-window-ended",
    ]  # fmt: skip
    case = store.cases["0000000001"]
    assert case.maintenance_window is not None and case.maintenance_window.status is MaintenanceStatus.ENDED
    assert (case.version, case.first_response_at) == (4, None)  # the automation is not support's first response
    assert {each.detail_type for each in store.events} == {"CaseUpdated"}
    assert {each.detail["updateKind"] for each in store.events} == {"maintenance-note"}
    applied = ((MaintenanceWindowScheduled, 1), (MaintenanceWindowStarted, 1), (MaintenanceWindowEnded, 3))
    assert store.applied == {
        f"dss.alerts#{model.detail_type}#alerts:{WINDOW_ID}:{version}:{model.detail_type}" for model, version in applied
    }


def test_a_closed_missing_or_other_accounts_case_records_nothing_and_does_not_fail():
    store = FakeStore()
    maintenance_case(store, status=Status.CLOSED)
    assert note_maintenance_window(event(MaintenanceWindowStarted), store=store, now=NOW) is Outcome.UNCHANGED
    assert note_maintenance_window(event(MaintenanceWindowStarted, case_number="0000000099"), store=store, now=NOW) is Outcome.UNCHANGED
    other = FakeStore()
    maintenance_case(other, account_id="globex")
    assert note_maintenance_window(event(MaintenanceWindowStarted), store=other, now=NOW) is Outcome.UNCHANGED
    assert store.updates == other.updates == [] and store.applied == other.applied == set()


def test_the_consumer_takes_the_four_window_events():
    assert set(SUBSCRIBED[EventSource.ALERTS]) >= {model.detail_type for model in MAINTENANCE_WINDOW_EVENTS}
    store = FakeStore()
    maintenance_case(store)
    for version, model in enumerate((MaintenanceWindowScheduled, MaintenanceWindowStarted, MaintenanceWindowCancelled), start=1):
        detail = event(model, version)
        envelope = BusEvent.model_validate(
            {"id": f"e{version}", "source": "dss.alerts", "detail-type": model.detail_type.value, "detail": detail.to_bus()}
        )
        assert handle_bus_event(envelope, store=store, now=NOW) is Outcome.MAINTENANCE_NOTED
    assert len(store.updates) == 3
    assert re.search(r"was cancelled: monitoring alerts notify the support team as usual\.$", store.updates[-1].text)
