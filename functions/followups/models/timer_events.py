"""The timer events as this domain reads them (functions/shared/contracts.py). The details of CaseTimerStarted
and CaseTimerStopped carry many more case fields, MonitoringTimerStarted more of the incident's; only the
case number or the incident and the timer's own fields are read here, so the models are those parts of the
contract."""

from __future__ import annotations

from functions.shared.clock import UtcTimestamp
from functions.shared.contracts import (
    CaseRef,
    DetailType,
    EventDetail,
    EventSource,
    GroupId,
    IncidentTimerStep,
    TimerKind,
    TimerStart,
    TimerStepName,
    TimerStop,
    TimerToken,
)

# The steps each state machine waits for (infra/workflows/*.asl.json read them as $.wakeAt.<step>).
TIMER_STEPS: dict[TimerKind, tuple[TimerStepName, ...]] = {
    TimerKind.FOLLOW_UP: (TimerStepName.REMINDER_1, TimerStepName.REMINDER_2, TimerStepName.AUTO_CLOSE),
    TimerKind.RESPONSE_ESCALATION: (TimerStepName.ESCALATE_TO_OWNER, TimerStepName.ESCALATE_TO_MANAGER),
}
# The state machine of the alerts domain's timers, an incident's or a maintenance window's
# (infra/workflows/incident_timer.asl.json): one execution per timer, one step each. Not a case's TimerKind;
# StateMachines knows it by this name.
INCIDENT_TIMER = "incident-timer"


class CaseTimerStarted(CaseRef, TimerStart):
    pass


class CaseTimerStopped(CaseRef, TimerStop):
    pass


class IncidentTimerStarted(EventDetail):
    """MonitoringTimerStarted as this domain reads it: the incident or maintenance window (`group_id`), its
    timer's step, token and due time, and when the timer was set (the local stack's time scale counts from then)."""

    source = EventSource.ALERTS
    detail_type = DetailType.MONITORING_TIMER_STARTED

    group_id: GroupId
    account_id: str
    step: IncidentTimerStep
    token: TimerToken
    due_at: UtcTimestamp
    occurred_at: UtcTimestamp


class InvalidTimer(ValueError):
    """A timer event this domain cannot act on as sent (a step its state machine waits for is missing)."""


class TimerActionFailed(Exception):
    """Step Functions did not start or stop the execution (throttled, failed, or refused the call: permissions,
    a missing state machine); the record is retried by its queue, then dead-lettered for a human."""
