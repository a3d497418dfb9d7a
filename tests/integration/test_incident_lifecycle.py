"""An incident's life across the domains, through the real handlers under moto: the processor asks for the
case, the cases domain opens it, the incident follows its case; alerts that join later become one quiet
digest; recovery is one note; a held incident opens its case at the business opening, or nothing when it
recovered overnight. The timers' steps are run as their state machine runs them (its ASL is tested in
tests/workflow), with the token the incident holds."""

from __future__ import annotations

import json
from datetime import timedelta

import boto3

from functions.alerts.handlers.handle_case_events import lambda_handler as alerts_case_events
from functions.alerts.handlers.handle_timer_step import lambda_handler as timer_step
from functions.alerts.logic.dependencies import dependencies
from functions.shared.clock import FixedClock, from_iso, to_iso
from local.event_sources import sqs_record
from local.http_adapter import LambdaContext
from tests.integration.test_alert_processor import MONDAY_22_ET, TUESDAY_10_ET, items, process, resolve, trigger


def follow(local_aws) -> list[dict]:
    """Delivers the bus's events as the rules do: the cases domain's queue, then the monitoring cases' events
    to the alerts domain; the events published, in order."""
    local_aws.publish_outbox()
    queue = local_aws.resources.cases_queue_url
    if (
        boto3.client("sqs").get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"][
            "ApproximateNumberOfMessages"
        ]
        != "0"
    ):
        assert local_aws.run_case_events() == {"batchItemFailures": []}
    events = local_aws.published_events()
    case_events = [event for event in events if event["source"] == "dss.cases" and event["detail"].get("monitoringGroupId")]
    records = [sqs_record(json.dumps(event), "arn:aws:sqs:us-east-1:123456789012:alerts-case-events") for event in case_events]
    if records:
        answer = alerts_case_events({"Records": records}, LambdaContext("alerts-case-events", timeout_seconds=30))
        assert answer == {"batchItemFailures": []}
    return events


def types(events: list[dict], source: str = "dss.alerts") -> list[str]:
    return [event["detail-type"] for event in events if event["source"] == source]


def run_step(group: dict, step: str, *, at=None) -> bool:
    """The step as its execution runs it: at its due time (or `at`)."""
    dependencies().clock = FixedClock(at or from_iso(group["timers"][step]["due_at"]))
    request = {"accountId": group["account_id"], "groupId": group["group_id"], "step": step, "token": group["timers"][step]["token"]}
    return timer_step(request, LambdaContext("incident-timer-step", timeout_seconds=60))["timerCurrent"]


def the_group(local_aws) -> dict:
    (group,) = items(local_aws, "GROUP#")
    return group


def test_an_incident_follows_its_case_digests_quietly_and_notes_its_recovery(local_aws):
    process([trigger("acme", "ic-01/down", at=TUESDAY_10_ET, event_id="t1")], now=TUESDAY_10_ET)
    events = follow(local_aws)
    (created,) = [event for event in events if event["detail-type"] == "CaseCreated"]
    case = created["detail"]["caseNumber"]
    assert (created["detail"]["priority"], created["detail"]["channel"]) == ("1-Prod Down", "monitoring")
    assert (the_group(local_aws)["status"], the_group(local_aws)["case_number"]) == ("open", case)

    # Two alerts join: one digest now; a third within 15 minutes waits for the digest timer.
    later = TUESDAY_10_ET + timedelta(minutes=1)
    process([trigger("acme", f"ic-01/check-{n}", at=later, event_id=f"j{n}") for n in range(2)], now=later)
    process([trigger("acme", "ic-01/check-2", at=later, event_id="j2")], now=later + timedelta(minutes=1))
    events = follow(local_aws)
    assert types(events) == ["MonitoringAlertsAttached", "MonitoringTimerStarted"]
    assert events[0]["detail"]["newAlertCount"] == 2
    group = the_group(local_aws)
    assert group["timers"]["digest"]["due_at"] == to_iso(later + timedelta(minutes=15))
    assert run_step(group, "digest") is True
    events = follow(local_aws)
    assert [event["detail"]["newAlertCount"] for event in events if event["detail-type"] == "MonitoringAlertsAttached"] == [1]

    # All four resolve: after the settle time, one note; the timer's repeat finds nothing to do.
    resolved_at = later + timedelta(minutes=20)
    keys = ["ic-01/down", "ic-01/check-0", "ic-01/check-1", "ic-01/check-2"]
    process([resolve("acme", key, at=resolved_at, event_id=f"r-{key}") for key in keys], now=resolved_at)
    follow(local_aws)
    group = the_group(local_aws)
    assert group["firing_keys"] == [] and "settle" in group["timers"]
    assert group["timers"]["settle"]["due_at"] == to_iso(resolved_at + timedelta(minutes=10, seconds=1))  # received + 10 min
    assert run_step(group, "settle") is True
    events = follow(local_aws)
    (recovered,) = [event for event in events if event["detail-type"] == "MonitoringAlertsRecovered"]
    assert (recovered["detail"]["caseNumber"], recovered["detail"]["closeIfUntouched"]) == (case, False)
    assert run_step(group, "settle", at=resolved_at + timedelta(minutes=11)) is False  # its token is spent
    assert types(follow(local_aws), "dss.cases").count("CaseCreated") == 0


def test_a_held_incident_opens_its_case_at_the_opening_if_it_still_fires(local_aws):
    process([trigger("acme", "ic-01/down", at=MONDAY_22_ET, event_id="t1")], now=MONDAY_22_ET)
    assert types(follow(local_aws)) == ["MonitoringGroupHeld", "MonitoringTimerStarted"]
    group = the_group(local_aws)

    assert run_step(group, "opening", at=TUESDAY_10_ET.replace(hour=12)) is True

    events = follow(local_aws)
    (request,) = [event for event in events if event["detail-type"] == "MonitoringCaseRequested"]
    assert request["detail"]["reason"] == "business-opening"
    assert types(events, "dss.cases").count("CaseCreated") == 1


def test_a_held_incident_that_recovered_overnight_opens_nothing(local_aws):
    process([trigger("acme", "ic-01/down", at=MONDAY_22_ET, event_id="t1")], now=MONDAY_22_ET)
    process([resolve("acme", "ic-01/down", at=MONDAY_22_ET + timedelta(hours=1), event_id="r1")], now=MONDAY_22_ET + timedelta(hours=1))
    follow(local_aws)

    assert run_step(the_group(local_aws), "opening", at=TUESDAY_10_ET.replace(hour=12)) is True

    assert types(follow(local_aws)) == [] and the_group(local_aws)["status"] == "closed"
