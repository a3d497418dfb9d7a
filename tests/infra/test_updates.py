"""Platform updates (infra/components/updates.py): the two crons in America/New_York with their input, the schedule group
the API's one-time validation-due schedules go to, the role EventBridge Scheduler invokes the job with, the dead-letter
queue and its alarm, and each role's grants, exactly."""

from __future__ import annotations

import json

import pytest

from infra.components.updates import API_HANDLER, JOB_HANDLER

from .synth import role_statements, statement_triples

pytestmark = pytest.mark.slow

LEADING_KEYS = "dynamodb:LeadingKeys"
OWN_ITEMS = ["WINDOWSUPDATE#*", "GATEWAYCATALOG#*", "PLATFORM#*"]
LISTINGS = ["WINDOWSUPDATES", "GATEWAYCATALOGS", "PLATFORMS"]


def _arn(logical_id: str) -> dict:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def _function(synth, handler: str) -> tuple[str, dict]:
    (found,) = [
        (key, value["Properties"])
        for key, value in synth.resources("AWS::Lambda::Function").items()
        if value["Properties"]["Handler"] == handler
    ]
    return found


def _on_keys(table_arn: dict, action: str, keys: list[str]) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": table_arn, "Condition": {"ForAllValues:StringLike": {LEADING_KEYS: keys}}}


def _basics(function: dict) -> list[dict]:
    return [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": _arn(function["LoggingConfig"]["LogGroup"]["Ref"]),
        },
        {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"},
    ]


def test_the_schedule_group_is_the_stages_and_kept_in_production(dev, prod):
    for synth, policy in ((dev, "Delete"), (prod, "Retain")):
        _, group = synth.only("AWS::Scheduler::ScheduleGroup")
        assert group["Properties"]["Name"] == f"dss-{synth.config.name}-updates"
        assert group["DeletionPolicy"] == group["UpdateReplacePolicy"] == policy


def test_the_two_crons_invoke_the_job_with_their_input_in_eastern_time(dev):
    job_id, _ = _function(dev, JOB_HANDLER)
    role_id, _ = dev.one("AWS::IAM::Role", "UpdatesScheduleRole")
    queue_id, _ = dev.one("AWS::SQS::Queue", "Updates")
    schedules = {key: value["Properties"] for key, value in dev.resources("AWS::Scheduler::Schedule").items() if key.startswith("Updates")}
    expressions = {(schedule["ScheduleExpression"], schedule["Target"]["Input"]): schedule for schedule in schedules.values()}
    assert set(expressions) == {
        ("cron(0 15 ? * TUE#2 *)", json.dumps({"job": "patch-tuesday"}, separators=(",", ":"))),
        ("cron(0 8 ? * MON *)", json.dumps({"job": "behind-ga-check"}, separators=(",", ":"))),
    }
    for schedule in expressions.values():
        assert schedule["ScheduleExpressionTimezone"] == "America/New_York"
        assert schedule["GroupName"] == "dss-dev-updates"
        assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
        assert schedule["State"] == "ENABLED"
        target = schedule["Target"]
        assert target["Arn"] == _arn(job_id) and target["RoleArn"] == _arn(role_id)
        assert target["DeadLetterConfig"] == {"Arn": _arn(queue_id)}
        assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 6 * 3600, "MaximumRetryAttempts": 8}


def test_the_job_retries_twice_then_dead_letters_and_the_queue_has_an_alarm(dev):
    job_id, job = _function(dev, JOB_HANDLER)
    queue_id, _ = dev.one("AWS::SQS::Queue", "Updates")
    (config,) = [
        value["Properties"]
        for value in dev.resources("AWS::Lambda::EventInvokeConfig").values()
        if value["Properties"]["FunctionName"] == {"Ref": job_id}
    ]
    assert config["MaximumRetryAttempts"] == 2
    assert config["DestinationConfig"] == {"OnFailure": {"Destination": _arn(queue_id)}}
    assert job["Timeout"] == 300
    alarms = [
        alarm["Properties"]
        for alarm in dev.resources("AWS::CloudWatch::Alarm").values()
        if alarm["Properties"].get("Namespace") == "AWS/SQS"
        and alarm["Properties"]["Dimensions"][0]["Value"] == {"Fn::GetAtt": [queue_id, "QueueName"]}
    ]
    assert len(alarms) == 1 and alarms[0]["Threshold"] == 1


