"""The local stack's EventBridge Scheduler (local/event_sources.py AtSchedules) against moto: a one-time schedule of the
updates domain's group whose instant has passed invokes its target's real handler in-process with its Input and is
then deleted (ActionAfterCompletion DELETE); one still ahead stays; one kept after completion fires once."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3
import pytest

from local import lambda_runtime
from local.clock import DeskClock
from local.event_sources import AtSchedules

INVOKED: list[dict] = []
FUNCTION = "dss-local-recording-target"


def record(event: dict, _context: object) -> dict:
    INVOKED.append(event)
    return {"recorded": True}


@pytest.fixture
def schedules(local_aws):
    INVOKED.clear()
    lambda_runtime.register(FUNCTION, f"{__name__}.record")
    scheduler, group = boto3.client("scheduler"), local_aws.resources.updates_schedule_group

    def create(name: str, at: str, job_input: dict, *, after: str = "DELETE", zone: str | None = "America/New_York") -> None:
        arn, role = f"arn:aws:lambda:us-east-1:123456789012:function:{FUNCTION}", local_aws.resources.updates_schedule_role_arn
        target = {"Arn": arn, "RoleArn": role}
        scheduler.create_schedule(
            Name=name, GroupName=group, ScheduleExpression=f"at({at})", FlexibleTimeWindow={"Mode": "OFF"},
            ActionAfterCompletion=after, Target={**target, "Input": json.dumps(job_input)},
            **({"ScheduleExpressionTimezone": zone} if zone else {}),
        )  # fmt: skip

    def names() -> dict[str, str]:
        return {entry["Name"]: entry["State"] for entry in scheduler.list_schedules(GroupName=group)["Schedules"]}

    return create, names, AtSchedules(group, clock=DeskClock())


def test_a_due_schedule_runs_its_target_with_its_input_then_is_deleted(schedules):
    create, names, poller = schedules
    create("validation-due-KB1", "2026-03-10T00:00:00", {"job": "validation-due", "kb": "KB1"})  # 04:00 UTC
    create("validation-due-KB2", "2026-03-11T00:00:00", {"job": "validation-due", "kb": "KB2"})
    assert poller.fire_due(datetime(2026, 3, 10, 3, 59, tzinfo=UTC)) == []
    assert INVOKED == []
    assert poller.fire_due(datetime(2026, 3, 10, 4, 0, tzinfo=UTC)) == ["validation-due-KB1"]
    assert INVOKED == [{"job": "validation-due", "kb": "KB1"}]
    assert names() == {"validation-due-KB2": "ENABLED"}
    assert poller.fire_due(datetime(2026, 3, 12, tzinfo=UTC)) == ["validation-due-KB2"]
    assert INVOKED[-1] == {"job": "validation-due", "kb": "KB2"} and names() == {}


def test_several_due_fire_soonest_first_and_a_kept_one_fires_once(schedules):
    create, names, poller = schedules
    create("later", "2026-03-10T12:00:00", {"n": "2"}, zone=None)  # UTC
    create("sooner", "2026-03-10T00:00:00", {"n": "1"}, after="NONE")  # 04:00 UTC, kept after it fires
    assert poller.fire_due(datetime(2026, 3, 11, tzinfo=UTC)) == ["sooner", "later"]
    assert INVOKED == [{"n": "1"}, {"n": "2"}]
    assert names() == {"sooner": "DISABLED"}
    assert poller.fire_due(datetime(2026, 3, 12, tzinfo=UTC)) == []


def test_a_failing_target_still_completes_its_schedule(schedules, monkeypatch, caplog):
    create, names, poller = schedules

    def fail(_event: dict, _context: object) -> dict:
        raise RuntimeError("the job failed")

    monkeypatch.setattr(f"{__name__}.record", fail)
    create("validation-due-KB3", "2026-03-10T00:00:00", {"job": "validation-due", "kb": "KB3"})
    assert poller.fire_due(datetime(2026, 3, 11, tzinfo=UTC)) == ["validation-due-KB3"]
    assert names() == {} and "the job failed" in caplog.text  # Lambda's async invoke: its on-failure destination has it


def test_the_provisioned_group_and_job_are_what_the_updates_api_is_told(local_aws):
    import os

    resources = local_aws.resources
    assert os.environ["VALIDATION_SCHEDULE_GROUP"] == resources.updates_schedule_group == "dss-local-updates"
    assert boto3.client("scheduler").get_schedule_group(Name=resources.updates_schedule_group)["State"] == "ACTIVE"
    assert os.environ["VALIDATION_SCHEDULE_TARGET_ARN"] == resources.update_job_arn
    assert resources.update_job_arn.endswith(":function:dss-local-update-job")
    assert os.environ["VALIDATION_SCHEDULE_ROLE_ARN"] == resources.updates_schedule_role_arn
    assert os.environ["TESTING_DEPARTMENT_EMAIL"] == "testing@support.example"
    assert lambda_runtime.handler_for("dss-local-update-job").__module__ == "functions.updates.handlers.handle_update_schedule"
