"""The cases domain's timer events as this domain reads them (functions/shared/contracts.py). The details
of CaseTimerStarted and CaseTimerStopped carry many more case fields; only the case number and the
timer's own fields are read here, so the models are those parts of the contract."""

from __future__ import annotations

from functions.shared.contracts import CaseRef, TimerKind, TimerStart, TimerStepName, TimerStop

# The steps each state machine waits for (infra/workflows/*.asl.json read them as $.wakeAt.<step>).
TIMER_STEPS: dict[TimerKind, tuple[TimerStepName, ...]] = {
    TimerKind.FOLLOW_UP: (TimerStepName.REMINDER_1, TimerStepName.REMINDER_2, TimerStepName.AUTO_CLOSE),
    TimerKind.RESPONSE_ESCALATION: (TimerStepName.ESCALATE_TO_OWNER, TimerStepName.ESCALATE_TO_MANAGER),
}


class CaseTimerStarted(CaseRef, TimerStart):
    pass


class CaseTimerStopped(CaseRef, TimerStop):
    pass


class InvalidTimer(ValueError):
    """A timer event this domain cannot act on as sent (a step its state machine waits for is missing)."""


class TimerActionFailed(Exception):
    """Step Functions did not start or stop the execution (throttled, failed, or refused the call: permissions,
    a missing state machine); the record is retried by its queue, then dead-lettered for a human."""
