"""The automated follow-up ladder (docs/architecture.md, Domain rules) executed for real: infra/workflows/
follow_up_ladder.asl.json in moto, started and stopped by the followups handler from the cases domain's
timer events, each step running functions/cases/handlers/handle_timer_step.py."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from functions.cases.logic.dependencies import dependencies
from functions.shared.clock import utc_now
from tests.support.faults import BusOutage
from tests.support.payloads import support_case
from tests.workflow.conftest import detail_types, history_actions, moment_between, wait_for

LADDER_TRANSITION_BUDGET = 12


@pytest.fixture
def case(local_aws, api_clock):
    """Alice's case, opened 30 days ago (so every deadline of what follows is already past)."""
    api_clock.set(utc_now() - timedelta(days=30))
    return local_aws.call("POST", "/cases", body=support_case()).body["caseNumber"]


def act(local_aws, case, path, body, user="customer", method="POST"):
    result = local_aws.call(method, f"/cases/{case}{path}", user=user, body=body)
    assert result.status < 300, result
    return result.body


def ask_for_information(local_aws, case) -> None:
    act(local_aws, case, "/request-info", {"message": "Please send the IC server logs of this morning."}, user="engineer")


def follow_up_executions(local_aws, case) -> list[dict]:
    machine = local_aws.resources.follow_up_state_machine_arn
    return [execution for execution in local_aws.executions(case) if execution["stateMachineArn"] == machine]


def follow_up_execution(local_aws, case) -> dict:
    (execution,) = follow_up_executions(local_aws, case)
    return execution


def follow_up_events(bodies: list[str]) -> list[str]:
    return [body for body in bodies if json.loads(body)["detail"]["timer"] == "follow-up"]


def test_the_full_ladder_sends_two_reminders_then_auto_closes_with_a_final_email(local_aws, case):
    ask_for_information(local_aws, case)
    shown = local_aws.call("GET", f"/cases/{case}").body["nextAutomatedAction"]
    assert shown["action"] == "reminder1" and "2 business days" in shown["rule"]
    local_aws.published_events()

    local_aws.run_timer_events()
    finished = local_aws.finished_execution(follow_up_execution(local_aws, case)["executionArn"])

    assert finished["status"] == "SUCCEEDED"
    assert finished["statesEntered"] <= LADDER_TRANSITION_BUDGET
    body = local_aws.call("GET", f"/cases/{case}").body
    assert (body["status"], body["subStatus"], body["nextAutomatedAction"]) == ("Closed", "Auto-closed", None)
    assert history_actions(local_aws, case)[-3:] == ["follow-up-reminder-1", "follow-up-reminder-2", "auto-closed"]
    events = local_aws.published_events()
    assert [event["detail-type"] for event in events if event["detail-type"] != "CaseStatusChanged"] == [
        "CaseFollowUpReminder", "CaseFollowUpReminder", "CaseClosed",
    ]  # fmt: skip
    # Each reaches the contact by email: two reminders saying what is asked, then the final email.
    local_aws.deliver([json.dumps(event) for event in events])
    mail = local_aws.sent_mail("alice@acme.example")
    assert len(mail) == 3 and "closed" in mail[-1]["subject"].lower()
    # The ladder ended by itself: nothing to stop.
    assert local_aws.timer_events() == []


def test_the_ladder_costs_eight_state_transitions(local_aws, case):
    ask_for_information(local_aws, case)
    local_aws.run_timer_events()
    finished = local_aws.finished_execution(follow_up_execution(local_aws, case)["executionArn"])
    # Wait, Task, Choice twice, then Wait and the closing Task.
    assert finished["statesEntered"] == 8


