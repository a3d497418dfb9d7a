"""The cases domain's timer events as this domain reads them: the EventBridge envelope (the SQS message
body the rule delivers) and the details of CaseTimerStarted and CaseTimerStopped. The details carry many
more case fields; only the timer's are read here."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from functions.followups.models.delivery import FOLLOW_UP_TIMER, RESPONSE_ESCALATION_TIMER

CASE_NUMBER_PATTERN = r"^\d{10}$"
TOKEN_PATTERN = r"^[0-9a-fA-F]{32}$"  # with the case number, it names the execution (letters, digits, '-'; at most 80)

# The steps each state machine waits for (infra/workflows/*.asl.json read them as $.wakeAt.<step>).
TIMER_STEPS: dict[str, tuple[str, ...]] = {
    FOLLOW_UP_TIMER: ("reminder1", "reminder2", "autoClose"),
    RESPONSE_ESCALATION_TIMER: ("escalateToOwner", "escalateToManager"),
}


class _Detail(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True, extra="ignore")


class TimerStep(_Detail):
    step: str = Field(min_length=1)
    due_at: AwareDatetime


class CaseTimerStarted(_Detail):
    case_number: str = Field(pattern=CASE_NUMBER_PATTERN)
    timer: str  # not a closed set here: a kind this domain does not know is skipped, not retried
    token: str = Field(pattern=TOKEN_PATTERN)
    started_at: AwareDatetime
    steps: list[TimerStep] = Field(min_length=1)


class CaseTimerStopped(_Detail):
    case_number: str = Field(pattern=CASE_NUMBER_PATTERN)
    timer: str
    token: str = Field(pattern=TOKEN_PATTERN)
    reason: str | None = None



class InvalidTimer(ValueError):
    """A timer event this domain cannot act on as sent (a step its state machine waits for is missing)."""


class TimerActionFailed(Exception):
    """Step Functions did not start or stop the execution (throttled, failed, or refused the call: permissions,
    a missing state machine); the record is retried by its queue, then dead-lettered for a human."""
