"""The notifications path: rule → queue (+ dead-letter queue and its alarm) → Lambda with partial batch
failures, and a role that can do exactly what functions/notifications does."""

from __future__ import annotations

import importlib

import pytest

from functions.notifications.dal.tables import NotifiedItem
from functions.notifications.models.delivery import (
    BATCH_SIZE,
    FUNCTION_TIMEOUT_SECONDS,
    MAX_RECEIVE_COUNT,
    SUBSCRIBED_CASE_DETAIL_TYPES,
    SUBSCRIBED_CONTACT_DETAIL_TYPES,
    SUBSCRIBED_MONITORING_DETAIL_TYPES,
    SUBSCRIBED_UPDATES_DETAIL_TYPES,
    VISIBILITY_TIMEOUT_SECONDS,
)
from infra.components.shared import REFERENCE_ID_KEY_LOGICAL_ID
from infra.constants import LAMBDA_PYTHON_VERSION

from .synth import role_statements, statement_triples
from .test_portal import portal_url

pytestmark = pytest.mark.slow

COMPONENT = "Notifications"


def _arn(logical_id: str) -> dict:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def _queues(synth) -> tuple[str, dict, str, dict]:
    queues = {key: value["Properties"] for key, value in synth.resources("AWS::SQS::Queue").items() if key.startswith(COMPONENT)}
    (queue_id,) = [key for key, queue in queues.items() if "RedrivePolicy" in queue]
    (dead_letter_id,) = set(queues) - {queue_id}
    return queue_id, queues[queue_id], dead_letter_id, queues[dead_letter_id]


def _function(synth) -> tuple[str, dict]:
    function_id, function = synth.one("AWS::Lambda::Function", COMPONENT)
    return function_id, function["Properties"]


def test_the_rule_sends_the_case_contact_and_monitoring_events_that_email_someone_to_the_queue(dev):
    queue_id, _, dead_letter_id, _ = _queues(dev)
    rule_id, rule = dev.one("AWS::Events::Rule", COMPONENT)
    rule = rule["Properties"]
    assert rule_id.startswith(f"{COMPONENT}CaseEvents")  # the id it had before the contact events: updated in place
    assert rule["EventBusName"] == {"Ref": dev.one("AWS::Events::EventBus", "Events")[0]}
    assert rule["EventPattern"] == {
        "source": ["dss.cases", "dss.directory", "dss.alerts", "dss.updates"],
        "detail-type": [
            *SUBSCRIBED_CASE_DETAIL_TYPES,
            *SUBSCRIBED_CONTACT_DETAIL_TYPES,
            *SUBSCRIBED_MONITORING_DETAIL_TYPES,
            *SUBSCRIBED_UPDATES_DETAIL_TYPES,
        ],
    }
    assert SUBSCRIBED_CONTACT_DETAIL_TYPES == ("ContactAdded", "ContactChanged")
    assert SUBSCRIBED_MONITORING_DETAIL_TYPES == ("MonitoringGroupHeld", "MaintenanceWindowStarted", "MaintenanceWindowEnded")
    assert SUBSCRIBED_UPDATES_DETAIL_TYPES == ("WindowsUpdateValidationOverdue", "WindowsUpdatesReminder")
    assert rule["Targets"] == [{"Id": "Target0", "Arn": _arn(queue_id), "DeadLetterConfig": {"Arn": _arn(dead_letter_id)}}]


def test_queue_has_a_dead_letter_queue_and_both_are_encrypted_and_tls_only(dev):
    queue_id, queue, dead_letter_id, dead_letter = _queues(dev)
    assert queue["RedrivePolicy"] == {"deadLetterTargetArn": _arn(dead_letter_id), "maxReceiveCount": MAX_RECEIVE_COUNT}
    assert MAX_RECEIVE_COUNT == 5
    assert queue["VisibilityTimeout"] == VISIBILITY_TIMEOUT_SECONDS >= 6 * FUNCTION_TIMEOUT_SECONDS
    assert dead_letter["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert queue["SqsManagedSseEnabled"] is dead_letter["SqsManagedSseEnabled"] is True
    policies = {
        policy["Properties"]["Queues"][0]["Ref"]: policy["Properties"]["PolicyDocument"]
        for policy in dev.resources("AWS::SQS::QueuePolicy").values()
    }
    rule_id = dev.one("AWS::Events::Rule", COMPONENT)[0]
    for queue_name in (queue_id, dead_letter_id):
        statements = policies[queue_name]["Statement"]
        assert {
            "Action": "sqs:*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Resource": _arn(queue_name),
        } in statements
        allowed = [statement for statement in statements if statement["Effect"] == "Allow"]
        assert [statement["Principal"] for statement in allowed] == [{"Service": "events.amazonaws.com"}]
        assert allowed[0]["Condition"] == {"ArnEquals": {"aws:SourceArn": _arn(rule_id)}}


def test_an_alarm_watches_the_dead_letter_queue(dev):
    _, _, dead_letter_id, _ = _queues(dev)
    (alarm,) = [
        value["Properties"]
        for key, value in dev.resources("AWS::CloudWatch::Alarm").items()
        if key.startswith(COMPONENT) and value["Properties"]["Namespace"] == "AWS/SQS"
    ]
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum")
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dead_letter_id, "QueueName"]}}]
    assert (alarm["ComparisonOperator"], alarm["Threshold"], alarm["EvaluationPeriods"]) == ("GreaterThanOrEqualToThreshold", 1, 1)
    assert alarm["TreatMissingData"] == "notBreaching"


