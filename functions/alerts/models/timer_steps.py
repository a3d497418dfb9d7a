"""The alerts domain's timers: what one holds, what the incident timer's state machine
(infra/workflows/incident_timer.asl.json) sends its step Lambda, and what that answers."""

from __future__ import annotations

from functions.shared.clock import UtcTimestamp
from functions.shared.contracts import GroupId, IncidentTimerStep, TimerToken
from functions.shared.models import ApiModel


class IncidentTimer(ApiModel):
    """A timer set on an incident or a maintenance window: its step acts only with this token."""

    token: str
    due_at: UtcTimestamp


class IncidentTimerRequest(ApiModel):
    account_id: str
    group_id: GroupId
    step: IncidentTimerStep
    token: TimerToken


class IncidentTimerResult(ApiModel):
    timer_current: bool
