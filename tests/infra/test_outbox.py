"""The transactional outbox in the stack: the table's stream → an event source mapping filtered to new outbox
items → the publisher Lambda, the one function that may put events on the bus; its on-failure queue and the
alarms on it and on the publish lag."""

from __future__ import annotations

import importlib
import json

import pytest

from functions.shared.dal.outbox import OUTBOX_SORT_PREFIX
from infra.components.outbox import HANDLER
from infra.constants import LAMBDA_PYTHON_VERSION

from .synth import role_statements, statement_triples, statements_by_role

pytestmark = pytest.mark.slow

COMPONENT = "Outbox"
RUNTIME_ENVIRONMENT = {
    "POWERTOOLS_SERVICE_NAME": "dss",
    "POWERTOOLS_METRICS_NAMESPACE": "DedicatedSupportServices",
    "PYDANTIC_DISABLE_PLUGINS": "__all__",
}


def _arn(logical_id: str, attribute: str = "Arn") -> dict:
    return {"Fn::GetAtt": [logical_id, attribute]}


def _publisher(synth) -> tuple[str, dict]:
    (found,) = [
        (key, value["Properties"])
        for key, value in synth.resources("AWS::Lambda::Function").items()
        if value["Properties"]["Handler"] == HANDLER
    ]
    assert found[0].startswith(COMPONENT)
    return found


def _mapping(synth) -> dict:
    function_id, _ = _publisher(synth)
    (mapping,) = [
        value["Properties"]
        for value in synth.resources("AWS::Lambda::EventSourceMapping").values()
        if value["Properties"]["FunctionName"] == {"Ref": function_id}
    ]
    return mapping


def _failure_queue(synth) -> tuple[str, dict]:
    return synth.one("AWS::SQS::Queue", f"{COMPONENT}FailureQueue")


def _alarm(synth, namespace: str, metric_name: str) -> dict:
    (alarm,) = [
        value["Properties"]
        for key, value in synth.resources("AWS::CloudWatch::Alarm").items()
        if key.startswith(COMPONENT) and (value["Properties"]["Namespace"], value["Properties"]["MetricName"]) == (namespace, metric_name)
    ]
    return alarm


def test_publisher_function_settings_and_environment(dev, prod):
    for synth in (dev, prod):
        _, function = _publisher(synth)
        _, cases_function = synth.one("AWS::Lambda::Function", "Cases")
        assert function["Runtime"] == f"python{LAMBDA_PYTHON_VERSION}"
        assert function["Architectures"] == ["arm64"]
        assert function["Timeout"] == 60  # ten PutEvents calls of ten entries, with the SDK's retries
        assert function["TracingConfig"] == {"Mode": "Active"}
        assert function["Layers"] == cases_function["Properties"]["Layers"]
        assert function["Code"] == cases_function["Properties"]["Code"]
        # The bus, and nothing of the table: the stream brings the items.
        assert function["Environment"]["Variables"] == {
            "EVENT_BUS_NAME": {"Ref": synth.one("AWS::Events::EventBus", "Events")[0]},
            "POWERTOOLS_LOG_LEVEL": synth.config.log_level,
            **RUNTIME_ENVIRONMENT,
        }


def test_the_handler_exists_where_the_stack_points():
    module, handler = HANDLER.rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), handler))


def test_the_mapping_reads_the_stream_in_order_with_partial_failures_bisection_and_bounds(dev):
    mapping = _mapping(dev)
    table_id = dev.only("AWS::DynamoDB::Table")[0]
    assert mapping["EventSourceArn"] == _arn(table_id, "StreamArn")
    assert mapping["StartingPosition"] == "TRIM_HORIZON"  # nothing written before the mapping existed is skipped
    assert mapping["BatchSize"] == 100
    assert mapping["MaximumBatchingWindowInSeconds"] <= 1
    assert mapping["ParallelizationFactor"] == 1  # one batch per shard at a time: a case's events in order
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["MaximumRetryAttempts"] == 10
    # Gives up well inside the stream's 24 h retention, so the records it points at can still be read.
    assert 3600 <= mapping["MaximumRecordAgeInSeconds"] <= 12 * 3600
    assert mapping["DestinationConfig"] == {"OnFailure": {"Destination": _arn(_failure_queue(dev)[0])}}