def test_the_function_reads_the_queue_in_batches_reporting_item_failures(dev):
    queue_id, *_ = _queues(dev)
    function_id, _ = _function(dev)
    mapping = dev.one("AWS::Lambda::EventSourceMapping", COMPONENT)[1]["Properties"]
    assert mapping["FunctionName"] == {"Ref": function_id}
    assert mapping["EventSourceArn"] == _arn(queue_id)
    assert mapping["BatchSize"] == BATCH_SIZE == 10
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 2}


def test_function_settings_and_environment(dev):
    _, function = _function(dev)
    _, cases_function = dev.one("AWS::Lambda::Function", "Cases")
    assert function["Runtime"] == f"python{LAMBDA_PYTHON_VERSION}"
    assert function["Architectures"] == ["arm64"]
    assert function["Timeout"] == FUNCTION_TIMEOUT_SECONDS
    assert function["TracingConfig"] == {"Mode": "Active"}
    assert function["Layers"] == cases_function["Properties"]["Layers"]  # one dependency layer for the stack
    assert function["Code"] == cases_function["Properties"]["Code"]  # the same functions/ asset
    module, handler = function["Handler"].rsplit(".", 1)
    assert function["Handler"] == "functions.notifications.handlers.handle_case_events.lambda_handler"
    assert callable(getattr(importlib.import_module(module), handler))
    secret_id = REFERENCE_ID_KEY_LOGICAL_ID  # the shared Reference ID key (components/shared.py)
    assert function["Environment"]["Variables"] == {
        "TABLE_NAME": {"Ref": dev.only("AWS::DynamoDB::Table")[0]},
        "REFERENCE_SECRET_ARN": {"Ref": secret_id},
        "SENDER_EMAIL": dev.config.sender_email,
        "TESTING_DEPARTMENT_EMAIL": dev.config.testing_department_email,
        "PORTAL_URL": portal_url(dev),
        "POWERTOOLS_SERVICE_NAME": "dss",
        "POWERTOOLS_METRICS_NAMESPACE": "DedicatedSupportServices",
        "POWERTOOLS_LOG_LEVEL": dev.config.log_level,
        "PYDANTIC_DISABLE_PLUGINS": "__all__",
    }
    log_group = dev.resources("AWS::Logs::LogGroup")[function["LoggingConfig"]["LogGroup"]["Ref"]]
    assert log_group["Properties"]["RetentionInDays"] == 7


def test_the_sender_is_an_ses_identity_of_the_stage(dev, prod):
    for synth in (dev, prod):
        identity = synth.one("AWS::SES::EmailIdentity", COMPONENT)[1]["Properties"]
        assert identity["EmailIdentity"] == synth.config.sender_email


def test_the_duplicate_guard_expires_through_the_tables_ttl(dev):
    table = dev.only("AWS::DynamoDB::Table")[1]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": NotifiedItem.expires_at.attr_name, "Enabled": True}


def test_role_is_exactly_least_privilege(dev):
    function_id, function = _function(dev)
    queue_id, *_ = _queues(dev)
    table_id = dev.only("AWS::DynamoDB::Table")[0]
    key_id = dev.one("AWS::KMS::Key", "Data")[0]
    secret_id = REFERENCE_ID_KEY_LOGICAL_ID  # the shared Reference ID key (components/shared.py)
    sender_id = dev.one("AWS::SES::EmailIdentity", COMPONENT)[0]
    sender_arn = {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":ses:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                ":identity/",
                {"Ref": sender_id},
            ],
        ]
    }
    leading = "ForAllValues:StringLike"
    expected = [
        {
            "Effect": "Allow",
            "Action": "dynamodb:GetItem",
            "Resource": _arn(table_id),
            # The directory, and a case's items (the update an email quotes).
            "Condition": {leading: {"dynamodb:LeadingKeys": ["ACCOUNT#*", "STAFF#*", "REGION#*", "CASE#*"]}},
        },
        {
            "Effect": "Allow",
            "Action": "dynamodb:PutItem",
            "Resource": _arn(table_id),
            "Condition": {leading: {"dynamodb:LeadingKeys": ["NOTIFIED#*"]}},
        },
        {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": _arn(key_id)},
        {"Effect": "Allow", "Action": "ses:SendRawEmail", "Resource": sender_arn},
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": {"Ref": secret_id}},
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": _arn(function["LoggingConfig"]["LogGroup"]["Ref"]),
        },
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
        {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"},
    ]
    role_id = function["Role"]["Fn::GetAtt"][0]
    granted = statement_triples(role_statements(dev, role_id))
    assert granted == statement_triples(expected)
    assert not [action for action, _, _ in granted if "*" in action]
