"""The 30-day purge in the stack: a daily schedule → the purge Lambda (retries, a dead-letter queue for runs
that could not start or failed, its alarm), the purge index it reads, and the cases domain's path
CaseFilesPurged rule → queue (+ DLQ, alarm) → marking Lambda; each role can do exactly what its code does."""

from __future__ import annotations

import importlib

import pytest

from functions.cases.models.delivery import (
    BATCH_SIZE,
    EVENT_PATTERN,
    FUNCTION_TIMEOUT_SECONDS,
    MAX_RECEIVE_COUNT,
    VISIBILITY_TIMEOUT_SECONDS,
)
from functions.purge.handlers.handle_daily_purge import SAFETY_MARGIN_MILLIS
from functions.shared.dal import case_view
from infra.constants import LAMBDA_PYTHON_VERSION

from .synth import role_statements, statement_triples

pytestmark = pytest.mark.slow

COMPONENT = "Purge"
PURGE_HANDLER = "functions.purge.handlers.handle_daily_purge.lambda_handler"
MARK_HANDLER = "functions.cases.handlers.handle_bus_events.lambda_handler"
RUNTIME_ENVIRONMENT = {
    "POWERTOOLS_SERVICE_NAME": "dss",
    "POWERTOOLS_METRICS_NAMESPACE": "DedicatedSupportServices",
    "PYDANTIC_DISABLE_PLUGINS": "__all__",
}
LEADING = "ForAllValues:StringLike"
LOG_AND_TRACE = ("logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords")


def _arn(logical_id: str) -> dict:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def _function(synth, handler: str) -> tuple[str, dict]:
    (found,) = [
        (key, value["Properties"])
        for key, value in synth.resources("AWS::Lambda::Function").items()
        if value["Properties"]["Handler"] == handler
    ]
    assert found[0].startswith(COMPONENT)
    return found


def _queues(synth) -> dict[str, dict]:
    return {key: value["Properties"] for key, value in synth.resources("AWS::SQS::Queue").items() if key.startswith(COMPONENT)}


def _purge_dead_letter_queue(synth) -> str:
    (queue_id,) = [key for key in _queues(synth) if key.startswith("PurgeDeadLetterQueue")]
    return queue_id


def _marking_queues(synth) -> tuple[str, dict, str, dict]:
    queues = {key: value for key, value in _queues(synth).items() if key.startswith("PurgeMarkingDelivery")}
    (queue_id,) = [key for key, queue in queues.items() if "RedrivePolicy" in queue]
    (dead_letter_id,) = set(queues) - {queue_id}
    return queue_id, queues[queue_id], dead_letter_id, queues[dead_letter_id]


def _queue_policy(synth, queue_id: str) -> list[dict]:
    (statements,) = [
        value["Properties"]["PolicyDocument"]["Statement"]
        for value in synth.resources("AWS::SQS::QueuePolicy").values()
        if value["Properties"]["Queues"] == [{"Ref": queue_id}]
    ]
    return statements


def _rule(synth, construct: str) -> tuple[str, dict]:
    (found,) = [(key, value["Properties"]) for key, value in synth.resources("AWS::Events::Rule").items() if key.startswith(construct)]
    return found


def _dead_letter_alarm(synth, queue_id: str) -> dict:
    (alarm,) = [
        value["Properties"]
        for value in synth.resources("AWS::CloudWatch::Alarm").values()
        if value["Properties"].get("Dimensions") == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}}]
    ]
    return alarm


def _granted(synth, function: dict) -> set:
    granted = statement_triples(role_statements(synth, function["Role"]["Fn::GetAtt"][0]))
    assert not [action for action, _, _ in granted if "*" in action]
    return granted


def _log_and_trace(function: dict) -> list[dict]:
    return [
        {"Effect": "Allow", "Action": list(LOG_AND_TRACE[:2]), "Resource": _arn(function["LoggingConfig"]["LogGroup"]["Ref"])},
        {"Effect": "Allow", "Action": list(LOG_AND_TRACE[2:]), "Resource": "*"},
    ]


