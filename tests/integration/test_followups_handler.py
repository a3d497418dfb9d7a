"""The followups handler under moto (in-process): SQS records of the cases domain's timer events start
and stop executions of the real state machines (infra/workflows/*.asl.json), the alerts domain's
MonitoringTimerStarted starts the incident timer's; duplicates and a stop that overtook its start are
successes; a malformed record fails alone."""

from __future__ import annotations

import json
import time

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from functions.followups.handlers.handle_timer_events import lambda_handler
from functions.followups.logic.dependencies import dependencies
from functions.followups.models.delivery import FUNCTION_TIMEOUT_SECONDS
from functions.followups.models.timer_events import TimerActionFailed
from functions.shared.dal import aws as aws_module
from functions.shared.environment import reset_environment
from infra.workflows import FOLLOW_UP_LADDER, INCIDENT_TIMER, RESPONSE_ESCALATION, definition
from local.event_sources import sqs_record
from local.http_adapter import LambdaContext

QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:followups"
TIMER_STEP_FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:timer-step"
INCIDENT_TIMER_STEP_FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:incident-timer-step"
ROLE_ARN = "arn:aws:iam::123456789012:role/timers"
TOKEN = "0123456789abcdef0123456789abcdef"
GROUP = "0123456789abcdef0123456789abcdef"
ENVIRONMENT = (
    "FOLLOW_UP_STATE_MACHINE_ARN",
    "RESPONSE_ESCALATION_STATE_MACHINE_ARN",
    "INCIDENT_TIMER_STATE_MACHINE_ARN",
    "DSS_TIMER_TIME_SCALE",
)


def reset_caches() -> None:
    reset_environment()


@pytest.fixture
def sfn(monkeypatch):
    with mock_aws(config={"stepfunctions": {"execute_state_machine": False}}):
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        arns = {}
        for kind, workflow, step_arn in (
            ("follow-up", FOLLOW_UP_LADDER, TIMER_STEP_FUNCTION_ARN),
            ("response-escalation", RESPONSE_ESCALATION, TIMER_STEP_FUNCTION_ARN),
            ("incident-timer", INCIDENT_TIMER, INCIDENT_TIMER_STEP_FUNCTION_ARN),
        ):
            asl = definition(workflow, step_arn)
            name = workflow.removesuffix(".asl.json")
            arns[kind] = sfn.create_state_machine(name=name, definition=asl, roleArn=ROLE_ARN)["stateMachineArn"]
        for name in ENVIRONMENT:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("FOLLOW_UP_STATE_MACHINE_ARN", arns["follow-up"])
        monkeypatch.setenv("RESPONSE_ESCALATION_STATE_MACHINE_ARN", arns["response-escalation"])
        monkeypatch.setenv("INCIDENT_TIMER_STATE_MACHINE_ARN", arns["incident-timer"])
        reset_caches()
        sfn.arns = arns
        try:
            yield sfn
        finally:
            reset_caches()


def timer_event(detail_type: str, detail: dict, source: str = "dss.cases") -> str:
    """The SQS message body the rule delivers: the whole EventBridge event."""
    return json.dumps(
        {
            "version": "0",
            "id": f"evt-{time.monotonic_ns()}",
            "detail-type": detail_type,
            "source": source,
            "account": "123456789012",
            "time": "2026-11-27T15:00:00Z",
            "region": "us-east-1",
            "resources": [],
            "detail": detail,
        }
    )


def started(timer="follow-up", token=TOKEN) -> str:
    steps = {
        "follow-up": [("reminder1", "2026-12-01"), ("reminder2", "2026-12-04"), ("autoClose", "2026-12-11")],
        "response-escalation": [("escalateToOwner", "2026-11-27"), ("escalateToManager", "2026-11-30")],
    }[timer]
    return timer_event(
        "CaseTimerStarted",
        {
            "caseNumber": "0000000042",
            "timer": timer,
            "token": token,
            "startedAt": "2026-11-27T15:00:00.000Z",
            "steps": [{"step": step, "dueAt": f"{day}T19:00:00.000Z"} for step, day in steps],
            "occurredAt": "2026-11-27T15:00:00.000Z",
            "eventKey": "0000000042#7#CaseTimerStarted",
            "status": "Awaiting Info",
        },
    )


def incident_timer_set(step="digest", token=TOKEN, due_at="2026-12-08T15:30:00.000Z") -> str:
    """The alerts domain's MonitoringTimerStarted, every field of its contract."""
    detail = {
        "eventKey": f"{GROUP}#5#timer",
        "groupId": GROUP,
        "accountId": "acme",
        "occurredAt": "2026-12-08T15:00:00.000Z",
        "step": step,
        "token": token,
        "dueAt": due_at,
    }
    return timer_event("MonitoringTimerStarted", detail, source="dss.alerts")


