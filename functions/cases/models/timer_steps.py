"""What a timer's state machine sends to the step Lambda (infra/workflows/*.asl.json) and gets back."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from functions.cases.models.case import ApiModel

TimerStepName = Literal["reminder1", "reminder2", "autoClose", "escalateToOwner", "escalateToManager"]


class TimerStepRequest(ApiModel):
    case_number: str = Field(pattern=r"^\d{10}$")
    token: str = Field(min_length=1, max_length=64)
    step: TimerStepName


class TimerStepResult(ApiModel):
    acted: bool = Field(description="False when the case no longer holds the token: the state machine then ends.")