def _assert_alarm_calls_on_the_first_message(alarm: dict) -> None:
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum")
    assert (alarm["ComparisonOperator"], alarm["Threshold"], alarm["EvaluationPeriods"]) == ("GreaterThanOrEqualToThreshold", 1, 1)
    assert alarm["TreatMissingData"] == "notBreaching"


# The purge index


def test_the_purge_index_is_the_one_the_purge_job_queries(dev):
    table = dev.only("AWS::DynamoDB::Table")[1]["Properties"]
    (index,) = [index for index in table["GlobalSecondaryIndexes"] if index["IndexName"] == case_view.PURGE_INDEX_NAME]
    assert sorted((key["AttributeName"], key["KeyType"]) for key in index["KeySchema"]) == [
        (case_view.PURGE_DUE_ATTRIBUTE, "RANGE"),
        (case_view.PURGE_QUEUE_ATTRIBUTE, "HASH"),
    ]
    # What functions/purge/dal/purge_index.py reads from each item is projected.
    assert index["Projection"]["ProjectionType"] == "INCLUDE"
    assert {"case_number", "account_id", case_view.PURGE_CLOSED_AT_ATTRIBUTE} <= set(index["Projection"]["NonKeyAttributes"])


# The daily run


def test_purge_function_settings_and_environment(dev, prod):
    for synth in (dev, prod):
        _, function = _function(synth, PURGE_HANDLER)
        _, cases_function = synth.one("AWS::Lambda::Function", "Cases")
        module, handler = function["Handler"].rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), handler))
        assert function["Runtime"] == f"python{LAMBDA_PYTHON_VERSION}"
        assert function["Architectures"] == ["arm64"]
        assert function["Timeout"] == 900 > 2 * SAFETY_MARGIN_MILLIS / 1000  # the run stops a minute before
        assert function["TracingConfig"] == {"Mode": "Active"}
        assert function["Layers"] == cases_function["Properties"]["Layers"]
        assert function["Code"] == cases_function["Properties"]["Code"]
        assert function["Environment"]["Variables"] == {
            "TABLE_NAME": {"Ref": synth.only("AWS::DynamoDB::Table")[0]},
            "FILES_BUCKET": {"Ref": synth.one("AWS::S3::Bucket", "FilesBucket")[0]},
            "POWERTOOLS_LOG_LEVEL": synth.config.log_level,
            **RUNTIME_ENVIRONMENT,
        }


def test_a_daily_schedule_invokes_the_purge_with_retries_and_a_dead_letter_queue(dev):
    function_id, _ = _function(dev, PURGE_HANDLER)
    dead_letter_id = _purge_dead_letter_queue(dev)
    rule_id, rule = _rule(dev, "PurgeSchedule")
    assert rule["ScheduleExpression"] == "cron(0 3 * * ? *)"  # 03:00 UTC every day
    assert "EventBusName" not in rule  # schedules run on the default bus
    assert rule["State"] == "ENABLED"
    assert rule["Targets"] == [
        {
            "Id": "Target0",
            "Arn": _arn(function_id),
            "RetryPolicy": {"MaximumRetryAttempts": 8, "MaximumEventAgeInSeconds": 6 * 3600},
            "DeadLetterConfig": {"Arn": _arn(dead_letter_id)},
        }
    ]
    (permission,) = [
        value["Properties"]
        for value in dev.resources("AWS::Lambda::Permission").values()
        if value["Properties"]["FunctionName"] == _arn(function_id)
    ]
    assert (permission["Principal"], permission["SourceArn"]) == ("events.amazonaws.com", _arn(rule_id))


def test_a_failed_run_is_retried_then_recorded_in_the_dead_letter_queue(dev):
    function_id, _ = _function(dev, PURGE_HANDLER)
    (config,) = [
        value["Properties"]
        for value in dev.resources("AWS::Lambda::EventInvokeConfig").values()
        if value["Properties"]["FunctionName"] == {"Ref": function_id}
    ]
    assert config["MaximumRetryAttempts"] == 2
    assert config["DestinationConfig"] == {"OnFailure": {"Destination": _arn(_purge_dead_letter_queue(dev))}}


