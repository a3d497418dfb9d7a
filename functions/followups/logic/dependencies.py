"""Builds the followups domain's collaborators from the environment, once per container."""

from __future__ import annotations

from functools import lru_cache

from functions.followups.dal.state_machines import StateMachines
from functions.followups.models.delivery import FOLLOW_UP_TIMER, RESPONSE_ESCALATION_TIMER
from functions.shared.settings import followup_settings


@lru_cache(maxsize=1)
def state_machines() -> StateMachines:
    settings = followup_settings()
    return StateMachines(
        {
            FOLLOW_UP_TIMER: settings.follow_up_state_machine_arn,
            RESPONSE_ESCALATION_TIMER: settings.response_escalation_state_machine_arn,
        }
    )


def time_scale() -> float:
    return followup_settings().dss_timer_time_scale
