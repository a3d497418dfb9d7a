"""Maintenance cases end to end under moto (the guide: a case opened for customer maintenance lets support put
monitoring into Maintenance Mode): a customer, or an engineer on a call, opens a Support case with its window
through the real cases API (refused with what to fix when the window is not one); its CaseCreated carries the
window; the alerts domain's window events, built from their contract models and put on the bus, reach the cases
domain's queue and the notifications queue by the rules (the domains' EVENT_PATTERNs), and the real consumers post one
update per event on the case and email its contact at the start and the end, once each, redeliveries included; a
closed case hears nothing. The last test runs the whole chain with the alerts domain's real consumer and timer step."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta

import boto3
import pytest

from bench.aws_calls import count_aws_calls  # imported at collection: before any client exists
from functions.alerts.logic.dependencies import dependencies as alerts_dependencies
from functions.alerts.logic.maintenance import window_of_case
from functions.notifications.logic.dependencies import dependencies as notifications_dependencies
from functions.shared.clock import FixedClock, SystemClock, to_iso, utc_now
from functions.shared.contracts import (
    MaintenanceWindowCancelled,
    MaintenanceWindowEnded,
    MaintenanceWindowEvent,
    MaintenanceWindowScheduled,
    MaintenanceWindowStarted,
)
from tests.integration.test_incident_lifecycle import run_step
from tests.integration.test_monitoring_cases import drain, mails, put_on_bus, run_cases_consumer, updates
from tests.integration.test_outbox import outbox_entries
from tests.support.payloads import support_case

ALICE = "alice@acme.example"
AUTOMATION = {"userId": "automation", "role": "automation"}
HOUR = timedelta(hours=1)


def window(starts: datetime, ends: datetime, devices: list[str] | None = None) -> dict:
    body: dict = {"startsAt": to_iso(starts), "endsAt": to_iso(ends)}
    return body | ({"devices": devices} if devices is not None else {})


def open_maintenance_case(local_aws, *, user: str = "customer", **window_fields) -> dict:
    starts = window_fields.pop("starts", utc_now() + HOUR)
    ends = window_fields.pop("ends", starts + 4 * HOUR)
    body = support_case(subject="Upgrade of the IC servers", maintenanceWindow=window(starts, ends, **window_fields))
    if user != "customer":
        body["onBehalfOf"] = {"accountId": "acme", "contactId": "c-alice"}
    created = local_aws.call("POST", "/cases", user=user, body=body)
    assert created.status == 201, created
    return created.body


def window_event(model: type[MaintenanceWindowEvent], case: dict, version: int, **fields) -> MaintenanceWindowEvent:
    asked = case["maintenanceWindow"]
    detail = {
        "eventKey": f"alerts:{window_of_case(case['caseNumber'])}:{version}:{model.detail_type.value}",
        "windowId": window_of_case(case["caseNumber"]), "accountId": case["accountId"], "caseNumber": case["caseNumber"],
        "startsAt": asked["startsAt"], "endsAt": asked["endsAt"], "devices": asked["devices"], "actor": AUTOMATION,
        "occurredAt": to_iso(utc_now()),
    }  # fmt: skip
    return model.model_validate(detail | fields)


def ended(case: dict, version: int = 3, **fields) -> MaintenanceWindowEnded:
    lines = [
        {"dedupKey": f"ic-01/check-{n}", "device": "ic-01", "severity": "critical", "summary": f"Check {n} failing",
         "firstTriggeredAt": case["maintenanceWindow"]["startsAt"]}
        for n in range(3)
    ]  # fmt: skip
    counts = {"suppressedCount": 37, "suppressedAlerts": lines, "stillFiringCount": 1}
    return window_event(MaintenanceWindowEnded, case, version, **(counts | fields))


def maintenance_notes(local_aws, case: str, user: str = "customer") -> list[dict]:
    return [update for update in updates(local_aws, case, user) if update["kind"] == "maintenance-note"]


def the_case(local_aws, number: str, user: str = "customer") -> dict:
    answer = local_aws.call("GET", f"/cases/{number}", user=user)
    assert answer.status == 200, answer
    return answer.body


def deliver_to_cases(local_aws, *events: MaintenanceWindowEvent, times: int = 1) -> list[str]:
    """The events on the bus (none: those put there already); the real cases consumer on what its queue got, then on
    the first again (redelivered)."""
    if events:
        put_on_bus(local_aws, *events, times=times)
    bodies = drain(local_aws.resources.cases_queue_url)
    assert bodies
    assert run_cases_consumer(local_aws, bodies) == {"batchItemFailures": []}
    assert run_cases_consumer(local_aws, bodies[:1]) == {"batchItemFailures": []}
    return bodies


def deliver_notifications(local_aws) -> list[str]:
    """What the notifications queue holds (the window events, and the cases domain's own events), delivered to the
    real handler twice: the second is the queue's redelivery."""
    local_aws.publish_outbox()
    bodies = drain(local_aws.resources.notifications_queue_url)
    assert local_aws.deliver(bodies) == {"batchItemFailures": []}
    assert local_aws.deliver(bodies) == {"batchItemFailures": []}
    return bodies


# --- opening a maintenance case -------------------------------------------------------------------------


def test_a_customer_opens_a_maintenance_case_and_its_opening_announces_the_window(local_aws):
    starts = utc_now() + HOUR
    case = open_maintenance_case(local_aws, starts=starts, ends=starts + 4 * HOUR, devices=[" ic-01", "ic-02", "ic-01"])

    expected = {
        "startsAt": to_iso(starts), "endsAt": to_iso(starts + 4 * HOUR), "devices": ["ic-01", "ic-02"], "status": "requested",
        "suppressedCount": None, "stillFiringCount": None,
    }  # fmt: skip
    assert case["maintenanceWindow"] == expected
    for user in ("customer", "engineer"):
        assert the_case(local_aws, case["caseNumber"], user)["maintenanceWindow"] == expected
    (created,) = [event for event in local_aws.published_events() if event["detail-type"] == "CaseCreated"]
    assert created["detail"]["maintenanceWindow"] == {key: expected[key] for key in ("startsAt", "endsAt", "devices")}
    assert (created["detail"]["channel"], created["detail"]["byCustomer"]) == ("web", True)


def test_an_engineer_opens_one_on_a_call_for_every_device_and_other_cases_announce_no_window(local_aws):
    starts = utc_now() - HOUR  # under way already: maintenance mode starts at once
    case = open_maintenance_case(local_aws, user="engineer", starts=starts, ends=starts + 72 * HOUR)
    plain = local_aws.call("POST", "/cases", user="customer", body=support_case())
    assert plain.status == 201 and plain.body["maintenanceWindow"] is None

    assert (case["channel"], case["maintenanceWindow"]["devices"], case["maintenanceWindow"]["status"]) == ("phone", None, "requested")
    created = {
        event["detail"]["caseNumber"]: event["detail"] for event in local_aws.published_events() if event["detail-type"] == "CaseCreated"
    }
    assert created[case["caseNumber"]]["maintenanceWindow"] == {
        "startsAt": to_iso(starts),
        "endsAt": to_iso(starts + 72 * HOUR),
        "devices": None,
    }
    assert "maintenanceWindow" not in created[plain.body["caseNumber"]]


SOON = utc_now() + HOUR


@pytest.mark.parametrize(
    ("maintenance", "field", "words"),
    [
        (window(SOON, SOON - HOUR), "maintenanceWindow.endsAt", "endsAt must be after startsAt"),
        (window(SOON, SOON + 72 * HOUR + timedelta(minutes=1)), "maintenanceWindow.endsAt", "at most 72 hours"),
        (window(SOON - 5 * HOUR, SOON - 2 * HOUR), "maintenanceWindow.endsAt", "must end in the future"),
        (window(SOON, SOON + HOUR, [f"ic-{n:03d}" for n in range(101)]), "maintenanceWindow.devices", "at most 100"),
        (window(SOON, SOON + HOUR, []), "maintenanceWindow.devices", "name at least one device"),
        (window(SOON, SOON + HOUR, ["ic 01"]), "maintenanceWindow.devices.0", "as monitoring names it"),
        ({"startsAt": "2026-12-12T08:00:00", "endsAt": to_iso(SOON)}, "maintenanceWindow.startsAt", "timezone"),
        ({"startsAt": 1796040000, "endsAt": to_iso(SOON)}, "maintenanceWindow.startsAt", "ISO-8601 text with its offset"),
        ({"startsAt": "", "endsAt": to_iso(SOON)}, "maintenanceWindow.startsAt", "required"),
        ({"endsAt": to_iso(SOON)}, "maintenanceWindow.startsAt", "required"),
        ({**window(SOON, SOON + HOUR), "scope": "all"}, "maintenanceWindow.scope", "unknown field"),
    ],
)
def test_a_window_that_is_not_one_is_refused_with_what_to_fix(local_aws, maintenance, field, words):
    refused = local_aws.call("POST", "/cases", user="customer", body=support_case(maintenanceWindow=maintenance))

    assert (refused.status, refused.body["error"], refused.body["field"]) == (422, "validation_error", field), refused
    assert words in refused.body["message"]
    assert local_aws.published_events() == []  # nothing opened


def test_the_largest_window_and_its_notes_make_small_events(local_aws):
    devices = [f"{n:02d}" + "d" * 62 for n in range(100)]  # 100 devices of the longest name monitoring allows
    case = open_maintenance_case(local_aws, devices=devices)
    lines = [
        {"dedupKey": "k" * 255, "device": "d" * 255, "severity": "critical", "summary": "s" * 1024,
         "firstTriggeredAt": case["maintenanceWindow"]["startsAt"]}
    ] * 20  # fmt: skip
    deliver_to_cases(local_aws, window_event(MaintenanceWindowStarted, case, 2), ended(case, suppressedAlerts=lines))

    entries = outbox_entries(local_aws, case["caseNumber"])
    assert {entry["detail_type"] for entry in entries} >= {"CaseCreated", "CaseUpdated"}
    for entry in entries:
        size = sum(len(entry[name].encode()) for name in ("source", "detail_type", "detail"))
        assert size < 16 * 1024, (entry["detail_type"], size)
    (note,) = [note for note in maintenance_notes(local_aws, case["caseNumber"]) if note["text"].startswith("Maintenance mode is on")]
    assert "for 100 devices (00dddd" in note["text"] and "and 90 more)" in note["text"]


def test_only_a_support_case_announces_maintenance(local_aws):
    admin = {"caseType": "Admin", "subject": "s", "description": "d", "maintenanceWindow": window(SOON, SOON + HOUR)}
    refused = local_aws.call("POST", "/cases", user="customer", body=admin)
    assert (refused.status, refused.body["field"]) == (422, "maintenanceWindow") and "unknown field" in refused.body["message"]


# --- the maintenance case hears of its window --------------------------------------------------------------


def test_each_window_event_posts_one_update_even_redelivered_and_the_case_follows_the_window(local_aws):
    case = open_maintenance_case(local_aws, devices=["ic-01", "ic-02"])
    number = case["caseNumber"]
    scheduled = window_event(MaintenanceWindowScheduled, case, 1)
    started = window_event(MaintenanceWindowStarted, case, 2)

    bodies = deliver_to_cases(local_aws, scheduled, started, ended(case), times=2)  # each put twice (a publisher's retry)
    assert len(bodies) == 6

    notes = maintenance_notes(local_aws, number)
    assert len(notes) == 3 and {note["author"]["role"] for note in notes} == {"automation"}
    texts = sorted(note["text"] for note in notes)
    assert texts[0].startswith("Maintenance mode has ended (it covered ic-01, ic-02 from ")
    assert "37 alert events were recorded and silenced; 1 alert still firing was handed to the support team." in texts[0]
    assert "- [critical] ic-01: Check 0 failing (dedup key ic-01/check-0; first triggered " in texts[0]
    assert (
        texts[1].startswith("Maintenance mode is on from ")
        and "for ic-01, ic-02: monitoring alerts are recorded but notify nobody" in texts[1]
    )
    assert texts[2].startswith("Maintenance mode is scheduled from ") and " US Eastern (" in texts[2]
    followed = the_case(local_aws, number)["maintenanceWindow"]
    assert (followed["status"], followed["suppressedCount"], followed["stillFiringCount"]) == ("ended", 37, 1)
    history = local_aws.call("GET", f"/cases/{number}/history", user="engineer").body["items"]
    actions = [entry["action"] for entry in history if entry["action"].startswith("maintenance-window-")]
    assert sorted(actions) == ["maintenance-window-ended", "maintenance-window-scheduled", "maintenance-window-started"]
    marks = boto3.client("dynamodb").query(
        TableName=local_aws.resources.table_name,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :sk)",
        ExpressionAttributeValues={":pk": {"S": f"CASE#{number}"}, ":sk": {"S": "APPLIED#"}},
    )["Items"]
    assert len(marks) == 3


