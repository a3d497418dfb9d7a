"""The daily purge against moto: the real purge handler on the index the real cases API
maintains, the real cases queue consumer marking the case, and the calls a run makes counted."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto.s3.models import s3_backends

from bench.aws_calls import count_aws_calls  # imported at collection: before any client exists
from functions.shared.clock import to_iso, utc_now
from functions.shared.dal import aws as aws_module
from functions.shared.environment import reset_environment
from local.demo_directory import EXAMPLE_SUPPORT_CASE
from local.http_adapter import LambdaContext

SCHEDULED_EVENT = {
    "version": "0", "id": "7bf73129-1428-4cd3-a780-95db273d1602", "detail-type": "Scheduled Event",
    "source": "aws.events", "account": "123456789012", "time": "2026-11-26T03:00:00Z", "region": "us-east-1",
    "resources": ["arn:aws:events:us-east-1:123456789012:rule/dss-dev-daily-purge"], "detail": {},
}  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_settings():
    reset_environment()  # FILES_BUCKET comes with each test's provisioned stack
    yield
    reset_environment()


@pytest.fixture
def api_at(local_aws):
    """Sets the time the cases API sees (the purge keeps the real time)."""
    return local_aws.set_api_time


@pytest.fixture
def upload_dates():
    """Moves an upload's creation back in time (local/moto_patches.py makes moto report it, as S3 does)."""

    def backdate(bucket: str, upload_id: str, age: timedelta) -> None:
        account = boto3.client("sts").get_caller_identity()["Account"]
        s3_backends[account]["aws"].buckets[bucket].multiparts[upload_id].initiated = datetime.now(UTC) - age

    return backdate


def open_case(local_aws) -> str:
    created = local_aws.call("POST", "/cases", body=EXAMPLE_SUPPORT_CASE)
    assert created.status == 201, created
    return created.body["caseNumber"]


def closed_case(local_aws, api_at, days_ago: float) -> str:
    """A case opened and closed by its customer `days_ago` days ago."""
    api_at(utc_now() - timedelta(days=days_ago))
    number = open_case(local_aws)
    closed = local_aws.call("POST", f"/cases/{number}/close", body={"subStatus": "Resolved", "comment": "Works again."})
    assert closed.status == 200, closed
    return number


def put_files(local_aws, number: str, count: int) -> None:
    s3 = boto3.client("s3")
    for index in range(count):
        s3.put_object(Bucket=local_aws.resources.files_bucket, Key=f"cases/{number}/f{index:05d}/log-{index}.txt", Body=b"log line\n")


def stored_keys(local_aws, number: str) -> list[str]:
    pages = boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=local_aws.resources.files_bucket, Prefix=f"cases/{number}/")
    return [listed["Key"] for page in pages for listed in page.get("Contents", [])]


def run_purge() -> dict:
    from functions.purge.handlers.handle_daily_purge import lambda_handler

    return lambda_handler(SCHEDULED_EVENT, LambdaContext("purge", timeout_seconds=900))


def purge_events(local_aws) -> list[dict]:
    return [event for event in local_aws.published_events() if event["detail-type"] == "CaseFilesPurged"]