def test_the_dead_letter_queue_is_encrypted_tls_only_and_alarmed(dev):
    dead_letter_id = _purge_dead_letter_queue(dev)
    queue = _queues(dev)[dead_letter_id]
    assert queue["SqsManagedSseEnabled"] is True
    assert queue["MessageRetentionPeriod"] == 14 * 24 * 3600
    statements = _queue_policy(dev, dead_letter_id)
    assert {
        "Action": "sqs:*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Resource": _arn(dead_letter_id),
    } in statements
    allowed = [statement for statement in statements if statement["Effect"] == "Allow"]
    assert [(statement["Principal"], statement["Action"], statement["Condition"]) for statement in allowed] == [
        ({"Service": "events.amazonaws.com"}, "sqs:SendMessage", {"ArnEquals": {"aws:SourceArn": _arn(_rule(dev, "PurgeSchedule")[0])}})
    ]
    _assert_alarm_calls_on_the_first_message(_dead_letter_alarm(dev, dead_letter_id))


def test_purge_role_is_exactly_least_privilege(dev):
    _, function = _function(dev, PURGE_HANDLER)
    table_id, bucket_id = dev.only("AWS::DynamoDB::Table")[0], dev.one("AWS::S3::Bucket", "FilesBucket")[0]
    expected = [
        {"Effect": "Allow", "Action": "dynamodb:Query", "Resource": {"Fn::Join": ["", [_arn(table_id), "/index/purge-due"]]}},
        # CaseFilesPurged as outbox items in the purge's own partitions, never a case's.
        *(
            {"Effect": "Allow", "Action": action, "Resource": _arn(table_id), "Condition": {LEADING: {"dynamodb:LeadingKeys": ["PURGE#*"]}}}
            for action in ("dynamodb:BatchWriteItem", "dynamodb:PutItem")
        ),
        {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": _arn(dev.one("AWS::KMS::Key", "Data")[0])},
        {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": _arn(bucket_id),
            "Condition": {"StringLike": {"s3:prefix": ["cases/*"]}},
        },
        {"Effect": "Allow", "Action": "s3:ListBucketMultipartUploads", "Resource": _arn(bucket_id)},
        {
            "Effect": "Allow",
            "Action": ["s3:DeleteObject", "s3:AbortMultipartUpload"],
            "Resource": {"Fn::Join": ["", [_arn(bucket_id), "/cases/*"]]},
        },
        # The on-failure destination: Lambda sends the failed invocation's record with the function's role.
        {
            "Effect": "Allow",
            "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
            "Resource": _arn(_purge_dead_letter_queue(dev)),
        },
        *_log_and_trace(function),
    ]
    granted = _granted(dev, function)
    assert granted == statement_triples(expected)
    # Never the files' contents: no reads of objects, no KMS on the files key, no reads of table items, no bus.
    assert not [
        action
        for action, _, _ in granted
        if action in ("s3:GetObject", "s3:PutObject", "dynamodb:GetItem", "dynamodb:Scan", "events:PutEvents")
    ]


# The cases domain marks the case from CaseFilesPurged


def test_the_rule_sends_case_files_purged_to_the_cases_queue(dev):
    queue_id, _, dead_letter_id, _ = _marking_queues(dev)
    _, rule = _rule(dev, "PurgeMarkingDelivery")
    assert rule["EventBusName"] == {"Ref": dev.one("AWS::Events::EventBus", "Events")[0]}
    assert rule["EventPattern"] == EVENT_PATTERN
    assert rule["Targets"] == [{"Id": "Target0", "Arn": _arn(queue_id), "DeadLetterConfig": {"Arn": _arn(dead_letter_id)}}]


def test_marking_queue_has_an_alarmed_dead_letter_queue_and_both_are_encrypted_and_tls_only(dev):
    queue_id, queue, dead_letter_id, dead_letter = _marking_queues(dev)
    assert queue["RedrivePolicy"] == {"deadLetterTargetArn": _arn(dead_letter_id), "maxReceiveCount": MAX_RECEIVE_COUNT}
    assert queue["VisibilityTimeout"] == VISIBILITY_TIMEOUT_SECONDS >= 6 * FUNCTION_TIMEOUT_SECONDS
    assert dead_letter["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert queue["SqsManagedSseEnabled"] is dead_letter["SqsManagedSseEnabled"] is True
    for name in (queue_id, dead_letter_id):
        assert {
            "Action": "sqs:*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Resource": _arn(name),
        } in _queue_policy(dev, name)
    _assert_alarm_calls_on_the_first_message(_dead_letter_alarm(dev, dead_letter_id))


def test_marking_function_reads_the_queue_in_batches_reporting_item_failures(dev, prod):
    queue_id, *_ = _marking_queues(dev)
    function_id, function = _function(dev, MARK_HANDLER)
    (mapping,) = [
        value["Properties"]
        for value in dev.resources("AWS::Lambda::EventSourceMapping").values()
        if value["Properties"]["FunctionName"] == {"Ref": function_id}
    ]
    assert mapping["EventSourceArn"] == _arn(queue_id)
    assert mapping["BatchSize"] == BATCH_SIZE
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    module, handler = function["Handler"].rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), handler))
    for synth in (dev, prod):
        _, function = _function(synth, MARK_HANDLER)
        assert function["Timeout"] == FUNCTION_TIMEOUT_SECONDS
        assert function["TracingConfig"] == {"Mode": "Active"}
        assert function["Environment"]["Variables"] == {
            "TABLE_NAME": {"Ref": synth.only("AWS::DynamoDB::Table")[0]},
            "POWERTOOLS_LOG_LEVEL": synth.config.log_level,
            **RUNTIME_ENVIRONMENT,
            **synth.config.business_time,
        }


