"""First-response escalation executed for real: infra/workflows/response_escalation.asl.json in moto,
started by the followups handler when a case is opened, stopped by support's first response."""

from __future__ import annotations

import json
from datetime import timedelta

from functions.shared.business_time import BusinessCalendar
from functions.shared.clock import utc_now
from tests.support.payloads import support_case
from tests.workflow.conftest import history_actions, moment_between, wait_for

ESCALATION_TRANSITION_BUDGET = 6


def escalation_execution(local_aws, case) -> dict:
    machine = local_aws.resources.response_escalation_state_machine_arn
    (execution,) = [execution for execution in local_aws.executions(case) if execution["stateMachineArn"] == machine]
    return execution


def test_an_unanswered_case_escalates_to_the_queue_then_to_the_managers(local_aws, api_clock):
    api_clock.set(utc_now() - timedelta(days=30))
    case = local_aws.call("POST", "/cases", body=support_case()).body["caseNumber"]
    shown = local_aws.call("GET", f"/cases/{case}").body["nextAutomatedAction"]
    assert shown["action"] == "escalateToOwner" and shown["dueAt"] == local_aws.call("GET", f"/cases/{case}").body["responseDueAt"]
    local_aws.published_events()

    local_aws.run_timer_events()
    finished = local_aws.finished_execution(escalation_execution(local_aws, case)["executionArn"])

    assert finished["status"] == "SUCCEEDED"
    assert finished["statesEntered"] == 5 <= ESCALATION_TRANSITION_BUDGET
    assert history_actions(local_aws, case)[-2:] == ["response-escalated-to-owner", "response-escalated-to-manager"]
    body = local_aws.call("GET", f"/cases/{case}").body
    assert (body["responseBreached"], body["nextAutomatedAction"]) == (True, None)
    overdue = [event for event in local_aws.published_events() if event["detail-type"] == "CaseResponseOverdue"]
    assert [event["detail"]["level"] for event in overdue] == ["owner", "manager"]
    # No owner yet: the region's support queue hears first, then the region's managers.
    local_aws.deliver([json.dumps(event) for event in overdue])
    assert len(local_aws.sent_mail("na-queue@support.example")) == 1
    assert len(local_aws.sent_mail("mike@support.example")) == 1


def test_the_first_response_stops_the_escalation(local_aws, api_clock):
    # A 4-Low case's response target (14 business hours) has passed, the managers' threshold (14 more) not.
    api_clock.set(moment_between(14, 28, BusinessCalendar.add_business_hours))
    case = local_aws.call("POST", "/cases", body=support_case()).body["caseNumber"]
    api_clock.set(None)
    local_aws.run_timer_events()
    wait_for(lambda: "response-escalated-to-owner" in history_actions(local_aws, case), what="the owner's escalation")

    answered = local_aws.call("POST", f"/cases/{case}/updates", user="engineer", body={"text": "Looking at it now."})
    assert answered.status == 201
    local_aws.run_timer_events()

    assert local_aws.finished_execution(escalation_execution(local_aws, case)["executionArn"])["status"] == "ABORTED"
    body = local_aws.call("GET", f"/cases/{case}").body
    assert body["nextAutomatedAction"] is None and body["firstResponseAt"]
    assert "response-escalated-to-manager" not in history_actions(local_aws, case)


def test_a_priority_raise_before_the_first_response_restarts_the_escalation_on_the_new_target(local_aws):
    case = local_aws.call("POST", "/cases", body=support_case()).body["caseNumber"]
    local_aws.run_timer_events()
    first = escalation_execution(local_aws, case)

    raised = local_aws.call("POST", f"/cases/{case}/escalations", body={"kind": "priority", "reason": "More agents affected."})
    assert raised.body["case"]["priority"] == "3-Medium"
    local_aws.run_timer_events()

    assert local_aws.finished_execution(first["executionArn"])["status"] == "ABORTED"
    machine = local_aws.resources.response_escalation_state_machine_arn
    running = [e for e in local_aws.executions(case) if e["stateMachineArn"] == machine and e["status"] == "RUNNING"]
    assert len(running) == 1
    described = json_input(local_aws, running[0]["executionArn"])
    assert described["wakeAt"]["escalateToOwner"] == raised.body["case"]["responseDueAt"]


def json_input(local_aws, execution_arn: str) -> dict:
    import boto3

    return json.loads(boto3.client("stepfunctions").describe_execution(executionArn=execution_arn)["input"])
