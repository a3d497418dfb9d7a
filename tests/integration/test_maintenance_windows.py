"""Maintenance mode through the real processor, timer step and consumer under moto: inside a window alerts are
recorded and counted and open nothing; at its end those still firing open their incident and those that
recovered open nothing; a window is started and ended by its timers' steps, changed, cancelled, and scheduled by
a customer's maintenance case."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from functions.alerts.handlers.handle_case_events import lambda_handler as case_events
from functions.alerts.logic.dependencies import dependencies
from functions.alerts.logic.maintenance import cancel_window, change_window, schedule_window, window_of_case
from functions.alerts.models.maintenance import MaintenanceWindowChange, NewMaintenanceWindow
from functions.shared.clock import to_iso
from functions.shared.contracts import Actor
from functions.shared.errors import Conflict
from local.event_sources import sqs_record
from local.http_adapter import LambdaContext
from tests.integration.test_alert_processor import TUESDAY_10_ET, items, monitoring_events, process, resolve, storm, trigger
from tests.integration.test_incident_lifecycle import run_step

ENGINEER = Actor(user_id="u-erin", role="engineers")
START = TUESDAY_10_ET


def schedule(*, starts=START, hours: float = 2, devices: list[str] | None = None):
    request = {
        "accountId": "acme",
        "caseNumber": "0000000042",
        "startsAt": to_iso(starts),
        "endsAt": to_iso(starts + timedelta(hours=hours)),
    }
    request |= {"devices": devices} if devices else {}
    window = NewMaintenanceWindow.model_validate_json(json.dumps(request))
    return schedule_window(window, ENGINEER, store=dependencies().window_store, now=START)


def stored_window(window_id: str):
    return dependencies().window_store.read_window(window_id)


def as_dict(window) -> dict:
    return window.model_dump(mode="json")


def test_inside_a_window_a_storm_is_recorded_and_counted_and_opens_nothing(local_aws):
    window = schedule()
    assert [event["detail-type"] for event in monitoring_events(local_aws)] == [
        "MaintenanceWindowScheduled",
        "MaintenanceWindowStarted",
        "MonitoringTimerStarted",
    ]

    events = storm(
        "acme", [f"ic-01/check-{n}" for n in range(10)], devices=["ic-01"], count=1000, start=START, span=timedelta(minutes=5), seed=5
    )
    process(events, now=START + timedelta(minutes=5))

    assert items(local_aws, "GROUP#") == [] and monitoring_events(local_aws) == []
    alerts = items(local_aws, "ALERT#")
    assert len(alerts) == 10 and {alert["suppressed_by"] for alert in alerts} == {window.window_id}
    assert stored_window(window.window_id).suppressed_count == 1000  # every distinct event, retransmits dropped


def test_at_the_end_alerts_still_firing_open_an_incident_and_recovered_ones_nothing(local_aws):
    window = schedule(hours=1)
    process(
        [trigger("acme", "ic-01/down", at=START, event_id="t1"), trigger("acme", "ic-02/down", device="ic-02", at=START, event_id="t2")],
        now=START,
    )
    process([resolve("acme", "ic-02/down", at=START + timedelta(minutes=30), event_id="r2")], now=START + timedelta(minutes=30))
    monitoring_events(local_aws)

    assert run_step(as_dict(stored_window(window.window_id)) | {"group_id": window.window_id}, "window-end") is True

    events = monitoring_events(local_aws)
    (request,) = [event for event in events if event["detail-type"] == "MonitoringCaseRequested"]
    assert [line["dedupKey"] for line in request["detail"]["alerts"]] == ["ic-01/down"]
    (ended,) = [event for event in events if event["detail-type"] == "MaintenanceWindowEnded"]
    assert (ended["detail"]["suppressedCount"], ended["detail"]["stillFiringCount"], ended["detail"]["caseNumber"]) == (2, 1, "0000000042")
    assert stored_window(window.window_id).status == "ended"
    process([trigger("acme", "ic-03/down", device="ic-03", at=START + timedelta(hours=2), event_id="t3")], now=START + timedelta(hours=2))
    assert {alert["suppressed_by"] for alert in items(local_aws, "ALERT#")} == {None, window.window_id}  # ic-02 keeps its record


def test_a_window_of_listed_devices_silences_only_them(local_aws):
    schedule(devices=["ic-01"])

    process(
        [trigger("acme", "ic-01/down", at=START, event_id="t1"), trigger("acme", "sw-09/down", device="sw-09", at=START, event_id="t2")],
        now=START,
    )

    (group,) = items(local_aws, "GROUP#")
    assert group["devices"] == ["sw-09"]


def test_a_scheduled_window_starts_by_its_timer_and_only_its_end_changes_once_active(local_aws):
    window = schedule(starts=START + timedelta(hours=1))
    assert stored_window(window.window_id).status == "scheduled"
    process([trigger("acme", "ic-01/down", at=START, event_id="t1")], now=START)
    assert len(items(local_aws, "GROUP#")) == 1  # before its start, alerts open incidents as ever

    assert run_step(as_dict(stored_window(window.window_id)) | {"group_id": window.window_id}, "window-start") is True
    assert stored_window(window.window_id).status == "active"
    with pytest.raises(Conflict):
        change_window(
            window.window_id,
            MaintenanceWindowChange.model_validate({"devices": ["ic-01"]}),
            ENGINEER,
            store=dependencies().window_store,
            now=START,
        )
    with pytest.raises(Conflict):
        cancel_window(window.window_id, ENGINEER, store=dependencies().window_store, now=START)
    ends = START + timedelta(hours=1, minutes=30)
    changed = change_window(
        window.window_id,
        MaintenanceWindowChange.model_validate_json(json.dumps({"endsAt": to_iso(ends)})),
        ENGINEER,
        store=dependencies().window_store,
        now=START,
    )
    assert changed.ends_at == ends and changed.timers["window-end"].due_at == ends + timedelta(minutes=10)


def test_a_scheduled_window_can_be_cancelled(local_aws):
    window = schedule(starts=START + timedelta(hours=1))

    cancelled = cancel_window(window.window_id, ENGINEER, store=dependencies().window_store, now=START)

    assert cancelled.status == "cancelled"
    assert run_step(as_dict(window) | {"group_id": window.window_id}, "window-start") is False  # its timer does nothing
    process([trigger("acme", "ic-01/down", at=START + timedelta(hours=1), event_id="t1")], now=START + timedelta(hours=1))
    assert len(items(local_aws, "GROUP#")) == 1


def test_a_customers_maintenance_case_schedules_its_window_once(local_aws):
    created = {
        "version": "0",
        "id": "e-1",
        "source": "dss.cases",
        "detail-type": "CaseCreated",
        "detail": {
            "caseNumber": "0000000077",
            "eventKey": "case-77-created",
            "version": 1,
            "channel": "web",
            "subject": "Switch firmware upgrade Wednesday night",
            "byCustomer": True,
            "accountId": "acme",
            "contactId": "c-alice",
            "caseType": "Support",
            "priority": "4-Low",
            "status": "Open",
            "actor": {"userId": "u-alice", "role": "customers", "contactId": "c-alice"},
            "occurredAt": to_iso(START),
            "maintenanceWindow": {"startsAt": to_iso(START + timedelta(days=1)), "endsAt": to_iso(START + timedelta(days=1, hours=4))},
        },
    }
    records = [sqs_record(json.dumps(created), "arn:aws:sqs:us-east-1:123456789012:alerts-case-events") for _ in range(2)]

    assert case_events({"Records": records}, LambdaContext("alerts-case-events", timeout_seconds=30)) == {"batchItemFailures": []}

    window = stored_window(window_of_case("0000000077"))
    assert (window.status, window.case_number, window.created_by.user_id) == ("scheduled", "0000000077", "u-alice")
    assert [event["detail-type"] for event in monitoring_events(local_aws)].count("MaintenanceWindowScheduled") == 1
