"""The updates domain's scheduled jobs, as their EventBridge Scheduler schedules invoke them: a critical update's
one-time validation-due schedule (created when it is recorded), and two crons the stack declares (Patch Tuesday's
reminder, the weekly behind-GA check)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from functions.updates.models.windows_updates import Kb


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