def stopped(timer="follow-up", token=TOKEN) -> str:
    detail = {"caseNumber": "0000000042", "timer": timer, "token": token, "reason": "The customer answered.", "status": "Open"}
    return timer_event("CaseTimerStopped", detail)


def deliver(*bodies: str) -> tuple[dict, list[str]]:
    """One SQS batch to the real handler; its response and the batch's message ids."""
    records = [sqs_record(body, QUEUE_ARN) for body in bodies]
    response = lambda_handler({"Records": records}, LambdaContext("followups", timeout_seconds=FUNCTION_TIMEOUT_SECONDS))
    return response, [record["messageId"] for record in records]


def executions(sfn, timer="follow-up") -> list[dict]:
    listed = sfn.list_executions(stateMachineArn=sfn.arns[timer])["executions"]
    return [sfn.describe_execution(executionArn=execution["executionArn"]) for execution in listed]


def status_eventually(sfn, execution_arn: str, expected: str) -> str:
    """moto (like AWS) may stop an execution asynchronously."""
    deadline = time.monotonic() + 5
    while (status := sfn.describe_execution(executionArn=execution_arn)["status"]) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return status


def test_a_started_timer_runs_the_follow_up_ladder_with_its_wake_times(sfn):
    response, _ = deliver(started())

    assert response == {"batchItemFailures": []}
    (execution,) = executions(sfn)
    assert execution["name"] == f"0000000042-{TOKEN}"
    assert execution["executionArn"] == sfn.arns["follow-up"].replace(":stateMachine:", ":execution:") + f":0000000042-{TOKEN}"
    assert execution["status"] == "RUNNING"
    assert json.loads(execution["input"]) == {
        "caseNumber": "0000000042",
        "timer": "follow-up",
        "token": TOKEN,
        "wakeAt": {
            "reminder1": "2026-12-01T19:00:00.000Z",
            "reminder2": "2026-12-04T19:00:00.000Z",
            "autoClose": "2026-12-11T19:00:00.000Z",
        },
    }
    assert executions(sfn, "response-escalation") == []


def test_an_escalation_timer_runs_the_escalation_state_machine(sfn):
    assert deliver(started("response-escalation"))[0] == {"batchItemFailures": []}

    (execution,) = executions(sfn, "response-escalation")
    assert json.loads(execution["input"])["wakeAt"] == {
        "escalateToOwner": "2026-11-27T19:00:00.000Z",
        "escalateToManager": "2026-11-30T19:00:00.000Z",
    }
    assert executions(sfn) == []


def test_a_set_incident_timer_runs_the_incident_timer_state_machine(sfn):
    response, _ = deliver(incident_timer_set())

    assert response == {"batchItemFailures": []}
    (execution,) = executions(sfn, "incident-timer")
    assert execution["name"] == f"{GROUP}-digest-{TOKEN}"
    assert execution["status"] == "RUNNING"
    assert json.loads(execution["input"]) == {
        "accountId": "acme",
        "groupId": GROUP,
        "step": "digest",
        "token": TOKEN,
        "wakeAt": "2026-12-08T15:30:00.000Z",
    }
    assert executions(sfn) == [] and executions(sfn, "response-escalation") == []


def test_an_incident_timer_delivered_again_is_a_success_and_starts_nothing_more(sfn):
    assert deliver(incident_timer_set())[0] == {"batchItemFailures": []}
    assert deliver(incident_timer_set(), incident_timer_set())[0] == {"batchItemFailures": []}

    assert [execution["name"] for execution in executions(sfn, "incident-timer")] == [f"{GROUP}-digest-{TOKEN}"]


def test_each_step_of_an_incident_is_its_own_execution(sfn):
    other = "fedcba9876543210fedcba9876543210"

    assert deliver(incident_timer_set("opening"), incident_timer_set("settle", token=other))[0] == {"batchItemFailures": []}

    names = sorted(execution["name"] for execution in executions(sfn, "incident-timer"))
    assert names == [f"{GROUP}-opening-{TOKEN}", f"{GROUP}-settle-{other}"]


def test_the_time_scale_brings_an_incident_timer_closer_on_the_local_stack(sfn, monkeypatch):
    monkeypatch.setenv("DSS_TIMER_TIME_SCALE", "30")
    reset_caches()

    deliver(incident_timer_set())

    (execution,) = executions(sfn, "incident-timer")
    assert json.loads(execution["input"])["wakeAt"] == "2026-12-08T15:01:00.000Z"  # 30 minutes after it was set: one


