"""Starting the alerts domain's timers (an incident's, a maintenance window's): the execution
MonitoringTimerStarted asks for, its name and wake time (scaled only on the local stack, from when the timer
was set), and a duplicate delivery treated as the success it is."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from functions.followups.logic.run_timers import Outcome, incident_execution_name, run_timer_event, start_incident_timer
from functions.followups.models.delivery import EVENT_PATTERN
from functions.followups.models.timer_events import INCIDENT_TIMER, IncidentTimerStarted
from functions.shared.bus_event import BusEvent
from functions.shared.contracts import IncidentTimerStep, MonitoringTimerStarted
from tests.unit.test_followups_timers import FakeStateMachines

GROUP = "0123456789abcdef0123456789abcdef"
TOKEN = "fedcba9876543210fedcba9876543210"


def timer_set(step: str = "settle", **overrides) -> dict:
    """A MonitoringTimerStarted detail as the alerts domain sends it (the contract's model, every field)."""
    detail = MonitoringTimerStarted(
        event_key=f"{GROUP}#4#timer",
        group_id=GROUP,
        account_id="acme",
        occurred_at="2026-12-08T15:00:00.000Z",
        step=step,
        token=TOKEN,
        due_at="2026-12-08T15:30:00.000Z",
    ).to_bus()
    return detail | overrides


def event(detail: dict, detail_type: str = "MonitoringTimerStarted", source: str = "dss.alerts") -> BusEvent:
    return BusEvent.model_validate({"id": "evt-1", "source": source, "detail-type": detail_type, "detail": detail, "time": "x"})


def test_the_rule_takes_the_case_timers_and_the_incident_timers():
    assert EVENT_PATTERN == {
        "source": ["dss.cases", "dss.alerts"],
        "detail-type": ["CaseTimerStarted", "CaseTimerStopped", "MonitoringTimerStarted"],
    }


def test_a_set_incident_timer_runs_the_incident_timer_state_machine_until_its_due_time():
    machines = FakeStateMachines()

    assert run_timer_event(event(timer_set()), machines, 1) is Outcome.STARTED

    assert machines.executions == {
        (INCIDENT_TIMER, f"{GROUP}-settle-{TOKEN}"): {
            "accountId": "acme",
            "groupId": GROUP,
            "step": "settle",
            "token": TOKEN,
            "wakeAt": "2026-12-08T15:30:00.000Z",
        }
    }


@pytest.mark.parametrize("step", list(IncidentTimerStep))
def test_every_step_has_an_execution_name_within_step_functions_limit(step):
    """An incident's steps and a maintenance window's (window-start, window-end: the window's id as groupId)."""
    name = incident_execution_name(GROUP, step.value, TOKEN)
    assert name == f"{GROUP}-{step.value}-{TOKEN}"
    assert len(name) <= 80
    machines = FakeStateMachines()
    start_incident_timer(IncidentTimerStarted.model_validate(timer_set(step.value)), machines, 1)
    assert list(machines.executions) == [(INCIDENT_TIMER, name)]


@pytest.mark.parametrize(
    ("due_at", "scale", "expected"),
    [
        ("2026-12-08T15:30:00.000Z", 1, "2026-12-08T15:30:00.000Z"),  # production: the due time itself
        ("2026-12-08T15:30:00.000Z", 2, "2026-12-08T15:15:00.000Z"),  # counted from occurredAt, when it was set
        ("2026-12-09T12:00:00.000Z", 1260, "2026-12-08T15:01:00.000Z"),  # 21 hours (an opening) in a minute
        ("2026-12-08T10:30:00.000-05:00", 1, "2026-12-08T15:30:00.000Z"),  # always UTC with Z
    ],
)
def test_the_wake_time_is_the_due_time_scaled_from_when_the_timer_was_set(due_at, scale, expected):
    machines = FakeStateMachines()
    start_incident_timer(IncidentTimerStarted.model_validate(timer_set(dueAt=due_at)), machines, scale)
    ((_, execution_input),) = machines.executions.items()
    assert execution_input["wakeAt"] == expected


def test_a_duplicate_delivery_is_a_success_that_starts_nothing_more():
    machines = FakeStateMachines()

    assert run_timer_event(event(timer_set()), machines, 1) is Outcome.STARTED
    assert run_timer_event(event(timer_set()), machines, 1) is Outcome.ALREADY_STARTED
    assert len(machines.executions) == 1


def test_a_timer_set_again_is_another_execution():
    """A new token: the earlier execution's step will find the incident no longer holds its token."""
    machines = FakeStateMachines()
    again = "00000000000000000000000000000001"

    run_timer_event(event(timer_set()), machines, 1)
    run_timer_event(event(timer_set(token=again, dueAt="2026-12-08T16:00:00.000Z")), machines, 1)

    assert sorted(name for _, name in machines.executions) == [f"{GROUP}-settle-{again}", f"{GROUP}-settle-{TOKEN}"]


@pytest.mark.parametrize(("source", "detail_type"), [("dss.cases", "MonitoringTimerStarted"), ("dss.alerts", "MonitoringGroupHeld")])
def test_other_events_of_the_sources_are_ignored(source, detail_type):
    machines = FakeStateMachines()
    assert run_timer_event(event(timer_set(), detail_type, source), machines, 1) is Outcome.IGNORED
    assert machines.executions == {}


@pytest.mark.parametrize(
    "broken",
    [{"token": "not-a-token"}, {"groupId": "g-1"}, {"step": "reminder1"}, {"dueAt": "2026-12-08T15:30:00"}, {"occurredAt": None}],
)
def test_a_malformed_incident_timer_is_refused(broken):
    with pytest.raises(ValidationError):
        run_timer_event(event(timer_set(**broken)), FakeStateMachines(), 1)