def test_a_rescheduled_and_a_cancelled_window_are_told_on_the_case(local_aws):
    case = open_maintenance_case(local_aws)
    asked = case["maintenanceWindow"]
    later = {
        "startsAt": to_iso(datetime.fromisoformat(asked["startsAt"]) + HOUR),
        "endsAt": to_iso(datetime.fromisoformat(asked["endsAt"]) + HOUR),
    }

    deliver_to_cases(local_aws, window_event(MaintenanceWindowScheduled, case, 1))
    deliver_to_cases(local_aws, window_event(MaintenanceWindowScheduled, case, 2, **later))
    deliver_to_cases(local_aws, window_event(MaintenanceWindowCancelled, case, 3, **later))

    texts = [note["text"] for note in maintenance_notes(local_aws, case["caseNumber"])]
    assert len(texts) == 3
    assert texts[1].startswith("Maintenance mode was rescheduled: it is now from ")
    assert texts[2].endswith("was cancelled: monitoring alerts notify the support team as usual.")
    followed = the_case(local_aws, case["caseNumber"])["maintenanceWindow"]
    assert (followed["status"], followed["startsAt"], followed["endsAt"]) == ("cancelled", later["startsAt"], later["endsAt"])


def test_the_contact_is_emailed_when_maintenance_mode_starts_and_ends_once_each(local_aws):
    case = open_maintenance_case(local_aws, devices=["ic-01"])
    local_aws.published_events()  # the opening's own events: emails nobody (the customer opened it)
    drain(local_aws.resources.notifications_queue_url)
    events = [window_event(MaintenanceWindowScheduled, case, 1), window_event(MaintenanceWindowStarted, case, 2), ended(case)]

    put_on_bus(local_aws, *events, times=2)
    deliver_to_cases(local_aws)  # the case's updates: their CaseUpdated email nobody
    deliver_notifications(local_aws)

    sent = mails(local_aws, ALICE)
    assert len(sent) == 2 and len(mails(local_aws)) == 2  # no email for the scheduling, nobody else emailed
    on, off = sorted(sent, key=lambda mail: "ended" in mail["subject"])
    number = case["caseNumber"]
    assert on["subject"].startswith(f"Case {number}: maintenance mode is on until ") and "[ref:" in on["subject"]
    assert "monitoring of ic-01 is in maintenance mode from " in on["text"]
    assert "Alerts still firing 10 minutes after the end go to the support team as usual." in on["text"]
    assert off["subject"].startswith(f"Case {number}: maintenance mode has ended – 37 alerts silenced")
    assert "37 alert events were recorded and silenced while it was on." in off["text"]
    assert "1 alert was still firing at the end and was handed to the support team, as new alerts." in off["text"]
    assert "[critical] ic-01: Check 2 failing (first fired " in off["text"] and f"/cases/{number}" in off["text"]