def test_a_malformed_incident_timer_fails_alone(sfn):
    response, (_, bad) = deliver(incident_timer_set(), incident_timer_set("reminder1"))

    assert response == {"batchItemFailures": [{"itemIdentifier": bad}]}
    assert [execution["name"] for execution in executions(sfn, "incident-timer")] == [f"{GROUP}-digest-{TOKEN}"]


def test_the_time_scale_brings_the_wake_times_closer_on_the_local_stack(sfn, monkeypatch):
    monkeypatch.setenv("DSS_TIMER_TIME_SCALE", "1440")
    reset_caches()

    deliver(started())

    (execution,) = executions(sfn)
    # 4 days and 4 hours, 7 days 4 hours, 14 days 4 hours after the start: as many minutes (and 10 s).
    assert json.loads(execution["input"])["wakeAt"] == {
        "reminder1": "2026-11-27T15:04:10.000Z",
        "reminder2": "2026-11-27T15:07:10.000Z",
        "autoClose": "2026-11-27T15:14:10.000Z",
    }


def test_a_stop_aborts_the_execution(sfn):
    deliver(started())

    response, _ = deliver(stopped())

    assert response == {"batchItemFailures": []}
    (execution,) = executions(sfn)
    assert status_eventually(sfn, execution["executionArn"], "ABORTED") == "ABORTED"


def test_a_duplicate_start_is_a_success_and_starts_nothing_more(sfn):
    assert deliver(started())[0] == {"batchItemFailures": []}
    assert deliver(started(), started())[0] == {"batchItemFailures": []}

    assert len(executions(sfn)) == 1


def test_a_start_delivered_again_after_its_stop_does_not_restart_the_timer(sfn):
    deliver(started())
    deliver(stopped())

    assert deliver(started())[0] == {"batchItemFailures": []}

    (execution,) = executions(sfn)
    assert status_eventually(sfn, execution["executionArn"], "ABORTED") == "ABORTED"


def test_a_stop_delivered_before_its_start_is_a_success(sfn):
    assert deliver(stopped())[0] == {"batchItemFailures": []}

    assert executions(sfn) == []


def test_a_malformed_record_fails_alone(sfn):
    other = "fedcba9876543210fedcba9876543210"

    response, (_, bad, not_json, _) = deliver(
        started(), started(token="not-a-token"), "{not json", started("response-escalation", token=other)
    )

    assert response == {"batchItemFailures": [{"itemIdentifier": bad}, {"itemIdentifier": not_json}]}
    assert [execution["name"] for execution in executions(sfn)] == [f"0000000042-{TOKEN}"]
    assert [execution["name"] for execution in executions(sfn, "response-escalation")] == [f"0000000042-{other}"]


def test_an_unknown_timer_kind_is_skipped_without_failing_the_record(sfn):
    body = started().replace('"timer": "follow-up"', '"timer": "maintenance-window"')

    assert deliver(body)[0] == {"batchItemFailures": []}
    assert executions(sfn) == [] and executions(sfn, "response-escalation") == [] and executions(sfn, "incident-timer") == []


@pytest.mark.parametrize(("code", "status"), [("ThrottlingException", 400), ("ServiceUnavailable", 503), ("AccessDeniedException", 400)])
def test_step_functions_errors_fail_the_record_for_the_queue_to_retry(sfn, code, status):
    machines = dependencies().state_machines
    with Stubber(aws_module.client("stepfunctions")) as stub:
        stub.add_client_error("start_execution", service_error_code=code, http_status_code=status)
        stub.add_client_error("stop_execution", service_error_code=code, http_status_code=status)
        with pytest.raises(TimerActionFailed, match=code):
            machines.start("follow-up", f"0000000042-{TOKEN}", {})
        with pytest.raises(TimerActionFailed, match=code):
            machines.stop("follow-up", f"0000000042-{TOKEN}", "cause")


def test_a_missing_state_machine_fails_the_record(sfn, monkeypatch):
    monkeypatch.setenv("FOLLOW_UP_STATE_MACHINE_ARN", sfn.arns["follow-up"] + "-gone")
    reset_caches()

    response, (message_id,) = deliver(started())

    assert response == {"batchItemFailures": [{"itemIdentifier": message_id}]}


def test_a_missing_incident_timer_state_machine_fails_the_record(sfn, monkeypatch):
    monkeypatch.setenv("INCIDENT_TIMER_STATE_MACHINE_ARN", sfn.arns["incident-timer"] + "-gone")
    reset_caches()

    response, (message_id,) = deliver(incident_timer_set())

    assert response == {"batchItemFailures": [{"itemIdentifier": message_id}]}