def test_an_answer_after_reminder_1_stops_the_ladder(local_aws, api_clock, case):
    api_clock.set(moment_between(2, 5))  # reminder 1 is due, reminder 2 is not
    ask_for_information(local_aws, case)
    api_clock.set(None)
    local_aws.run_timer_events()
    wait_for(lambda: "follow-up-reminder-1" in history_actions(local_aws, case), what="reminder 1")
    assert local_aws.call("GET", f"/cases/{case}").body["nextAutomatedAction"]["action"] == "reminder2"

    act(local_aws, case, "/updates", {"text": "Logs attached."})
    assert detail_types(stops := local_aws.timer_events()) == ["CaseTimerStopped"]
    local_aws.run_timer_events(stops)

    finished = local_aws.finished_execution(follow_up_execution(local_aws, case)["executionArn"])
    assert finished["status"] == "ABORTED"
    body = local_aws.call("GET", f"/cases/{case}").body
    assert (body["status"], body["nextAutomatedAction"]) == ("Open", None)
    assert "follow-up-reminder-2" not in history_actions(local_aws, case)


def test_an_execution_whose_token_was_replaced_does_nothing(local_aws, case):
    """Support asks twice; the first ladder's stop is lost: its execution wakes, finds another token on
    the case and ends without acting, while the second ladder runs to the end once."""
    ask_for_information(local_aws, case)
    first_start = follow_up_events(local_aws.timer_events())
    act(local_aws, case, "/propose-solution", {"solution": "Apply patch 14."}, user="engineer")
    assert detail_types(second := local_aws.timer_events()) == ["CaseTimerStopped", "CaseTimerStarted"]

    local_aws.run_timer_events(first_start)
    (stale,) = follow_up_executions(local_aws, case)
    finished = local_aws.finished_execution(stale["executionArn"])
    assert finished["status"] == "SUCCEEDED" and "SucceedStateEntered" in finished["history"]
    assert finished["statesEntered"] == 4  # Wait, Task (a no-op), Choice, TimerStopped
    assert local_aws.call("GET", f"/cases/{case}").body["status"] == "Solution Proposed"

    local_aws.run_timer_events(second[1:])
    current = [execution for execution in follow_up_executions(local_aws, case) if execution["executionArn"] != stale["executionArn"]]
    assert local_aws.finished_execution(current[0]["executionArn"])["status"] == "SUCCEEDED"
    actions = history_actions(local_aws, case)
    assert (actions.count("follow-up-reminder-1"), actions.count("auto-closed")) == (1, 1)


def test_a_repeated_step_acts_once(local_aws, case):
    from functions.cases.handlers.handle_timer_step import lambda_handler
    from local.http_adapter import LambdaContext

    ask_for_information(local_aws, case)
    (started,) = [json.loads(body)["detail"] for body in follow_up_events(local_aws.timer_events()) if "CaseTimerStarted" in body]
    step = {"caseNumber": case, "token": started["token"], "step": "reminder1"}

    assert lambda_handler(step, LambdaContext("timer-step")) == {"timerCurrent": True}
    assert lambda_handler(step, LambdaContext("timer-step")) == {"timerCurrent": True}  # Lambda's retry of the same step
    assert lambda_handler({**step, "token": "0" * 32}, LambdaContext("timer-step")) == {"timerCurrent": False}
    assert history_actions(local_aws, case).count("follow-up-reminder-1") == 1


