"""What a timer's state machine sends to the step Lambda (infra/workflows/*.asl.json) and gets back."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from functions.shared.contracts import TimerStepName
from functions.shared.models import ApiModel


class TimerStepRequest(ApiModel):
    case_number: str = Field(pattern=r"^\d{10}$")
    token: str = Field(min_length=1, max_length=64)
    step: TimerStepName


class StepOutcome(StrEnum):
    ACTED = "acted"  # the step did what it does, now
    REPEATED = "repeated"  # done already (the task retried): its change announced again
    TIMER_GONE = "timer gone"  # the case no longer holds the token (or the case is gone)


class TimerStepResult(ApiModel):
    timer_current: bool = Field(
        description="Whether the case still holds the timer, so its execution goes on; false once the timer was stopped "
        "or replaced (the customer answered, support asked again, the case closed or became 1-Prod Down, support "
        "responded or the response target moved): the state machine then ends."
    )
