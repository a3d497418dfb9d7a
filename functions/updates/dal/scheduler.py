"""A critical Windows update's one-time validation-due schedule (EventBridge Scheduler): at its expected date, 00:00 US
Eastern, it invokes the updates job with `{"job": "validation-due", "kb": …}` and then deletes itself. Created before
the update's transaction commits, so a failed commit leaves at most a schedule whose firing finds nothing to do."""

from __future__ import annotations

import json
from datetime import date

from botocore.exceptions import BotoCoreError, ClientError

from functions.shared.business_time import SUPPORT_TIMEZONE
from functions.shared.dal.aws import client
from functions.shared.dal.errors import unavailable
from functions.updates.models.jobs import SCHEDULE_MAX_EVENT_AGE_SECONDS, SCHEDULE_RETRY_ATTEMPTS, validation_due_input

SCHEDULE_PREFIX = "validation-due-"
NOT_SCHEDULED = "The validation reminder could not be scheduled; nothing was recorded. Retry."


def schedule_name(kb: str) -> str:
    return f"{SCHEDULE_PREFIX}{kb}"


def at_expression(due_on: date) -> str:
    """Scheduler's one-time expression: a wall-clock time, read in the schedule's time zone."""
    return f"at({due_on.isoformat()}T00:00:00)"


class SchedulerValidationSchedules:
    def __init__(self, group: str, target_arn: str, role_arn: str, dead_letter_arn: str = ""):
        self.group, self.target_arn, self.role_arn = group, target_arn, role_arn
        self.dead_letter_arn = dead_letter_arn  # "" on the local stack, which runs the job in-process

    def ensure_validation_due(self, kb: str, due_on: date) -> None:
        schedule = {
            "Name": schedule_name(kb),
            "GroupName": self.group,
            "ScheduleExpression": at_expression(due_on),
            "ScheduleExpressionTimezone": SUPPORT_TIMEZONE,
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "ActionAfterCompletion": "DELETE",
            "Target": self._target(kb),
        }
        scheduler = client("scheduler")
        try:
            try:
                scheduler.create_schedule(**schedule)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "ConflictException":
                    raise
                # There already, from a request whose commit failed: this request's date is the one that counts.
                scheduler.update_schedule(**schedule)
        except (ClientError, BotoCoreError) as error:
            raise unavailable("EventBridge Scheduler", NOT_SCHEDULED) from error

    def _target(self, kb: str) -> dict[str, object]:
        """The job with the schedule's input, retried as the stack's crons are, then dead-lettered (its alarm calls a human)."""
        target: dict[str, object] = {
            "Arn": self.target_arn,
            "RoleArn": self.role_arn,
            "Input": json.dumps(validation_due_input(kb)),
            "RetryPolicy": {"MaximumRetryAttempts": SCHEDULE_RETRY_ATTEMPTS, "MaximumEventAgeInSeconds": SCHEDULE_MAX_EVENT_AGE_SECONDS},
        }
        if self.dead_letter_arn:
            target["DeadLetterConfig"] = {"Arn": self.dead_letter_arn}
        return target
