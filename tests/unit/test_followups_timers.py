"""Starting and stopping timers: the execution each timer event asks for, its wake times (scaled only on
the local stack), and duplicates and reorderings treated as the successes they are."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from functions.followups.logic.run_timers import Outcome, execution_name, run_timer_event, start_timer, stop_timer, wake_at
from functions.followups.models.timer_events import CaseTimerStarted, CaseTimerStopped, InvalidTimer
from functions.shared.bus_event import BusEvent

TOKEN = "0123456789abcdef0123456789abcdef"
FOLLOW_UP_STEPS = [
    {"step": "reminder1", "dueAt": "2026-12-01T15:00:00.000Z"},
    {"step": "reminder2", "dueAt": "2026-12-04T15:00:00.000Z"},
    {"step": "autoClose", "dueAt": "2026-12-11T15:00:00.000Z"},
]


class FakeStateMachines:
    """Step Functions as far as this domain sees it: executions by (kind, name)."""

    def __init__(self):
        self.executions: dict[tuple[str, str], dict] = {}
        self.stopped: dict[tuple[str, str], str] = {}

    def start(self, timer_kind, name, execution_input):
        if (timer_kind, name) in self.executions:
            return False
        self.executions[(timer_kind, name)] = execution_input
        return True

    def stop(self, timer_kind, name, cause):
        if (timer_kind, name) not in self.executions:
            return False
        self.stopped[(timer_kind, name)] = cause
        return True


def started(timer="follow-up", steps=None, **overrides) -> dict:
    return {
        "caseNumber": "0000000042",
        "timer": timer,
        "token": TOKEN,
        "startedAt": "2026-11-27T15:00:00.000Z",
        "steps": FOLLOW_UP_STEPS if steps is None else steps,
        "occurredAt": "2026-11-27T15:00:00.000Z",
        "eventKey": "0000000042#7#CaseTimerStarted",
        "status": "Awaiting Info",
        "priority": "4-Low",  # other case fields
    } | overrides


def stopped(timer="follow-up", **overrides) -> dict:
    detail = {"caseNumber": "0000000042", "timer": timer, "token": TOKEN, "reason": "The customer answered.", "status": "Open"}
    return detail | overrides


def event(detail_type: str, detail: dict, source: str = "dss.cases") -> BusEvent:
    return BusEvent.model_validate({"id": "evt-1", "source": source, "detail-type": detail_type, "detail": detail, "time": "x"})


def test_a_started_timer_runs_its_kinds_state_machine_with_the_deadlines_as_wake_times():
    machines = FakeStateMachines()

    assert start_timer(CaseTimerStarted.model_validate(started()), machines, time_scale=1) is Outcome.STARTED

    assert machines.executions == {
        ("follow-up", f"0000000042-{TOKEN}"): {
            "caseNumber": "0000000042",
            "timer": "follow-up",
            "token": TOKEN,
            "wakeAt": {
                "reminder1": "2026-12-01T15:00:00.000Z",
                "reminder2": "2026-12-04T15:00:00.000Z",
                "autoClose": "2026-12-11T15:00:00.000Z",
            },
        }
    }


def test_an_escalation_timer_runs_the_escalation_state_machine():
    machines = FakeStateMachines()
    steps = [
        {"step": "escalateToOwner", "dueAt": "2026-11-27T19:00:00.000Z"},
        {"step": "escalateToManager", "dueAt": "2026-11-30T13:00:00.000Z"},
    ]

    start_timer(CaseTimerStarted.model_validate(started("response-escalation", steps)), machines, time_scale=1)

    (((kind, name), execution_input),) = machines.executions.items()
    assert (kind, name) == ("response-escalation", f"0000000042-{TOKEN}")
    assert execution_input["wakeAt"] == {
        "escalateToOwner": "2026-11-27T19:00:00.000Z",
        "escalateToManager": "2026-11-30T13:00:00.000Z",
    }


def test_the_execution_name_is_the_case_and_token_and_fits_step_functions_limit():
    name = execution_name("0000000042", TOKEN)
    assert name == f"0000000042-{TOKEN}"
    assert len(name) <= 80


@pytest.mark.parametrize(
    ("due_at", "scale", "expected"),
    [
        ("2026-12-01T15:00:00.000Z", 1, "2026-12-01T15:00:00.000Z"),  # production: the deadline itself
        ("2026-12-01T15:00:00.123Z", 1, "2026-12-01T15:00:00.123Z"),
        ("2026-12-01T15:00:00.000Z", 2, "2026-11-29T15:00:00.000Z"),  # 4 days from the start become 2
        ("2026-12-01T15:00:00.000Z", 1440, "2026-11-27T15:04:00.000Z"),  # a day a minute
        ("2026-11-27T15:00:01.000Z", 3, "2026-11-27T15:00:00.333Z"),  # millisecond precision
        ("2026-12-01T10:00:00.000-05:00", 1, "2026-12-01T15:00:00.000Z"),  # always UTC with Z
    ],
)
def test_wake_times_are_the_deadlines_scaled_from_the_start(due_at, scale, expected):
    detail = CaseTimerStarted.model_validate(started(steps=[{"step": "reminder1", "dueAt": due_at}]))
    assert wake_at(detail.started_at, detail.steps[0].due_at, scale) == expected


def test_the_time_scale_applies_to_every_step():
    machines = FakeStateMachines()
    start_timer(CaseTimerStarted.model_validate(started()), machines, time_scale=24 * 60)

    (execution_input,) = machines.executions.values()
    assert execution_input["wakeAt"] == {
        "reminder1": "2026-11-27T15:04:00.000Z",
        "reminder2": "2026-11-27T15:07:00.000Z",
        "autoClose": "2026-11-27T15:14:00.000Z",
    }


def test_a_duplicate_start_is_a_success_that_starts_nothing_more():
    machines = FakeStateMachines()
    detail = CaseTimerStarted.model_validate(started())

    assert start_timer(detail, machines, 1) is Outcome.STARTED
    assert start_timer(detail, machines, 1) is Outcome.ALREADY_STARTED
    assert len(machines.executions) == 1


def test_a_stop_stops_the_timers_execution_with_the_reason_as_cause():
    machines = FakeStateMachines()
    start_timer(CaseTimerStarted.model_validate(started()), machines, 1)

    assert stop_timer(CaseTimerStopped.model_validate(stopped()), machines) is Outcome.STOPPED
    cause = "The case's follow-up timer was stopped: The customer answered."
    assert machines.stopped == {("follow-up", f"0000000042-{TOKEN}"): cause}


def test_a_stop_with_no_execution_to_stop_is_a_success():
    machines = FakeStateMachines()
    assert stop_timer(CaseTimerStopped.model_validate(stopped(reason=None)), machines) is Outcome.NOTHING_TO_STOP


def test_the_dispatcher_routes_each_detail_type():
    machines = FakeStateMachines()

    assert run_timer_event(event("CaseTimerStarted", started()), machines, 1) is Outcome.STARTED
    assert run_timer_event(event("CaseTimerStopped", stopped()), machines, 1) is Outcome.STOPPED


@pytest.mark.parametrize(("source", "detail_type"), [("dss.cases", "CaseCreated"), ("dss.alerts", "CaseTimerStarted")])
def test_other_events_are_ignored(source, detail_type):
    machines = FakeStateMachines()
    assert run_timer_event(event(detail_type, started(), source=source), machines, 1) is Outcome.IGNORED
    assert machines.executions == {}


def test_an_unknown_timer_kind_is_skipped_not_retried():
    machines = FakeStateMachines()

    assert run_timer_event(event("CaseTimerStarted", started("maintenance-window")), machines, 1) is Outcome.IGNORED
    assert run_timer_event(event("CaseTimerStopped", stopped("maintenance-window")), machines, 1) is Outcome.IGNORED
    assert machines.executions == {}


def test_a_timer_missing_a_step_its_state_machine_waits_for_is_refused():
    steps = [step for step in FOLLOW_UP_STEPS if step["step"] != "autoClose"]
    with pytest.raises(InvalidTimer, match="autoClose"):
        start_timer(CaseTimerStarted.model_validate(started(steps=steps)), FakeStateMachines(), 1)


@pytest.mark.parametrize(
    "broken",
    [{"token": "not-a-token"}, {"caseNumber": "42"}, {"startedAt": "2026-11-27T15:00:00"}, {"steps": []}],
)
def test_a_malformed_start_is_refused(broken):
    with pytest.raises(ValidationError):
        run_timer_event(event("CaseTimerStarted", started(**broken)), FakeStateMachines(), 1)
