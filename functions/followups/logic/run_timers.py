"""The timer events in, Step Functions executions started and stopped: the cases domain's case timers and
the alerts domain's incident timers.

The deadlines arrive computed (business time is the producing domain's); this domain only hands them to the
timer's state machine as the absolute times its Waits sleep until. Each step re-checks the token stored on
the case or the incident before acting, so an execution that outlives its timer (a stop that arrived before
its start, an incident timer set again) does nothing."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Protocol

from functions.followups.models.delivery import SUBSCRIBED
from functions.followups.models.timer_events import (
    INCIDENT_TIMER,
    TIMER_STEPS,
    CaseTimerStarted,
    CaseTimerStopped,
    IncidentTimerStarted,
    InvalidTimer,
)
from functions.shared.bus_event import BusEvent
from functions.shared.clock import to_iso
from functions.shared.contracts import DetailType
from functions.shared.observability import logger


class StateMachineRunner(Protocol):
    """`machine`: a case's TimerKind, or INCIDENT_TIMER."""

    def start(self, machine: str, name: str, execution_input: dict[str, Any]) -> bool: ...

    def stop(self, machine: str, name: str, cause: str) -> bool: ...


class Outcome(Enum):
    STARTED = "started"
    ALREADY_STARTED = "already started"  # a duplicate delivery: the execution exists (or existed)
    STOPPED = "stopped"
    NOTHING_TO_STOP = "nothing to stop"  # no such execution: the stop came first, or nothing was started
    IGNORED = "ignored"


def execution_name(case_number: str, token: str) -> str:
    """Unique per timer (the token is), so a duplicate start is refused by Step Functions itself."""
    return f"{case_number}-{token}"


def incident_execution_name(group_id: str, step: str, token: str) -> str:
    """Unique per timer (the token is); 32 + 1 + 12 ("window-start") + 1 + 32 characters at most, within Step
    Functions' 80."""
    return f"{group_id}-{step}-{token}"


def wake_at(started_at: datetime, due_at: datetime, time_scale: float) -> str:
    """When the execution wakes for a step: its deadline, or on the local stack (`time_scale` > 1) that many
    times sooner counted from the timer's start."""
    return to_iso(started_at + (due_at - started_at) / time_scale)


def start_timer(detail: CaseTimerStarted, machines: StateMachineRunner, time_scale: float) -> Outcome:
    wake = {step.step.value: wake_at(detail.started_at, step.due_at, time_scale) for step in detail.steps}
    missing = [step.value for step in TIMER_STEPS[detail.timer] if step not in wake]
    if missing:
        raise InvalidTimer(f"the {detail.timer} timer of case {detail.case_number} has no due time for {', '.join(missing)}")
    name = execution_name(detail.case_number, detail.token)
    execution_input = {"caseNumber": detail.case_number, "timer": detail.timer.value, "token": detail.token, "wakeAt": wake}
    started = machines.start(detail.timer, name, execution_input)
    logger.info(
        "timer started" if started else "timer already started",
        extra={"case_number": detail.case_number, "timer": detail.timer, "execution": name, "wake_at": wake},
    )
    return Outcome.STARTED if started else Outcome.ALREADY_STARTED


def stop_timer(detail: CaseTimerStopped, machines: StateMachineRunner) -> Outcome:
    name = execution_name(detail.case_number, detail.token)
    cause = f"The case's {detail.timer} timer was stopped: {detail.reason or 'no reason given'}"
    stopped = machines.stop(detail.timer, name, cause)
    logger.info(
        "timer stopped" if stopped else "timer had no execution to stop",
        extra={"case_number": detail.case_number, "timer": detail.timer, "execution": name, "reason": detail.reason},
    )
    return Outcome.STOPPED if stopped else Outcome.NOTHING_TO_STOP


def start_incident_timer(detail: IncidentTimerStarted, machines: StateMachineRunner, time_scale: float) -> Outcome:
    """The execution of an incident's or a maintenance window's timer: it sleeps until the step's due time
    (scaled from when the timer was set, on the local stack), then runs the step, which acts only if the
    incident or window still holds the token."""
    wake = wake_at(detail.occurred_at, detail.due_at, time_scale)
    name = incident_execution_name(detail.group_id, detail.step.value, detail.token)
    execution_input = {
        "accountId": detail.account_id,
        "groupId": detail.group_id,
        "step": detail.step.value,
        "token": detail.token,
        "wakeAt": wake,
    }
    started = machines.start(INCIDENT_TIMER, name, execution_input)
    logger.info(
        "incident timer started" if started else "incident timer already started",
        extra={"group_id": detail.group_id, "step": detail.step, "execution": name, "wake_at": wake},
    )
    return Outcome.STARTED if started else Outcome.ALREADY_STARTED


def run_timer_event(event: BusEvent, machines: StateMachineRunner, time_scale: float) -> Outcome:
    if not _subscribed(event):
        extra = {"source": event.source, "detail_type": event.detail_type}
        logger.info("event ignored: not one this domain handles", extra=extra)
        return Outcome.IGNORED
    if event.detail_type == DetailType.MONITORING_TIMER_STARTED:
        return start_incident_timer(IncidentTimerStarted.model_validate(event.detail), machines, time_scale)
    kind = event.detail.get("timer")
    if isinstance(kind, str) and kind not in TIMER_STEPS:
        # Retrying cannot help, and a kind added upstream before this domain learns it must not jam the queue.
        logger.warning("timer ignored: unknown kind", extra={"case_number": event.detail.get("caseNumber"), "timer": kind})
        return Outcome.IGNORED
    if event.detail_type == DetailType.CASE_TIMER_STARTED:
        return start_timer(CaseTimerStarted.model_validate(event.detail), machines, time_scale)
    return stop_timer(CaseTimerStopped.model_validate(event.detail), machines)


def _subscribed(event: BusEvent) -> bool:
    """Its source and detail type are a pair this domain subscribes to (its rule's pattern also matches a
    source's event of another's detail type)."""
    return any(event.source == source and event.detail_type in detail_types for source, detail_types in SUBSCRIBED.items())