def test_a_closed_case_hears_nothing_and_nobody_is_emailed(local_aws):
    case = open_maintenance_case(local_aws)
    number = case["caseNumber"]
    closed = local_aws.call("POST", f"/cases/{number}/close", user="customer", body={"subStatus": "Cancelled", "comment": "Postponed."})
    assert closed.status == 200, closed
    local_aws.published_events()
    drain(local_aws.resources.notifications_queue_url)
    version = the_case(local_aws, number)["version"]

    put_on_bus(local_aws, window_event(MaintenanceWindowStarted, case, 2), ended(case))
    deliver_to_cases(local_aws)
    deliver_notifications(local_aws)

    assert maintenance_notes(local_aws, number) == [] and mails(local_aws) == []
    assert the_case(local_aws, number)["version"] == version


def test_a_window_event_naming_another_accounts_case_changes_nothing(local_aws):
    case = open_maintenance_case(local_aws)
    local_aws.published_events()
    drain(local_aws.resources.notifications_queue_url)

    put_on_bus(local_aws, window_event(MaintenanceWindowStarted, case, 2, accountId="globex"))
    deliver_to_cases(local_aws)
    deliver_notifications(local_aws)

    assert maintenance_notes(local_aws, case["caseNumber"]) == [] and mails(local_aws) == []