def test_the_schedule_role_may_invoke_only_the_job_for_this_accounts_group(dev):
    role_id, role = dev.one("AWS::IAM::Role", "UpdatesScheduleRole")
    group_id, _ = dev.only("AWS::Scheduler::ScheduleGroup")
    job_id, _ = _function(dev, JOB_HANDLER)
    queue_id, _ = dev.one("AWS::SQS::Queue", "Updates")
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}, "ArnEquals": {"aws:SourceArn": _arn(group_id)}},
            "Effect": "Allow",
            "Principal": {"Service": "scheduler.amazonaws.com"},
        }
    ]
    expected = [
        {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [_arn(job_id), {"Fn::Join": ["", [_arn(job_id), ":*"]]}]},
        {"Effect": "Allow", "Action": ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"], "Resource": _arn(queue_id)},
    ]
    assert statement_triples(role_statements(dev, role_id)) == statement_triples(expected)


def test_the_api_is_told_where_validation_schedules_go_and_may_create_only_those(dev):
    group_id, _ = dev.only("AWS::Scheduler::ScheduleGroup")
    api_id, api = _function(dev, API_HANDLER)
    job_id, _ = _function(dev, JOB_HANDLER)
    schedule_role_id, _ = dev.one("AWS::IAM::Role", "UpdatesScheduleRole")
    table_id, _ = dev.only("AWS::DynamoDB::Table")
    variables = api["Environment"]["Variables"]
    assert variables["VALIDATION_SCHEDULE_GROUP"] == "dss-dev-updates"
    assert variables["VALIDATION_SCHEDULE_TARGET_ARN"] == _arn(job_id)
    assert variables["VALIDATION_SCHEDULE_ROLE_ARN"] == _arn(schedule_role_id)
    dead_letter_id, _ = dev.one("AWS::SQS::Queue", "Updates")
    assert variables["VALIDATION_SCHEDULE_DEAD_LETTER_ARN"] == _arn(dead_letter_id)  # the one-time schedules' too
    assert variables["TABLE_NAME"] == {"Ref": table_id}
    assert "VALIDATION_DAYS" not in variables  # the documented default (7)
    table_arn = _arn(table_id)
    schedules = {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":scheduler:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                ":schedule/",
                {"Ref": group_id},
                "/validation-due-*",
            ],
        ]
    }
    expected = [
        _on_keys(table_arn, "dynamodb:GetItem", [*OWN_ITEMS, "ACCOUNT#*", "IDEMPOTENCY#*"]),
        _on_keys(table_arn, "dynamodb:BatchGetItem", ["GATEWAYCATALOG#*"]),
        _on_keys(table_arn, "dynamodb:Query", LISTINGS),
        _on_keys(table_arn, "dynamodb:PutItem", [*OWN_ITEMS, *LISTINGS, "IDEMPOTENCY#*"]),
        _on_keys(table_arn, "dynamodb:DeleteItem", LISTINGS),
        _on_keys(table_arn, "dynamodb:UpdateItem", ["RATE#*"]),
        {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": _arn(dev.one("AWS::KMS::Key", "Data")[0])},
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": variables["PAGE_TOKEN_SECRET_ARN"]},
        {"Effect": "Allow", "Action": ["scheduler:CreateSchedule", "scheduler:UpdateSchedule"], "Resource": schedules},
        {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": _arn(schedule_role_id),
            "Condition": {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}},
        },
        *_basics(api),
    ]
    assert statement_triples(role_statements(dev, api["Role"]["Fn::GetAtt"][0])) == statement_triples(expected)


def test_the_job_writes_only_its_notices_and_reads_what_its_jobs_need(dev):
    job_id, job = _function(dev, JOB_HANDLER)
    table_id, _ = dev.only("AWS::DynamoDB::Table")
    queue_id, _ = dev.one("AWS::SQS::Queue", "Updates")
    assert set(job["Environment"]["Variables"]) >= {"TABLE_NAME"}
    assert not {name for name in job["Environment"]["Variables"] if name.startswith("VALIDATION_")}
    table_arn = _arn(table_id)
    expected = [
        _on_keys(table_arn, "dynamodb:GetItem", ["WINDOWSUPDATE#*"]),
        _on_keys(table_arn, "dynamodb:ConditionCheckItem", ["WINDOWSUPDATE#*"]),
        _on_keys(table_arn, "dynamodb:Query", LISTINGS),
        _on_keys(table_arn, "dynamodb:PutItem", ["WINDOWSUPDATE#*", "PLATFORM#*", "UPDATESJOB#patch-tuesday"]),
        {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": _arn(dev.one("AWS::KMS::Key", "Data")[0])},
        # Its on-failure destination.
        {"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"], "Resource": _arn(queue_id)},
        *_basics(job),
    ]
    assert statement_triples(role_statements(dev, job["Role"]["Fn::GetAtt"][0])) == statement_triples(expected)


def test_the_notifications_know_the_testing_departments_address(dev, prod):
    for synth in (dev, prod):
        _, function = _function(synth, "functions.notifications.handlers.handle_case_events.lambda_handler")
        assert function["Environment"]["Variables"]["TESTING_DEPARTMENT_EMAIL"] == synth.config.testing_department_email
        assert synth.config.testing_department_email.endswith("@support.example")