def test_files_go_31_days_after_closure_and_stay_at_29(local_aws, api_at):
    due, kept = closed_case(local_aws, api_at, 31), closed_case(local_aws, api_at, 29)
    api_at(utc_now())
    still_open = open_case(local_aws)
    for number in (due, kept, still_open):
        put_files(local_aws, number, 3)
    closed_at = local_aws.call("GET", f"/cases/{due}").body["closedAt"]
    local_aws.published_events()  # what the API announced so far

    summary = run_purge()

    assert summary == {"casesPurged": 1, "objectsDeleted": 3, "uploadsAborted": 0, "casesFailed": [], "finished": True}
    assert (stored_keys(local_aws, due), len(stored_keys(local_aws, kept)), len(stored_keys(local_aws, still_open))) == ([], 3, 3)
    (event,) = purge_events(local_aws)
    detail = event["detail"]
    assert (event["source"], detail["caseNumber"], detail["accountId"], detail["closedAt"]) == ("dss.purge", due, "acme", closed_at)
    assert (detail["objectsDeleted"], detail["eventKey"]) == (3, f"{due}#{closed_at}#CaseFilesPurged")

    assert local_aws.run_case_events() == {"batchItemFailures": []}
    marked = local_aws.call("GET", f"/cases/{due}").body
    assert (marked["status"], marked["filesPurgedAt"]) == ("Closed", detail["purgedAt"])
    assert local_aws.call("GET", f"/cases/{kept}").body["filesPurgedAt"] is None
    history = local_aws.call("GET", f"/cases/{due}/history").body["items"]
    assert [(entry["action"], entry["actor"]["role"]) for entry in history][-1] == ("files-purged", "automation")
    assert [change["field"] for change in history[-1]["changes"]] == ["filesPurgedAt"]

    # Marked, the case has left the index: the next run finds nothing due.
    with count_aws_calls() as calls:
        assert run_purge()["casesPurged"] == 0
    assert calls[("DynamoDB", "Query")] == 1 and ("S3", "DeleteObjects") not in calls and ("EventBridge", "PutEvents") not in calls
    assert purge_events(local_aws) == []


def test_a_rerun_before_the_mark_deletes_nothing_and_the_mark_is_made_once(local_aws, api_at):
    number = closed_case(local_aws, api_at, 40)
    put_files(local_aws, number, 2)

    first, second = run_purge(), run_purge()  # the second before the cases domain marked the case

    assert (first["casesPurged"], first["objectsDeleted"], second["casesPurged"], second["objectsDeleted"]) == (1, 2, 1, 0)
    events = purge_events(local_aws)
    # The rerun writes the same outbox item (same key): the bus gets the announcement once, and the mark once.
    assert len(events) == 1 and events[0]["detail"]["eventKey"].endswith("#CaseFilesPurged")
    assert local_aws.run_case_events() == {"batchItemFailures": []}
    history = local_aws.call("GET", f"/cases/{number}/history").body["items"]
    assert [entry["action"] for entry in history].count("files-purged") == 1
    assert run_purge()["casesPurged"] == 0


def test_reopening_within_30_days_cancels_the_purge(local_aws, api_at):
    number = closed_case(local_aws, api_at, 45)
    put_files(local_aws, number, 2)
    api_at(utc_now() - timedelta(days=20))  # 25 days after the closure
    reopened = local_aws.call("POST", f"/cases/{number}/reopen", body={"information": "The error is back; new logs attached."})
    assert reopened.status == 200, reopened
    api_at(utc_now() - timedelta(days=10))  # closed again, 10 days ago: due in 20 days
    assert local_aws.call("POST", f"/cases/{number}/close", body={"subStatus": "Resolved", "comment": "Fixed."}).status == 200

    assert run_purge()["casesPurged"] == 0
    assert len(stored_keys(local_aws, number)) == 2


def test_a_purge_of_an_earlier_closure_does_not_mark_the_case(local_aws, api_at):
    number = closed_case(local_aws, api_at, 5)
    closed_at = local_aws.call("GET", f"/cases/{number}").body["closedAt"]
    purged = {"caseNumber": number, "accountId": "acme", "closedAt": closed_at, "purgedAt": to_iso(utc_now()), "objectsDeleted": 0}
    entry = {"EventBusName": local_aws.resources.event_bus_name, "Source": "dss.purge", "DetailType": "CaseFilesPurged"}
    for different in (
        {"closedAt": to_iso(utc_now() - timedelta(days=40))},  # an earlier closure: reopened and closed again since
        {"caseNumber": "0999999999"},  # no such case
    ):
        boto3.client("events").put_events(Entries=[{**entry, "Detail": json.dumps({**purged, **different})}])

    assert local_aws.run_case_events() == {"batchItemFailures": []}
    case = local_aws.call("GET", f"/cases/{number}").body
    assert (case["filesPurgedAt"], case["version"]) == (None, 2)