def test_only_new_outbox_items_invoke_the_publisher(dev):
    (criterion,) = _mapping(dev)["FilterCriteria"]["Filters"]
    assert json.loads(criterion["Pattern"]) == {
        "eventName": ["INSERT"],
        "dynamodb": {"NewImage": {"sk": {"S": [{"prefix": OUTBOX_SORT_PREFIX}]}}},
    }
    assert OUTBOX_SORT_PREFIX == "EVENT#"


def test_the_failure_queue_is_encrypted_tls_only_and_kept_14_days(dev):
    queue_id, queue = _failure_queue(dev)
    assert queue["Properties"]["SqsManagedSseEnabled"] is True
    assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
    (policy,) = [
        value["Properties"]["PolicyDocument"]["Statement"]
        for value in dev.resources("AWS::SQS::QueuePolicy").values()
        if value["Properties"]["Queues"] == [{"Ref": queue_id}]
    ]
    assert policy == [
        {
            "Action": "sqs:*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Resource": _arn(queue_id),
        }
    ]


def test_publisher_role_is_exactly_least_privilege(dev):
    _, function = _publisher(dev)
    table_id = dev.only("AWS::DynamoDB::Table")[0]
    expected = [
        {"Effect": "Allow", "Action": "events:PutEvents", "Resource": _arn(dev.one("AWS::Events::EventBus", "Events")[0])},
        # The stream, read by the event source mapping with the function's role; no item of the table.
        {
            "Effect": "Allow",
            "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
            "Resource": _arn(table_id, "StreamArn"),
        },
        {"Effect": "Allow", "Action": "dynamodb:ListStreams", "Resource": "*"},
        {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": _arn(dev.one("AWS::KMS::Key", "Data")[0])},
        # The on-failure destination: the mapping sends the failed batch's pointers with the function's role.
        {
            "Effect": "Allow",
            "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
            "Resource": _arn(_failure_queue(dev)[0]),
        },
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": _arn(function["LoggingConfig"]["LogGroup"]["Ref"]),
        },
        {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"},
    ]
    granted = statement_triples(role_statements(dev, function["Role"]["Fn::GetAtt"][0]))
    assert granted == statement_triples(expected)
    assert not [action for action, resource, _ in granted if json.loads(resource) == _arn(table_id)]  # no item access


def test_no_other_role_may_put_events_on_the_bus(dev):
    _, function = _publisher(dev)
    publisher_role = function["Role"]["Fn::GetAtt"][0]
    publishers = {
        role_id
        for role_id, statements in statements_by_role(dev).items()
        for statement in statements
        if "events:PutEvents" in (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
    }
    assert publishers == {publisher_role}


def test_alarms_on_the_failure_queue_and_the_publish_lag(dev):
    queue_id, _ = _failure_queue(dev)
    failed = _alarm(dev, "AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert failed["Dimensions"] == [{"Name": "QueueName", "Value": _arn(queue_id, "QueueName")}]
    assert (failed["Statistic"], failed["ComparisonOperator"], failed["Threshold"], failed["EvaluationPeriods"]) == (
        "Maximum",
        "GreaterThanOrEqualToThreshold",
        1,
        1,
    )
    function_id, _ = _publisher(dev)
    lag = _alarm(dev, "AWS/Lambda", "IteratorAge")
    assert lag["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": function_id}}]
    assert (lag["Statistic"], lag["Period"], lag["Threshold"], lag["EvaluationPeriods"]) == ("Maximum", 60, 120_000, 3)
    assert lag["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    # The publisher's own errors and throttles are alarmed like every function's (test_operations.py).
    for alarm in (failed, lag):
        assert alarm["TreatMissingData"] == "notBreaching"


def test_outputs_for_the_runbook(dev):
    outputs = dev.template.to_json()["Outputs"]
    assert outputs["OutboxFailureQueueUrl"]["Value"] == {"Ref": _failure_queue(dev)[0]}
    assert outputs["OutboxPublisherFunctionName"]["Value"] == {"Ref": _publisher(dev)[0]}
    assert outputs["TableStreamArn"]["Value"] == _arn(dev.only("AWS::DynamoDB::Table")[0], "StreamArn")
