"""The followups domain's container: its collaborators, built from the environment on first use and kept
for the execution environment's life (docs/architecture.md, "How to add a domain")."""

from __future__ import annotations

from functools import cached_property

from functions.followups.dal.state_machines import StateMachines
from functions.followups.models.timer_events import INCIDENT_TIMER
from functions.shared.contracts import TimerKind
from functions.shared.environment import per_environment
from functions.shared.settings import followup_settings


class FollowupsDependencies:
    @cached_property
    def state_machines(self) -> StateMachines:
        settings = followup_settings()
        return StateMachines(
            {
                TimerKind.FOLLOW_UP: settings.follow_up_state_machine_arn,
                TimerKind.RESPONSE_ESCALATION: settings.response_escalation_state_machine_arn,
                INCIDENT_TIMER: settings.incident_timer_state_machine_arn,
            }
        )

    @property
    def time_scale(self) -> float:
        return followup_settings().dss_timer_time_scale


@per_environment
def dependencies() -> FollowupsDependencies:
    return FollowupsDependencies()
