"""The cases domain's timer events in, Step Functions executions started and stopped.

The deadlines arrive computed (business time is the cases domain's); this domain only hands them to the
timer kind's state machine as the absolute times its Waits sleep until. Each step re-checks the case's
token before acting, so an execution that outlives its timer (a stop that arrived before its start) does
nothing."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Protocol

from functions.followups.models.delivery import SUBSCRIBED_DETAIL_TYPES
from functions.followups.models.timer_events import TIMER_STEPS, CaseTimerStarted, CaseTimerStopped, InvalidTimer
from functions.shared.bus_event import BusEvent
from functions.shared.clock import to_iso
from functions.shared.contracts import DetailType, EventSource, TimerKind
from functions.shared.observability import logger


class StateMachineRunner(Protocol):
    def start(self, timer_kind: TimerKind, name: str, execution_input: dict[str, Any]) -> bool: ...

    def stop(self, timer_kind: TimerKind, name: str, cause: str) -> bool: ...


class Outcome(Enum):
    STARTED = "started"
    ALREADY_STARTED = "already started"  # a duplicate delivery: the execution exists (or existed)
    STOPPED = "stopped"
    NOTHING_TO_STOP = "nothing to stop"  # no such execution: the stop came first, or nothing was started
    IGNORED = "ignored"


def execution_name(case_number: str, token: str) -> str:
    """Unique per timer (the token is), so a duplicate start is refused by Step Functions itself."""
    return f"{case_number}-{token}"


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


def run_timer_event(event: BusEvent, machines: StateMachineRunner, time_scale: float) -> Outcome:
    if event.source != EventSource.CASES or event.detail_type not in SUBSCRIBED_DETAIL_TYPES:
        extra = {"source": event.source, "detail_type": event.detail_type}
        logger.info("event ignored: not one this domain handles", extra=extra)
        return Outcome.IGNORED
    kind = event.detail.get("timer")
    if isinstance(kind, str) and kind not in TIMER_STEPS:
        # Retrying cannot help, and a kind added upstream before this domain learns it must not jam the queue.
        logger.warning("timer ignored: unknown kind", extra={"case_number": event.detail.get("caseNumber"), "timer": kind})
        return Outcome.IGNORED
    if event.detail_type == DetailType.CASE_TIMER_STARTED:
        return start_timer(CaseTimerStarted.model_validate(event.detail), machines, time_scale)
    return stop_timer(CaseTimerStopped.model_validate(event.detail), machines)
