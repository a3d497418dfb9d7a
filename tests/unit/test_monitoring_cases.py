"""The alerts domain's incidents on their cases (functions/cases/logic/monitoring_cases.py), on an in-memory store
and an injected `now`: who the case is for, what it says, once per incident, and the notes on it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from functions.cases.logic.bus_events import handle_bus_event
from functions.cases.logic.monitoring_cases import (
    SUBJECT_MAX,
    CannotOpenMonitoringCase,
    caller_of,
    digest,
    monitoring_contact,
    monitoring_description,
    monitoring_subject,
    note_alerts_attached,
    note_alerts_recovered,
    open_monitoring_case,
    recovery_note,
)
from functions.cases.models.bus_events import Outcome
from functions.cases.models.case import Case, CaseSubType, CaseType, Channel, EnvironmentType, Priority, Status
from functions.cases.models.lifecycle import UpdateKind
from functions.cases.models.records import Account, EventAlreadyApplied, MonitoringCaseExists, StaleCase
from functions.shared.bus_event import BusEvent
from functions.shared.clock import to_iso
from functions.shared.contracts import (
    AlertLine,
    DetailType,
    MonitoringAlertsAttached,
    MonitoringAlertsRecovered,
    MonitoringCaseRequested,
    TimerKind,
)
from functions.shared.dal.directory import ContactEntry, ContactStatus

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # Monday 10:00 US Eastern
GROUP = "0123456789abcdef0123456789abcdef"
OTHER_GROUP = "f" * 32
AUTOMATION = {"userId": "automation", "role": "automation"}


def entry(status: ContactStatus = ContactStatus.ACTIVE) -> ContactEntry:
    return ContactEntry(name="n", email="e@x.example", status=status)


def account(contacts: dict[str, ContactEntry] | None = None, emergency: tuple[str, ...] = ()) -> Account:
    contacts = {"c-alice": entry(), "c-bob": entry()} if contacts is None else contacts
    return Account("acme", "Acme Contact Centers", "north-america", contacts, emergency)


def alert(key: str = "disk-db01", device: str = "db01", summary: str = "Disk C: 98% full", severity: str = "critical") -> dict:
    return {"dedupKey": key, "device": device, "severity": severity, "summary": summary, "firstTriggeredAt": "2026-12-07T14:55:00.000Z"}


def requested(**changes) -> MonitoringCaseRequested:
    detail = {
        "eventKey": f"{GROUP}#case-requested", "groupId": GROUP, "accountId": "acme", "device": "db01", "alertCount": 2,
        "occurredAt": "2026-12-07T14:59:00.000Z", "reason": "business-hours", "summary": "Disk C: 98% full",
        "severity": "critical", "detectedAt": "2026-12-07T14:55:00.000Z",
        "alerts": [alert(), alert("cpu-db01", summary="CPU 100% for 10 minutes", severity="error")], "actor": AUTOMATION,
    }  # fmt: skip
    return MonitoringCaseRequested.model_validate(detail | changes)


def attached(**changes) -> MonitoringAlertsAttached:
    detail = {
        "eventKey": f"{GROUP}#attached#1", "groupId": GROUP, "accountId": "acme", "device": "db01", "alertCount": 5,
        "occurredAt": "2026-12-07T15:20:00.000Z", "caseNumber": "0000000001", "newAlertCount": 3,
        "newAlerts": [
            alert("mem-db01", summary="Memory low", severity="warning"), alert("svc-ic", device="ic01", summary="IC service stopped"),
        ],
    }  # fmt: skip
    return MonitoringAlertsAttached.model_validate(detail | changes)


def recovered(**changes) -> MonitoringAlertsRecovered:
    detail = {
        "eventKey": f"{GROUP}#recovered", "groupId": GROUP, "accountId": "acme", "device": "db01", "alertCount": 5,
        "occurredAt": "2026-12-07T16:40:00.000Z", "caseNumber": "0000000001", "recoveredAt": "2026-12-07T16:30:00.000Z",
    }  # fmt: skip
    return MonitoringAlertsRecovered.model_validate(detail | changes)


class FakeStore:
    """The case store in memory: claims on incidents, cases, their updates, history and applied events."""

    def __init__(self, account_: Account | None = None):
        self.account = account_ if account_ is not None else account()
        self.claims: dict[str, str] = {}
        self.cases: dict[str, Case] = {}
        self.events: list = []
        self.updates: list = []
        self.history: list = []
        self.applied: set[str] = set()
        self.numbers = 0
        self.person_changed = False
        self.race: Exception | None = None  # raised once by the next create, as a concurrent delivery would make it

    def next_case_number(self) -> int:
        self.numbers += 1
        return self.numbers

    def read_before_monitoring_case(self, group_id, account_id):
        return self.claims.get(group_id), (self.account if self.account and self.account.account_id == account_id else None)

    def create_monitoring_case(self, case, history, events, *, group_id, now):
        if self.race:
            race, self.race = self.race, None
            if isinstance(race, MonitoringCaseExists):
                self.claims[group_id] = "0000000099"
            raise race
        if group_id in self.claims:
            raise MonitoringCaseExists()
        self.claims[group_id] = case.case_number
        self.cases[case.case_number] = case
        self.history.append(history)
        self.events += events

    def read_for_change(self, case_number, idempotency_scope):
        return self.cases.get(case_number), None

    def commit_change(self, before_version, case, history, update, events, *, applied_event=None, **_):
        if self.cases[case.case_number].version != before_version:
            raise StaleCase()
        if applied_event in self.applied:
            raise EventAlreadyApplied()
        self.applied.add(applied_event)
        self.cases[case.case_number] = case
        self.history.append(history)
        self.updates += [update] if update else []
        self.events += events

    def changed_by_a_person(self, case_number):
        return self.person_changed


def opened(store: FakeStore, **changes) -> Case:
    case = open_monitoring_case(requested(**changes), store=store, now=NOW)
    assert case is not None
    store.events.clear()
    return case


def details(store: FakeStore) -> list[dict]:
    return [{"detailType": event.detail_type, **event.detail} for event in store.events]


# --- who the case is for ----------------------------------------------------------------------------


def test_the_contact_is_the_first_emergency_contact_not_disabled():
    contacts = {"c-alice": entry(), "c-bob": entry(ContactStatus.DISABLED), "c-carol": entry(ContactStatus.INVITED)}
    assert monitoring_contact(account(contacts, ("c-bob", "c-carol", "c-alice"))) == "c-carol"  # an invited one is not disabled
    assert monitoring_contact(account(contacts, ("c-gone", "c-alice"))) == "c-alice"  # one no longer a contact is skipped


def test_without_a_usable_emergency_contact_the_first_active_contact_by_id_then_an_invited_one():
    contacts = {"c-zed": entry(), "c-bob": entry(ContactStatus.DISABLED), "c-amy": entry(ContactStatus.INVITED), "c-dan": entry()}
    assert monitoring_contact(account(contacts, ("c-bob",))) == "c-dan"
    assert monitoring_contact(account({"c-amy": entry(ContactStatus.INVITED), "c-bob": entry(ContactStatus.DISABLED)})) == "c-amy"
    assert monitoring_contact(account({"c-bob": entry(ContactStatus.DISABLED)})) is None
    assert monitoring_contact(account({})) is None


def test_an_account_without_a_contact_to_open_for_is_refused_before_anything_is_written():
    store = FakeStore(account({"c-bob": entry(ContactStatus.DISABLED)}))
    with pytest.raises(CannotOpenMonitoringCase, match="no contact that is not disabled"):
        open_monitoring_case(requested(), store=store, now=NOW)
    store = FakeStore(account())
    with pytest.raises(CannotOpenMonitoringCase, match="not in the directory"):
        open_monitoring_case(requested(accountId="initech"), store=store, now=NOW)
    assert (store.cases, store.claims, store.numbers) == ({}, {}, 0)


# --- what it says --------------------------------------------------------------------------------------


def test_the_subject_names_the_summary_and_the_device_within_the_subject_limit():
    assert monitoring_subject("Disk C: 98% full", "db01") == "Monitoring: Disk C: 98% full on db01"
    long = monitoring_subject("a very long\nsummary " * 60, "d" * 255)
    assert len(long) <= SUBJECT_MAX and "\n" not in long
    assert long.startswith("Monitoring: a very long summary") and long.endswith(f" on {'d' * 79}…")
    assert "…" in long.split(" on ")[0]


def test_the_description_lists_every_alert_and_the_total():
    text = monitoring_description(requested(alertCount=7))
    assert "Disk C: 98% full on db01 (critical), first detected Monday 7 December 2026, 09:55 US Eastern (EST)" in text
    assert "The incident has 7 alerts in all; the first 2:" in text
    assert (
        "- [critical] db01: Disk C: 98% full (dedup key disk-db01; first triggered Monday 7 December 2026, 09:55 US Eastern (EST))" in text
    )
    assert "- [error] db01: CPU 100% for 10 minutes (dedup key cpu-db01;" in text
    assert text.endswith("... and 5 more (the alerts API lists them all).")
    assert "The incident has 2 alerts in all:" in monitoring_description(requested())


def test_a_prod_down_support_case_on_the_monitoring_channel_for_the_incident():
    store = FakeStore(account(emergency=("c-bob",)))
    case = open_monitoring_case(requested(), store=store, now=NOW)

    assert case is not None and store.cases == {case.case_number: case} and store.claims == {GROUP: case.case_number}
    assert (case.case_type, case.case_sub_type, case.environment_type) == (
        CaseType.SUPPORT,
        CaseSubType.PROBLEM,
        EnvironmentType.PRODUCTION,
    )
    assert (case.priority, case.channel, case.status, case.sub_status) == (Priority.PROD_DOWN, Channel.MONITORING, Status.OPEN, "New")
    assert (case.account_id, case.contact_id, case.region, case.opened_by) == ("acme", "c-bob", "north-america", "automation")
    assert (to_iso(case.detected_at), case.monitoring_group_id, case.created_at) == ("2026-12-07T14:55:00.000Z", GROUP, NOW)
    assert case.subject == "Monitoring: Disk C: 98% full on db01"
    assert case.first_response_at is None and to_iso(case.response_due_at) == "2026-12-07T15:30:00.000Z"  # 30 minutes, around the clock
    (entry_,) = store.history
    assert (entry_.action, entry_.actor.role) == ("opened", "automation")


def test_the_response_escalation_starts_and_every_event_names_the_incident():
    store = FakeStore()
    open_monitoring_case(requested(), store=store, now=NOW)

    events = details(store)
    assert [event["detailType"] for event in events] == [DetailType.CASE_CREATED, DetailType.CASE_TIMER_STARTED]
    assert events[1]["timer"] == TimerKind.RESPONSE_ESCALATION
    assert {event["monitoringGroupId"] for event in events} == {GROUP}
    assert all(event["channel"] == "monitoring" and event["byCustomer"] is False for event in events)


def test_an_engineer_who_asked_for_it_opens_it():
    store = FakeStore()
    case = open_monitoring_case(requested(reason="engineer", actor={"userId": "u-erin", "role": "engineers"}), store=store, now=NOW)
    assert case is not None and case.opened_by == "u-erin" and case.first_response_at is None
    assert {json.dumps(event.detail["actor"]) for event in store.events} == {
        json.dumps({"userId": "u-erin", "role": "engineers", "contactId": None})
    }
    assert caller_of(requested(actor={"userId": "u-alice", "role": "customer-contacts", "contactId": "c-alice"}).actor).is_automation


# --- once per incident -------------------------------------------------------------------------------------


def test_a_duplicate_request_opens_nothing_more():
    store = FakeStore()
    first = open_monitoring_case(requested(), store=store, now=NOW)
    again = open_monitoring_case(requested(eventKey="another delivery, another key"), store=store, now=NOW)

    assert first is not None and again is None
    assert len(store.cases) == 1 and store.numbers == 1  # the claim is read first: no number is spent


def test_a_concurrent_delivery_that_committed_first_wins_and_a_conflict_is_read_again():
    store = FakeStore()
    store.race = MonitoringCaseExists()
    assert open_monitoring_case(requested(), store=store, now=NOW) is None and store.cases == {}

    store = FakeStore()
    store.race = StaleCase()  # a transaction conflict on the claim: read it again, then open
    case = open_monitoring_case(requested(), store=store, now=NOW)
    assert case is not None and case.case_number == "0000000002" and list(store.cases) == ["0000000002"]


# --- the notes -------------------------------------------------------------------------------------


def test_new_alerts_are_one_internal_note_applied_once():
    store = FakeStore()
    case = opened(store)

    assert note_alerts_attached(attached(), store=store, now=NOW) is Outcome.NOTED
    assert note_alerts_attached(attached(), store=store, now=NOW) is Outcome.UNCHANGED  # redelivered

    (update,) = store.updates
    assert (update.kind, update.author.role) == (UpdateKind.INTERNAL_NOTE, "automation")
    assert update.text.startswith("3 new alerts: the incident now has 5 alerts; the first 2 new:\n- [warning] db01: Memory low")
    assert "- [critical] ic01: IC service stopped (dedup key svc-ic;" in update.text
    assert update.text.endswith("... and 1 more (the alerts API lists them all).")
    after = store.cases[case.case_number]
    assert (after.version, after.status, after.first_response_at) == (2, Status.OPEN, None)  # the automation is no response
    (event,) = details(store)
    assert (event["detailType"], event["updateKind"], event["monitoringGroupId"]) == ("CaseUpdated", "internal-note", GROUP)


def test_the_digest_of_one_new_alert():
    one = attached(newAlertCount=1, alertCount=3, newAlerts=[alert()])
    assert digest(one).split("\n")[0] == "1 new alert: the incident now has 3 alerts."


def test_recovery_is_one_note_the_customer_sees():
    store = FakeStore()
    case = opened(store)

    assert note_alerts_recovered(recovered(), store=store, now=NOW) is Outcome.NOTED
    assert note_alerts_recovered(recovered(), store=store, now=NOW) is Outcome.UNCHANGED

    (update,) = store.updates
    assert update.kind is UpdateKind.MONITORING_NOTE
    assert update.text == "All 5 alerts of the incident recovered at Monday 7 December 2026, 11:30 US Eastern (EST) (monitoring)."
    assert store.cases[case.case_number].status is Status.OPEN
    assert recovery_note(recovered(alertCount=1)).startswith("The incident's alert recovered at ")


def test_close_if_untouched_closes_an_open_unowned_case_nobody_changed():
    store = FakeStore()
    case = opened(store)

    assert note_alerts_recovered(recovered(closeIfUntouched=True), store=store, now=NOW) is Outcome.CLOSED

    after = store.cases[case.case_number]
    assert (after.status, after.sub_status, after.closed_at) == (Status.CLOSED, "Resolved", NOW)
    (update,) = store.updates
    assert update.kind is UpdateKind.CLOSURE_COMMENT and update.text.startswith("All 5 alerts of the incident recovered at ")
    assert [event["detailType"] for event in details(store)] == ["CaseStatusChanged", "CaseClosed", "CaseTimerStopped"]
    assert store.history[-1].action == "monitoring-recovered-closed"


@pytest.mark.parametrize(
    "touch",
    [
        pytest.param({"owner_id": "u-erin"}, id="owned"),
        pytest.param({"status": Status.AWAITING_INFO}, id="not open"),
        pytest.param("person", id="changed by a person"),
    ],
)
def test_close_if_untouched_leaves_a_touched_case_open_with_the_note(touch):
    store = FakeStore()
    case = opened(store)
    if touch == "person":
        store.person_changed = True
    else:
        store.cases[case.case_number] = case.model_copy(update=touch)

    assert note_alerts_recovered(recovered(closeIfUntouched=True), store=store, now=NOW) is Outcome.NOTED

    assert store.cases[case.case_number].status is not Status.CLOSED
    (update,) = store.updates
    assert update.kind is UpdateKind.MONITORING_NOTE


def test_a_closed_missing_or_other_incidents_case_records_nothing_and_does_not_fail():
    store = FakeStore()
    case = opened(store)
    store.cases[case.case_number] = case.model_copy(update={"status": Status.CLOSED, "sub_status": "Resolved"})

    assert note_alerts_attached(attached(), store=store, now=NOW) is Outcome.UNCHANGED
    assert note_alerts_recovered(recovered(closeIfUntouched=True), store=store, now=NOW) is Outcome.UNCHANGED
    assert note_alerts_attached(attached(caseNumber="0000000404"), store=store, now=NOW) is Outcome.UNCHANGED
    store.cases[case.case_number] = case
    assert note_alerts_attached(attached(groupId=OTHER_GROUP), store=store, now=NOW) is Outcome.UNCHANGED
    assert note_alerts_attached(attached(accountId="globex"), store=store, now=NOW) is Outcome.UNCHANGED
    assert store.updates == [] and store.events == [] and store.applied == set()


# --- the consumer's routing ------------------------------------------------------------------------------


def bus(model) -> BusEvent:
    return BusEvent.model_validate({"id": "e-1", "source": model.source, "detail-type": model.detail_type, "detail": model.to_bus()})


def test_each_event_goes_to_its_rule():
    store = FakeStore()
    assert handle_bus_event(bus(requested()), store=store, now=NOW) is Outcome.OPENED
    assert handle_bus_event(bus(requested()), store=store, now=NOW) is Outcome.UNCHANGED
    assert handle_bus_event(bus(attached()), store=store, now=NOW) is Outcome.NOTED
    assert handle_bus_event(bus(recovered(closeIfUntouched=True)), store=store, now=NOW) is Outcome.CLOSED
    unknown = BusEvent.model_validate({"id": "e-2", "source": "dss.alerts", "detail-type": "MonitoringGroupHeld", "detail": {}})
    assert handle_bus_event(unknown, store=store, now=NOW) is Outcome.IGNORED


def test_alert_lines_are_the_contracts():
    assert set(AlertLine.model_fields) == {"dedup_key", "device", "severity", "summary", "first_triggered_at"}