def test_counted_budgets_of_a_note_its_duplicate_and_an_email(local_aws):
    case = open_maintenance_case(local_aws)
    local_aws.published_events()
    drain(local_aws.resources.notifications_queue_url)
    assert notifications_dependencies().references  # a warm container: its Reference ID key read once per container
    put_on_bus(local_aws, window_event(MaintenanceWindowStarted, case, 2), times=2)
    first, again = drain(local_aws.resources.cases_queue_url)
    emails = drain(local_aws.resources.notifications_queue_url)

    with count_aws_calls() as noting:
        assert run_cases_consumer(local_aws, [first]) == {"batchItemFailures": []}
    with count_aws_calls() as duplicate:
        assert run_cases_consumer(local_aws, [again]) == {"batchItemFailures": []}
    with count_aws_calls() as emailing:
        assert local_aws.deliver(emails[:1]) == {"batchItemFailures": []}
    with count_aws_calls() as emailed_again:
        assert local_aws.deliver(emails[1:]) == {"batchItemFailures": []}

    # The case read, then the case, its history, update, event and the event's mark in one transaction.
    assert noting == Counter({("DynamoDB", "GetItem"): 1, ("DynamoDB", "TransactWriteItems"): 1})
    assert duplicate == noting  # the mark refuses the transaction: nothing written
    # The case (whose contact), the account (the contact's address), the ledger's claim, the email, the mark as sent.
    assert emailing == Counter({("DynamoDB", "GetItem"): 2, ("DynamoDB", "PutItem"): 2, ("SES", "SendRawEmail"): 1})
    assert emailed_again == Counter({("DynamoDB", "GetItem"): 2, ("DynamoDB", "PutItem"): 1})  # the claim refused: no email
    assert len(mails(local_aws, ALICE)) == 1


