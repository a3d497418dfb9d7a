"""An incident's timer executed for real: infra/workflows/incident_timer.asl.json in moto, started by the
followups handler from the alerts domain's MonitoringTimerStarted, its task running
functions/alerts/handlers/handle_timer_step.py, which acts only while the incident holds the timer's token."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from functions.alerts.logic.dependencies import dependencies as alerts_dependencies
from functions.shared.business_time import business_calendar
from functions.shared.clock import SystemClock, from_iso, to_iso, utc_now
from tests.integration.test_alert_processor import items, process, trigger
from tests.workflow.conftest import wait_for

# Wait, Task: one state each, nothing after the step (an incident timer has one step).
INCIDENT_TIMER_TRANSITION_BUDGET = 2
GROUP = "0123456789abcdef0123456789abcdef"
TOKEN = "fedcba9876543210fedcba9876543210"


@pytest.fixture
def utc_local_time(monkeypatch):
    """moto's Wait reads a TimestampPath's instant as local time (local/clock.py run_waits_on): the tests' is UTC."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def start(local_aws, execution_input: dict, name: str) -> str:
    return boto3.client("stepfunctions").start_execution(
        stateMachineArn=local_aws.resources.incident_timer_state_machine_arn, name=name, input=json.dumps(execution_input)
    )["executionArn"]


def history(execution_arn: str) -> list[dict]:
    return boto3.client("stepfunctions").get_execution_history(executionArn=execution_arn)["events"]


def test_an_incident_timer_waits_until_its_wake_time_then_sends_the_step_its_timer(local_aws, utc_local_time):
    wake = (utc_now() + timedelta(seconds=5)).replace(microsecond=0)
    execution_input = {"accountId": "acme", "groupId": GROUP, "step": "digest", "token": TOKEN, "wakeAt": to_iso(wake)}

    execution_arn = start(local_aws, execution_input, f"{GROUP}-digest-{TOKEN}")

    wait_for(lambda: "WaitStateEntered" in [event["type"] for event in history(execution_arn)], what="the wait")
    time.sleep(0.5)
    assert utc_now() < wake - timedelta(seconds=1), "the machine was too slow to tell a wait from none"
    assert [event["type"] for event in history(execution_arn)][-1] == "WaitStateEntered"  # asleep
    assert boto3.client("stepfunctions").describe_execution(executionArn=execution_arn)["status"] == "RUNNING"
    finished = local_aws.finished_execution(execution_arn, timeout_seconds=30)
    assert finished["status"] == "SUCCEEDED"
    assert finished["statesEntered"] == INCIDENT_TIMER_TRANSITION_BUDGET
    events = history(execution_arn)
    (task_entered,) = [event for event in events if event["type"] == "TaskStateEntered"]
    # Not before its time (moto counts the wait in whole seconds, dropping the fraction: up to one early).
    assert task_entered["timestamp"].astimezone(UTC) >= wake - timedelta(seconds=1)
    (scheduled,) = [event["taskScheduledEventDetails"] for event in events if event["type"] == "TaskScheduled"]
    parameters = json.loads(scheduled["parameters"])
    assert parameters["FunctionName"].endswith(":function:dss-local-incident-timer-step")
    assert parameters["Payload"] == {"accountId": "acme", "groupId": GROUP, "step": "digest", "token": TOKEN}
    # No such incident: the step finds no timer holding the token, and does nothing.
    assert json.loads(finished["output"])["result"] == {"timerCurrent": False}


def past_evening() -> datetime:
    """A past moment outside business hours whose next business opening is past too."""
    calendar, now = business_calendar(), utc_now()
    for hours_ago in range(24, 24 * 14):
        moment = (now - timedelta(hours=hours_ago)).replace(minute=0, second=0, microsecond=0)
        if not calendar.is_business_time(moment) and calendar.next_business_open(moment) < now - timedelta(hours=1):
            return moment
    raise AssertionError("no such moment in the last two weeks")


def test_a_held_incidents_opening_timer_runs_its_step_which_asks_for_the_case(local_aws):
    held_at = past_evening()
    process([trigger("acme", "ic-01/down", at=held_at, event_id="t1")], now=held_at)
    alerts_dependencies().clock = SystemClock()
    (group,) = items(local_aws, "GROUP#")
    opening = group["timers"]["opening"]
    assert from_iso(opening["due_at"]) < utc_now()  # its opening is past: the execution wakes at once

    assert local_aws.run_timer_events() == {"batchItemFailures": []}

    (execution,) = local_aws.incident_executions(group["group_id"])
    assert execution["name"] == f"{group['group_id']}-opening-{opening['token']}"
    finished = local_aws.finished_execution(execution["executionArn"])
    assert (finished["status"], finished["statesEntered"]) == ("SUCCEEDED", INCIDENT_TIMER_TRANSITION_BUDGET)
    assert json.loads(finished["input"]) == {
        "accountId": "acme",
        "groupId": group["group_id"],
        "step": "opening",
        "token": opening["token"],
        "wakeAt": opening["due_at"],
    }
    assert json.loads(finished["output"])["result"] == {"timerCurrent": True}
    requested = [event for event in local_aws.published_events() if event["detail-type"] == "MonitoringCaseRequested"]
    assert [event["detail"]["reason"] for event in requested] == ["business-opening"]
    (group,) = items(local_aws, "GROUP#")
    assert "opening" not in group["timers"]


def test_a_timer_event_delivered_again_starts_no_second_execution(local_aws):
    held_at = past_evening()
    process([trigger("acme", "ic-01/down", at=held_at, event_id="t1")], now=held_at)
    alerts_dependencies().clock = SystemClock()
    local_aws.publish_outbox()
    bodies = local_aws.timer_events()
    (timer_set,) = [body for body in bodies if json.loads(body)["detail-type"] == "MonitoringTimerStarted"]

    assert local_aws.run_timer_events([timer_set, timer_set]) == {"batchItemFailures": []}
    assert local_aws.run_timer_events([timer_set]) == {"batchItemFailures": []}

    (group,) = items(local_aws, "GROUP#")
    (execution,) = local_aws.incident_executions(group["group_id"])
    assert local_aws.finished_execution(execution["executionArn"])["status"] == "SUCCEEDED"
    wait_for(lambda: "opening" not in items(local_aws, "GROUP#")[0]["timers"], what="the opening step")
