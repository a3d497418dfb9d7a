"""What the incident timer's state machine (infra/workflows/incident_timer.asl.json) sends its step Lambda,
and what that answers."""

from __future__ import annotations

from functions.shared.contracts import GroupId, IncidentTimerStep, TimerToken
from functions.shared.models import ApiModel


class IncidentTimerRequest(ApiModel):
    account_id: str
    group_id: GroupId
    step: IncidentTimerStep
    token: TimerToken


class IncidentTimerResult(ApiModel):
    timer_current: bool
