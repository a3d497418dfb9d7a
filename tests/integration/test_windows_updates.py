"""The Testing Department's Windows-update catalog through the real updates API under moto: recording (with a critical
update's one-time validation-due schedule in EventBridge Scheduler, created before the commit), validating and
rejecting, the listing a Query a page, who may do what, and the read-only view the cases domain decides with."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import boto3
import pytest
from botocore.exceptions import ClientError

from bench.aws_calls import count_aws_calls
from functions.shared.auth import GROUPS_CLAIM
from functions.shared.clock import FixedClock
from functions.shared.dal.platform_view import WindowsUpdateViewItem, windows_update_key
from functions.shared.update_rules import KbStatus, WindowsUpdate
from functions.updates.dal import scheduler as scheduler_module
from functions.updates.logic.dependencies import dependencies

NOW = datetime(2026, 12, 8, 20, 0, tzinfo=UTC)  # Patch Tuesday, 15:00 US Eastern
PATH = "/maintenance/windows-updates"
TESTING = {"sub": "u-tess", "email": "tess@testing.example", GROUPS_CLAIM: "testing-department"}
CRITICAL = {
    "kb": "KB5034441",
    "title": "2026-12 Cumulative Update for Windows Server 2022",
    "classification": "Security",
    "msrcSeverity": "Critical",
    "products": ["Windows Server 2022"],
    "releasedOn": "2026-12-08",
}
ROUTINE = {"kb": "KB890830", "title": "Windows Malicious Software Removal Tool", "classification": "Tool", "releasedOn": "2026-11-10"}


@pytest.fixture
def updates(local_aws):
    environment = local_aws.updates_settings()
    dependencies().clock = FixedClock(NOW)
    return environment


def as_testing(local_aws, method: str, path: str, **kwargs):
    return local_aws.call(method, path, api="updates", claims=TESTING, **kwargs)


def record(local_aws, body: dict, **kwargs):
    return as_testing(local_aws, "POST", PATH, body=body, **kwargs)


def updates_events(local_aws) -> list[dict]:
    return [event for event in local_aws.published_events() if event["source"] == "dss.updates"]


def refused(result, status: int, error: str | None = None) -> bool:
    body = result.body
    return result.status == status and isinstance(body, dict) and bool(body.get("message")) and body["error"] == (error or body["error"])


def test_a_critical_update_is_recorded_pending_with_its_validation_due_schedule(local_aws, updates):
    created = record(local_aws, CRITICAL)

    assert created.status == 201, created
    assert created.body["status"] == "pending-validation" and created.body["expectedOn"] == "2026-12-15"
    assert created.body["critical"] is True and created.body["recordedBy"]["role"] == "testing-department"
    assert created.headers["etag"] == '"1"' and created.headers["location"] == f"{PATH}/KB5034441"
    schedule = boto3.client("scheduler").get_schedule(Name="validation-due-KB5034441", GroupName=updates["VALIDATION_SCHEDULE_GROUP"])
    assert schedule["ScheduleExpression"] == "at(2026-12-15T00:00:00)"
    assert schedule["ScheduleExpressionTimezone"] == "America/New_York"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"} and schedule["ActionAfterCompletion"] == "DELETE"
    assert schedule["Target"]["Arn"] == updates["VALIDATION_SCHEDULE_TARGET_ARN"]
    assert schedule["Target"]["RoleArn"] == updates["VALIDATION_SCHEDULE_ROLE_ARN"]
    assert json.loads(schedule["Target"]["Input"]) == {"job": "validation-due", "kb": "KB5034441"}
    assert schedule["Target"]["RetryPolicy"] == {"MaximumRetryAttempts": 8, "MaximumEventAgeInSeconds": 21600}
    [event] = updates_events(local_aws)
    assert event["detail-type"] == "WindowsUpdateRecorded"
    assert event["detail"]["kb"] == "KB5034441" and event["detail"]["severity"] == "Critical"


def test_a_routine_update_gets_no_schedule(local_aws, updates):
    assert record(local_aws, ROUTINE).status == 201
    listed = boto3.client("scheduler").list_schedules(GroupName=updates["VALIDATION_SCHEDULE_GROUP"])["Schedules"]
    assert listed == []


def test_a_scheduler_failure_records_nothing(local_aws, updates, monkeypatch):
    class Throttled:
        def create_schedule(self, **_):
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "injected"}}, "CreateSchedule")

    monkeypatch.setattr(scheduler_module, "client", lambda service: Throttled())

    failed = record(local_aws, CRITICAL)

    assert refused(failed, 503, "service_unavailable") and "Retry" in failed.body["message"]
    assert local_aws.call("GET", f"{PATH}/KB5034441", api="updates", user="engineer").status == 404
    assert updates_events(local_aws) == []


def test_a_schedule_left_by_a_failed_commit_takes_the_retrys_date(local_aws, updates):
    group = updates["VALIDATION_SCHEDULE_GROUP"]
    scheduler = boto3.client("scheduler")
    target = {"Arn": updates["VALIDATION_SCHEDULE_TARGET_ARN"], "RoleArn": updates["VALIDATION_SCHEDULE_ROLE_ARN"]}
    scheduler.create_schedule(Name="validation-due-KB5034441", GroupName=group, ScheduleExpression="at(2026-12-08T00:00:00)",
                              FlexibleTimeWindow={"Mode": "OFF"}, Target=target)  # fmt: skip
    assert record(local_aws, CRITICAL).status == 201
    schedule = scheduler.get_schedule(Name="validation-due-KB5034441", GroupName=group)
    assert schedule["ScheduleExpression"] == "at(2026-12-15T00:00:00)"


def test_a_release_date_out_of_range_is_refused(local_aws, updates):
    far = record(local_aws, {**CRITICAL, "releasedOn": "9999-12-30"})
    assert refused(far, 422, "validation_error") and far.body["field"] == "releasedOn"


def test_a_duplicate_is_harmless_and_a_repeated_key_replays(local_aws, updates):
    key = {"Idempotency-Key": "record-kb5034441"}
    first = record(local_aws, CRITICAL, headers=key)
    replay = record(local_aws, CRITICAL, headers=key)
    duplicate = record(local_aws, {**CRITICAL, "title": "Another title"})

    assert first.status == 201 and replay.status == 201 and replay.headers.get("idempotent-replayed") == "true"
    assert replay.body == first.body
    assert refused(duplicate, 409, "kb_exists") and "pending-validation" in duplicate.body["message"]
    assert [event["detail-type"] for event in updates_events(local_aws)] == ["WindowsUpdateRecorded"]


def test_only_the_testing_department_records_and_decides(local_aws, updates):
    assert refused(local_aws.call("POST", PATH, api="updates", user="manager", body=CRITICAL), 403, "testing_department_required")
    assert refused(local_aws.call("POST", PATH, api="updates", user="customer", body=CRITICAL), 403, "testing_department_required")
    assert record(local_aws, CRITICAL).status == 201
    for user in ("engineer", "customer"):
        decided = local_aws.call("POST", f"{PATH}/KB5034441/validate", api="updates", user=user, body={})
        assert refused(decided, 403, "testing_department_required"), decided
    assert refused(record(local_aws, {**CRITICAL, "kb": "KB12"}), 422)
    assert refused(record(local_aws, {**CRITICAL, "classification": "Urgent"}), 422)
    assert refused(as_testing(local_aws, "POST", f"{PATH}/KB5034441/reject", body={}), 422)
    assert refused(as_testing(local_aws, "POST", f"{PATH}/KB9999999/validate", body={}), 404)


def test_validation_and_rejection_happen_once_from_pending(local_aws, updates):
    record(local_aws, CRITICAL)
    record(local_aws, ROUTINE)

    stale = as_testing(local_aws, "POST", f"{PATH}/KB5034441/validate", body={}, headers={"If-Match": '"7"'})
    validated = as_testing(
        local_aws, "POST", f"{PATH}/KB5034441/validate", body={"comment": "Passed the lab."}, headers={"If-Match": '"1"'}
    )
    again = as_testing(local_aws, "POST", f"{PATH}/KB5034441/reject", body={"reason": "Too late."})
    rejected = as_testing(local_aws, "POST", f"{PATH}/KB890830/reject", body={"reason": "Breaks the dialer's driver."})

    assert refused(stale, 412)
    assert validated.status == 200 and validated.body["status"] == "validated" and validated.headers["etag"] == '"2"'
    assert validated.body["decidedBy"]["userId"] == "u-tess" and validated.body["comment"] == "Passed the lab."
    assert refused(again, 409, "not_pending_validation") and "validated" in again.body["message"]
    assert rejected.status == 200 and rejected.body["rejectionReason"] == "Breaks the dialer's driver."
    kinds = [event["detail-type"] for event in updates_events(local_aws)]
    assert kinds == ["WindowsUpdateRecorded", "WindowsUpdateRecorded", "WindowsUpdateValidated", "WindowsUpdateRejected"]
    # What the cases domain reads of them (functions/shared/dal/platform_view.py)
    assert WindowsUpdateViewItem.get(*windows_update_key("KB5034441")).decided() == WindowsUpdate(
        kb="KB5034441",
        title=CRITICAL["title"],
        classification="Security",
        released_on=date(2026, 12, 8),
        status=KbStatus.VALIDATED,
        expected_on=date(2026, 12, 15),
    )
    view = WindowsUpdateViewItem.get(*windows_update_key("KB890830")).decided()
    assert view.status is KbStatus.REJECTED and view.rejection_reason == "Breaks the dialer's driver."


def test_everyone_signed_in_lists_the_catalog_newest_release_first_a_query_a_page(local_aws, updates):
    for number, released in (("KB5000001", "2026-10-13"), ("KB5000002", "2026-12-08"), ("KB5000003", "2026-11-10")):
        assert record(local_aws, {**ROUTINE, "kb": number, "releasedOn": released}).status == 201
    as_testing(local_aws, "POST", f"{PATH}/KB5000003/validate", body={})

    everything = local_aws.call("GET", PATH, api="updates", user="customer")
    with count_aws_calls() as calls:
        validated = local_aws.call("GET", PATH, api="updates", user="engineer", query={"status": "validated"})
    first = as_testing(local_aws, "GET", PATH, query={"limit": "2"})
    second = as_testing(local_aws, "GET", PATH, query={"limit": "2", "nextToken": first.body["nextToken"]})
    stolen = local_aws.call("GET", PATH, api="updates", user="customer", query={"limit": "2", "nextToken": first.body["nextToken"]})

    assert [item["kb"] for item in everything.body["items"]] == ["KB5000002", "KB5000003", "KB5000001"]
    assert [item["kb"] for item in validated.body["items"]] == ["KB5000003"] and validated.body["nextToken"] is None
    assert calls[("DynamoDB", "Query")] == 1 and ("DynamoDB", "Scan") not in calls
    assert [item["kb"] for item in first.body["items"] + second.body["items"]] == ["KB5000002", "KB5000003", "KB5000001"]
    assert second.body["nextToken"] is None
    assert refused(stolen, 400, "invalid_next_token")
    assert local_aws.call("GET", f"{PATH}/KB5000003", api="updates", user="customer").body["status"] == "validated"
    assert refused(local_aws.call("GET", PATH, api="updates", user="customer", query={"status": "approved"}), 422)


def test_a_testing_department_user_is_refused_everywhere_else(local_aws, updates):
    for method, path, api in (
        ("GET", "/accounts/acme/platform", "updates"),
        ("GET", "/maintenance/gateway-catalog", "updates"),
        ("GET", "/maintenance/gateway-catalog/audiocodes", "updates"),
        ("GET", "/cases", "cases"),
    ):
        answer = local_aws.call(method, path, api=api, claims=TESTING)
        assert refused(answer, 403, "testing_department_only"), (path, answer)
