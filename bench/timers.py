"""Timers: AWS calls per timer step and per timer start or stop, and state transitions per timer, from
the real ASL executed by moto (tests/workflow and tests/integration/test_call_budgets.py assert the same
counts). Waits in moto sleep in real time, so the transition scenarios move the API's clock back: every
deadline is then already past and each execution runs to its end at once."""

from __future__ import annotations

import contextlib
import io
import json
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from bench.aws_calls import count_aws_calls
from bench.call_budgets import GET_ITEM, TRANSACTION, Row
from functions.shared.clock import utc_now
from local.demo_directory import EXAMPLE_SUPPORT_CASE
from local.http_adapter import LambdaContext
from tests.support.stack import LocalAws, start_local_aws

FOLLOW_UP_BUDGET, ESCALATION_BUDGET = 12, 6
START, STOP = ("SFN", "StartExecution"), ("SFN", "StopExecution")
ASK = {"message": "Send the IC server logs."}


@dataclass(frozen=True)
class Transitions:
    timer: str
    states_entered: int
    status: str
    budget: int

    @property
    def met(self) -> bool:
        return self.states_entered <= self.budget


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    # Powertools prints metrics (EMF) to stdout and warns when an invocation adds none.
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@contextlib.contextmanager
def api_clock_back(stack: LocalAws, days: int) -> Iterator[None]:
    stack.set_api_time(utc_now() - timedelta(days=days))
    try:
        yield
    finally:
        stack.set_api_time(None)


def _timer_bodies(stack: LocalAws, timer: str) -> list[str]:
    return [body for body in stack.timer_events() if json.loads(body)["detail"]["timer"] == timer]


def measure_calls() -> list[Row]:
    from functions.cases.handlers.handle_timer_step import lambda_handler as timer_step

    mock_aws, stack = start_local_aws()
    rows = []

    def row(operation: str, budget: str, expected: Counter, run) -> None:
        with count_aws_calls() as calls, quiet():
            run()
        rows.append(Row(operation, calls, budget, calls == expected))

    try:
        with quiet():
            number = stack.call("POST", "/cases", body=EXAMPLE_SUPPORT_CASE).body["caseNumber"]
            stack.call("POST", f"/cases/{number}/request-info", user="engineer", body=ASK)
        # Deadlines are days away (real clock): the executions started here wait, making no calls meanwhile.
        (started,) = [body for body in _timer_bodies(stack, "follow-up") if "CaseTimerStarted" in body]
        row("followups: start a timer", "1 StartExecution", Counter({START: 1}), lambda: stack.run_timer_events([started]))
        step = {"caseNumber": number, "token": json.loads(started)["detail"]["token"], "step": "reminder1"}
        acting = Counter({GET_ITEM: 1, TRANSACTION: 1})  # its events are in the transaction (the outbox)
        row("timer step: reminder (acts)", "1 GetItem + 1 transaction, 0 PutEvents", acting, lambda: timer_step(step, LambdaContext()))
        again = Counter({GET_ITEM: 1})  # a retry: done already, nothing written, nothing to publish
        row("timer step: repeated (retry)", "1 GetItem", again, lambda: timer_step(step, LambdaContext()))
        stale = {**step, "token": "0" * 32}
        row("timer step: stale token (no-op)", "1 GetItem", Counter({GET_ITEM: 1}), lambda: timer_step(stale, LambdaContext()))
        with quiet():
            stack.call("POST", f"/cases/{number}/updates", body={"text": "Logs attached."})
        (stopped,) = _timer_bodies(stack, "follow-up")
        row("followups: stop a timer", "1 StopExecution", Counter({STOP: 1}), lambda: stack.run_timer_events([stopped]))
    finally:
        mock_aws.stop()
    return rows


def measure_transitions() -> list[Transitions]:
    mock_aws, stack = start_local_aws()
    try:
        with quiet():
            with api_clock_back(stack, days=30):
                number = stack.call("POST", "/cases", body=EXAMPLE_SUPPORT_CASE).body["caseNumber"]
            escalation = _timer_bodies(stack, "response-escalation")
            stack.run_timer_events(escalation)
            (execution,) = stack.executions(number)
            escalated = stack.finished_execution(execution["executionArn"])

            with api_clock_back(stack, days=30):
                stack.call("POST", f"/cases/{number}/request-info", user="engineer", body=ASK)
                first = _timer_bodies(stack, "follow-up")
                stack.call("POST", f"/cases/{number}/propose-solution", user="engineer", body={"solution": "Patch 14."})
            replaced = _timer_bodies(stack, "follow-up")
            # The first ladder's stop is never delivered: its execution wakes and finds its token replaced.
            stack.run_timer_events(first)
            stale = stack.finished_execution(_newest(stack, number)["executionArn"])
            stack.run_timer_events([body for body in replaced if "CaseTimerStarted" in body])
            ladder = stack.finished_execution(_newest(stack, number)["executionArn"])
    finally:
        mock_aws.stop()
    return [
        Transitions("follow-up ladder, run to Auto-closed", ladder["statesEntered"], ladder["status"], FOLLOW_UP_BUDGET),
        Transitions("follow-up ladder, token replaced (no-op)", stale["statesEntered"], stale["status"], FOLLOW_UP_BUDGET),
        Transitions("response escalation, owner then managers", escalated["statesEntered"], escalated["status"], ESCALATION_BUDGET),
    ]


def _newest(stack: LocalAws, number: str) -> dict:
    return stack.executions(number)[-1]