@pytest.mark.parametrize(
    ("done_before", "step", "published"),
    [((), "reminder1", ["CaseFollowUpReminder"]), (("reminder1", "reminder2"), "autoClose", ["CaseStatusChanged", "CaseClosed"])],
)
def test_a_step_retried_while_the_bus_is_down_acts_once_and_its_events_go_out_when_it_is_back(
    local_aws, case, monkeypatch, done_before, step, published
):
    """The step commits its change with its events (the outbox) while PutEvents fails; Step Functions
    retries the task (its answer lost), which finds the step done and changes nothing; once the bus is back
    the events go out, once each, with their eventKey."""
    from functions.cases.handlers.handle_timer_step import lambda_handler
    from local.http_adapter import LambdaContext

    ask_for_information(local_aws, case)
    (started,) = [json.loads(body)["detail"] for body in follow_up_events(local_aws.timer_events()) if "CaseTimerStarted" in body]
    invocation = {"caseNumber": case, "token": started["token"], "step": step}
    for earlier in done_before:
        lambda_handler({**invocation, "step": earlier}, LambdaContext("timer-step"))
    version = local_aws.call("GET", f"/cases/{case}").body["version"]
    local_aws.published_events()

    outage = BusOutage(monkeypatch)
    assert lambda_handler(invocation, LambdaContext("timer-step")) == {"timerCurrent": True}
    assert local_aws.published_events() == [] and outage.calls >= 1
    assert lambda_handler(invocation, LambdaContext("timer-step")) == {"timerCurrent": True}  # the task's retry
    outage.clear()

    events = local_aws.published_events()
    assert [event["detail-type"] for event in events] == published
    assert [event["detail"]["eventKey"] for event in events] == [f"{case}#{version + 1}#{kind}" for kind in published]
    assert all(event["detail"]["actor"]["role"] == "automation" for event in events)
    body = local_aws.call("GET", f"/cases/{case}").body
    assert body["version"] == version + 1  # changed once, by the first invocation
    assert history_actions(local_aws, case)[-1] == ("auto-closed" if step == "autoClose" else "follow-up-reminder-1")
    if step == "autoClose":
        closed, status = events[1]["detail"], events[0]["detail"]
        assert (closed["subStatus"], closed["changedFields"]) == ("Auto-closed", ["status", "subStatus", "closedAt", "updates"])
        assert (status["previousStatus"], body["status"]) == ("Awaiting Info", "Closed")
    else:
        assert (events[0]["detail"]["reminder"], events[0]["detail"]["changedFields"]) == (1, [])


def test_prod_down_cases_never_get_a_ladder(local_aws):
    phone_case = {**support_case(priority="1-Prod Down"), "onBehalfOf": {"accountId": "acme", "contactId": "c-alice"}}
    case = local_aws.call("POST", "/cases", user="engineer", body=phone_case).body["caseNumber"]
    ask_for_information(local_aws, case)

    assert local_aws.timer_events() == []  # answered on the phone: no escalation either
    assert local_aws.call("GET", f"/cases/{case}").body["nextAutomatedAction"] is None
    assert local_aws.executions(case) == []


def test_raising_to_prod_down_mid_ladder_stops_it(local_aws, api_clock, case):
    api_clock.set(moment_between(2, 5))
    ask_for_information(local_aws, case)
    api_clock.set(None)
    local_aws.run_timer_events()
    wait_for(lambda: "follow-up-reminder-1" in history_actions(local_aws, case), what="reminder 1")

    act(local_aws, case, "", {"priority": "1-Prod Down"}, user="engineer", method="PATCH")
    local_aws.run_timer_events()

    assert local_aws.finished_execution(follow_up_execution(local_aws, case)["executionArn"])["status"] == "ABORTED"
    body = local_aws.call("GET", f"/cases/{case}").body
    assert (body["status"], body["priority"], body["nextAutomatedAction"]) == ("Awaiting Info", "1-Prod Down", None)


def test_a_customer_update_committed_while_auto_close_runs_leaves_the_case_open(local_aws, case, monkeypatch):
    """The race of the last step: the customer's update commits between the step's read and its write.
    The step's conditional write then fails, it decides again on the fresh case, finds its token gone
    and does nothing: the case stays Open, never closed."""
    store = dependencies().store
    commit = store.commit_change
    raced = []

    def commit_after_the_customer(before_version, changed, history, update, events, **options):
        if history.action == "auto-closed" and not raced:
            raced.append(local_aws.call("POST", f"/cases/{case}/updates", body={"text": "Here are the logs, sorry for the delay."}))
        return commit(before_version, changed, history, update, events, **options)

    monkeypatch.setattr(store, "commit_change", commit_after_the_customer)
    ask_for_information(local_aws, case)
    local_aws.run_timer_events()
    finished = local_aws.finished_execution(follow_up_execution(local_aws, case)["executionArn"])

    assert raced and raced[0].status == 201
    assert finished["status"] == "SUCCEEDED"
    body = local_aws.call("GET", f"/cases/{case}").body
    assert (body["status"], body["subStatus"]) == ("Open", "Investigation")
    assert "auto-closed" not in history_actions(local_aws, case)