# --- the whole chain ---------------------------------------------------------------------------------------


def test_a_maintenance_case_puts_monitoring_into_maintenance_mode_and_hears_of_it(local_aws):
    """The case's CaseCreated to the alerts domain's real consumer (the window scheduled), its timers' steps as their
    state machine runs them (started, then ended after the settle time), each event to the cases domain's real
    consumer and the notifications: four updates on the case, two emails."""
    try:
        starts = utc_now() + HOUR
        case = open_maintenance_case(local_aws, starts=starts, ends=starts + 2 * HOUR, devices=["ic-01"])
        number = case["caseNumber"]
        assert local_aws.run_alert_case_events() == {"batchItemFailures": []}
        stored = alerts_dependencies().window_store.read_window(window_of_case(number))
        assert stored is not None and stored.status == "scheduled"

        def step(name: str) -> None:
            current = alerts_dependencies().window_store.read_window(window_of_case(number))
            assert run_step(current.model_dump(mode="json") | {"group_id": current.window_id}, name) is True
            assert local_aws.run_case_events() == {"batchItemFailures": []}
            deliver_notifications(local_aws)

        assert local_aws.run_case_events() == {"batchItemFailures": []}  # the Scheduled
        step("window-start")
        step("window-end")

        texts = [note["text"] for note in maintenance_notes(local_aws, number)]
        assert [text.split(" ", 3)[2] for text in texts] == ["is", "is", "has"]  # scheduled, on, ended
        assert "no monitoring alert fired during it; no alert was still firing at the end." in texts[2]
        assert the_case(local_aws, number)["maintenanceWindow"]["status"] == "ended"
        subjects = sorted(mail["subject"] for mail in mails(local_aws, ALICE))
        assert len(subjects) == 2 and "maintenance mode has ended – nothing silenced" in subjects[0]
        assert "maintenance mode is on until " in subjects[1]
    finally:
        alerts_dependencies().clock = SystemClock()


def test_the_alerts_domain_takes_the_window_the_case_announces(local_aws):
    """What the cases API accepts, the alerts domain schedules as asked (its own rules are no stricter)."""
    starts = utc_now() + HOUR
    case = open_maintenance_case(local_aws, starts=starts, ends=starts + 72 * HOUR, devices=[f"ic-{n:03d}" for n in range(100)])
    alerts_dependencies().clock = FixedClock(utc_now())
    try:
        assert local_aws.run_alert_case_events() == {"batchItemFailures": []}
    finally:
        alerts_dependencies().clock = SystemClock()
    stored = alerts_dependencies().window_store.read_window(window_of_case(case["caseNumber"]))
    assert stored is not None
    assert (to_iso(stored.starts_at), to_iso(stored.ends_at), stored.devices) == (
        case["maintenanceWindow"]["startsAt"],
        case["maintenanceWindow"]["endsAt"],
        case["maintenanceWindow"]["devices"],
    )
    assert json.loads(json.dumps(case["maintenanceWindow"]["devices"])) == [f"ic-{n:03d}" for n in range(100)]
