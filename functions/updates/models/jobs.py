"""The updates domain's scheduled jobs, as their EventBridge Scheduler schedules invoke them: a critical update's
one-time validation-due schedule (created when it is recorded), and two crons the stack declares (Patch Tuesday's
reminder, the weekly behind-GA check)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from functions.updates.models.windows_updates import Kb

# How EventBridge Scheduler retries invoking the job, for the stack's crons and the one-time schedules alike: a reminder
# later than 6 hours is better dead-lettered and looked at.
SCHEDULE_RETRY_ATTEMPTS = 8
SCHEDULE_MAX_EVENT_AGE_SECONDS = 6 * 3600


class _Job(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ValidationDue(_Job):
    job: Literal["validation-due"]
    kb: Kb


class PatchTuesday(_Job):
    job: Literal["patch-tuesday"]


class BehindGaCheck(_Job):
    job: Literal["behind-ga-check"]


class JobEvent(BaseModel):
    job: Annotated[ValidationDue | PatchTuesday | BehindGaCheck, Field(discriminator="job")]


def validation_due_input(kb: str) -> dict[str, str]:
    """The validation-due schedule's target input (what the job reads back)."""
    return {"job": "validation-due", "kb": kb}