def test_marking_role_is_exactly_least_privilege(dev):
    queue_id, *_ = _marking_queues(dev)
    _, function = _function(dev, MARK_HANDLER)
    table_arn = _arn(dev.only("AWS::DynamoDB::Table")[0])
    on_keys = {
        # a case; a monitoring incident's or a behind-GA case's claim and its account
        "dynamodb:GetItem": ["CASE#*", "ACCOUNT#*", "MONITORING#*", "BEHINDGA#*"],
        "dynamodb:PutItem": ["CASE#*", "MONITORING#*", "BEHINDGA#*"],  # a change's items (the event applied marked under CASE#); the claims
        "dynamodb:UpdateItem": ["COUNTER#case-number"],  # a monitoring case's number
        "dynamodb:Query": ["CASE#*"],  # a case's history: whether a person changed it (closeIfUntouched)
    }
    expected = [
        *(
            {"Effect": "Allow", "Action": action, "Resource": table_arn, "Condition": {LEADING: {"dynamodb:LeadingKeys": keys}}}
            for action, keys in on_keys.items()
        ),
        {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": _arn(dev.one("AWS::KMS::Key", "Data")[0])},
        {
            "Effect": "Allow",
            "Action": [
                "sqs:ReceiveMessage",
                "sqs:ChangeMessageVisibility",
                "sqs:GetQueueUrl",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
            ],
            "Resource": _arn(queue_id),
        },
        *_log_and_trace(function),
    ]
    granted = _granted(dev, function)
    assert granted == statement_triples(expected)
    assert not [action for action, _, _ in granted if action.startswith("s3:")]


def test_dead_letter_queues_are_outputs(dev):
    outputs = dev.template.to_json()["Outputs"]
    assert outputs["PurgeDeadLetterQueueUrl"]["Value"] == {"Ref": _purge_dead_letter_queue(dev)}
    assert outputs["FilesPurgedDeadLetterQueueUrl"]["Value"] == {"Ref": _marking_queues(dev)[2]}