def test_a_run_reads_the_due_cases_only(local_aws, api_at, monkeypatch):
    monkeypatch.setenv("DSS_CHANGES_PER_MINUTE", "1000")  # 53 cases opened and closed by one contact at once
    """Items read grow with what is due, not with the number of cases: 50 recent closures, 3 due."""
    due = [closed_case(local_aws, api_at, 31 + days) for days in range(3)]
    for _ in range(50):
        closed_case(local_aws, api_at, 1)
    scanned = []
    aws_module.client("dynamodb").meta.events.register(
        "after-call.dynamodb.Query", lambda parsed, **_: scanned.append((parsed["Count"], parsed["ScannedCount"]))
    )
    local_aws.published_events()

    with count_aws_calls() as calls:
        summary = run_purge()

    assert summary["casesPurged"] == 3 and scanned == [(3, 3)]
    assert calls == Counter(
        {
            ("DynamoDB", "Query"): 1,
            ("S3", "ListObjectsV2"): 3,  # one page each, empty: nothing to delete
            ("DynamoDB", "BatchWriteItem"): 1,  # the three announcements, in the outbox in one write
            ("S3", "ListMultipartUploads"): 1,
        }
    )
    assert sorted(event["detail"]["caseNumber"] for event in purge_events(local_aws)) == due


def test_the_due_cases_are_read_one_query_per_page(local_aws, api_at, monkeypatch):
    monkeypatch.setattr("functions.purge.dal.purge_index.PAGE_SIZE", 2)
    due = [closed_case(local_aws, api_at, 31 + days) for days in range(3)]
    scanned = []
    aws_module.client("dynamodb").meta.events.register("after-call.dynamodb.Query", lambda parsed, **_: scanned.append(parsed["Count"]))

    with count_aws_calls() as calls:
        summary = run_purge()

    assert (summary["casesPurged"], scanned, calls[("DynamoDB", "Query")]) == (3, [2, 1], 2)
    assert sorted(event["detail"]["caseNumber"] for event in purge_events(local_aws)) == due


def test_more_than_1000_objects_are_deleted_1000_at_a_time(local_aws, api_at):
    number = closed_case(local_aws, api_at, 31)
    put_files(local_aws, number, 1005)

    with count_aws_calls() as calls:
        summary = run_purge()

    assert (summary["casesPurged"], summary["objectsDeleted"], stored_keys(local_aws, number)) == (1, 1005, [])
    assert (calls[("S3", "ListObjectsV2")], calls[("S3", "DeleteObjects")]) == (2, 2)


def test_stale_upload_sessions_are_aborted_and_fresh_ones_kept(local_aws, api_at, upload_dates):
    s3, bucket = boto3.client("s3"), local_aws.resources.files_bucket
    number = open_case(local_aws)
    stale = s3.create_multipart_upload(Bucket=bucket, Key=f"cases/{number}/u-stale/big.log")["UploadId"]
    fresh = s3.create_multipart_upload(Bucket=bucket, Key=f"cases/{number}/u-fresh/big.log")["UploadId"]
    s3.upload_part(Bucket=bucket, Key=f"cases/{number}/u-stale/big.log", UploadId=stale, PartNumber=1, Body=b"x" * 1024)
    upload_dates(bucket, stale, timedelta(days=8))
    week_old = s3.create_multipart_upload(Bucket=bucket, Key=f"cases/{number}/u-week/big.log")["UploadId"]
    upload_dates(bucket, week_old, timedelta(days=7) - timedelta(minutes=5))

    summary = run_purge()

    assert (summary["uploadsAborted"], summary["casesPurged"]) == (1, 0)
    remaining = {upload["UploadId"] for upload in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])}
    assert remaining == {fresh, week_old}
