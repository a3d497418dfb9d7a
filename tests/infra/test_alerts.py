"""The alerts domain's asynchronous paths in the stack: the alerts queue → the processor (batches of 100 within
a second, partial batch failures, a dead-letter queue and alarms), the incident timer's step Lambda (its state
machine is tested with the other timers, test_followups.py), and the monitoring cases' events rule → queue (+
dead-letter queue and its alarm) → the alerts case events Lambda; each role can do exactly what its code does."""

from __future__ import annotations

import importlib

import pytest

from functions.alerts.models.delivery import BATCH_SIZE as CASE_EVENTS_BATCH_SIZE
from functions.alerts.models.delivery import (
    EVENT_PATTERN,
    FUNCTION_TIMEOUT_SECONDS,
    MAX_RECEIVE_COUNT,
    VISIBILITY_TIMEOUT_SECONDS,
)
from infra import alert_queue
from infra.components.shared import PAGE_TOKEN_KEY_LOGICAL_ID
from infra.constants import LAMBDA_PYTHON_VERSION

from .synth import role_statements, statement_triples

pytestmark = pytest.mark.slow

COMPONENT = "Alerts"
PROCESSOR_HANDLER = "functions.alerts.handlers.handle_alert_queue.lambda_handler"
TIMER_STEP_HANDLER = "functions.alerts.handlers.handle_timer_step.lambda_handler"
CASE_EVENTS_HANDLER = "functions.alerts.handlers.handle_case_events.lambda_handler"
CASE_EVENTS = f"{COMPONENT}CaseEventsDelivery"  # the case events' rule, queue, dead-letter queue and alarm
LEADING = "ForAllValues:StringLike"


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


def _role(function: dict) -> str:
    return function["Role"]["Fn::GetAtt"][0]


def _log_group_arn(function: dict) -> dict:
    return _arn(function["LoggingConfig"]["LogGroup"]["Ref"])


def _on_keys(action: str, table_arn: dict, keys: list[str]) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": table_arn, "Condition": {LEADING: {"dynamodb:LeadingKeys": keys}}}


def _runtime_grants(synth, function: dict) -> list[dict]:
    return [
        {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": _arn(synth.one("AWS::KMS::Key", "Data")[0])},
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": _log_group_arn(function)},
        {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"},
    ]


def _polling(queue_id: str) -> dict:
    """What an SQS event source grants its function on its queue."""
    actions = ["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
    return {"Effect": "Allow", "Action": actions, "Resource": _arn(queue_id)}


def _environment(synth) -> dict:
    """AlertsSettings (every alerts function reads it whole), the business calendar and the runtime's."""
    return {
        "TABLE_NAME": {"Ref": synth.only("AWS::DynamoDB::Table")[0]},
        "ALERTS_QUEUE_URL": {"Ref": synth.one("AWS::SQS::Queue", f"{COMPONENT}Queue")[0]},
        "ALERTS_MASTER_SECRET_ARN": {"Ref": synth.one("AWS::SecretsManager::Secret", f"{COMPONENT}MasterKey")[0]},
        **synth.config.business_time,
        "POWERTOOLS_SERVICE_NAME": "dss",
        "POWERTOOLS_METRICS_NAMESPACE": "DedicatedSupportServices",
        "POWERTOOLS_LOG_LEVEL": synth.config.log_level,
        "PYDANTIC_DISABLE_PLUGINS": "__all__",
    }


# The alerts queue and its processor


def test_the_alerts_queue_outlasts_a_batch_then_dead_letters_it(dev):
    queue_id, queue = dev.one("AWS::SQS::Queue", f"{COMPONENT}Queue")
    dead_letter_id, _ = dev.one("AWS::SQS::Queue", f"{COMPONENT}DeadLetterQueue")
    properties = queue["Properties"]
    assert properties["RedrivePolicy"] == {"deadLetterTargetArn": _arn(dead_letter_id), "maxReceiveCount": alert_queue.MAX_RECEIVE_COUNT}
    # AWS's advice for an SQS event source: six times the function's timeout, plus the batching window.
    _, processor = _function(dev, PROCESSOR_HANDLER)
    assert properties["VisibilityTimeout"] == alert_queue.VISIBILITY_TIMEOUT_SECONDS
    assert properties["VisibilityTimeout"] >= 6 * processor["Timeout"] + alert_queue.MAX_BATCHING_WINDOW_SECONDS
    watched = {
        alarm["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]: alarm["Properties"]["MetricName"]
        for key, alarm in dev.resources("AWS::CloudWatch::Alarm").items()
        if key.startswith(COMPONENT) and alarm["Properties"]["Namespace"] == "AWS/SQS"
    }
    assert watched[queue_id] == "ApproximateAgeOfOldestMessage"
    assert watched[dead_letter_id] == "ApproximateNumberOfMessagesVisible"


def test_the_processor_takes_batches_of_100_within_a_second_reporting_item_failures(dev):
    queue_id, _ = dev.one("AWS::SQS::Queue", f"{COMPONENT}Queue")
    function_id, _ = _function(dev, PROCESSOR_HANDLER)
    (mapping,) = [
        value["Properties"]
        for value in dev.resources("AWS::Lambda::EventSourceMapping").values()
        if value["Properties"]["FunctionName"] == {"Ref": function_id}
    ]
    assert mapping["EventSourceArn"] == _arn(queue_id)
    assert (mapping["BatchSize"], mapping["MaximumBatchingWindowInSeconds"]) == (100, 1)
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


@pytest.mark.parametrize(
    ("handler", "timeout", "memory"),
    [
        (PROCESSOR_HANDLER, alert_queue.PROCESSOR_TIMEOUT_SECONDS, 512),
        (TIMER_STEP_HANDLER, 30, 256),  # within its task's TimeoutSeconds (60)
        (CASE_EVENTS_HANDLER, FUNCTION_TIMEOUT_SECONDS, 256),
    ],
)
def test_function_settings_and_environment(dev, prod, handler, timeout, memory):
    for synth in (dev, prod):
        _, function = _function(synth, handler)
        _, cases_function = synth.one("AWS::Lambda::Function", "Cases")
        assert function["Runtime"] == f"python{LAMBDA_PYTHON_VERSION}"
        assert (function["Timeout"], function["MemorySize"]) == (timeout, memory)
        assert function["Layers"] == cases_function["Properties"]["Layers"]
        assert function["Code"] == cases_function["Properties"]["Code"]
        module, name = handler.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), name))
        assert function["Environment"]["Variables"] == _environment(synth)


def test_processor_role_is_exactly_least_privilege(dev):
    _, function = _function(dev, PROCESSOR_HANDLER)
    queue_id, _ = dev.one("AWS::SQS::Queue", f"{COMPONENT}Queue")
    table_arn = _arn(dev.only("AWS::DynamoDB::Table")[0])
    expected = [
        _on_keys("dynamodb:BatchGetItem", table_arn, ["ALERTS#*", "ACCOUNT#*"]),
        _on_keys("dynamodb:PutItem", table_arn, ["ALERTS#*", "ALERTGROUP#*"]),  # TransactWriteItems, per item
        _on_keys("dynamodb:UpdateItem", table_arn, ["ALERTS#*"]),  # a maintenance window's count, in the transaction
        _polling(queue_id),
        *_runtime_grants(dev, function),
    ]
    granted = statement_triples(role_statements(dev, _role(function)))
    assert granted == statement_triples(expected)
    assert not [action for action, _, _ in granted if action.startswith(("secretsmanager:", "sqs:Send", "events:", "states:"))]


# The incident timer's step (an incident's or a maintenance window's) and the monitoring cases' events


def test_the_timer_step_role_is_exactly_least_privilege(dev):
    _, function = _function(dev, TIMER_STEP_HANDLER)
    table_arn = _arn(dev.only("AWS::DynamoDB::Table")[0])
    expected = [
        # The incident's or window's locator, the incident, the window, the settings, the live windows.
        _on_keys("dynamodb:GetItem", table_arn, ["ALERTGROUP#*", "ALERTWINDOW#*", "ALERTS#*"]),
        # A window's end: the alerts it silenced, those still firing handed to the incidents as the processor does.
        _on_keys("dynamodb:Query", table_arn, ["ALERTS#*"]),
        _on_keys("dynamodb:BatchGetItem", table_arn, ["ALERTS#*", "ACCOUNT#*"]),
        _on_keys("dynamodb:PutItem", table_arn, ["ALERTS#*", "ALERTGROUP#*"]),  # transactions, per item
        _on_keys("dynamodb:UpdateItem", table_arn, ["ALERTS#*"]),  # a window changed, its count
        *_runtime_grants(dev, function),
    ]
    assert statement_triples(role_statements(dev, _role(function))) == statement_triples(expected)


def test_the_case_events_role_is_exactly_least_privilege(dev):
    _, function = _function(dev, CASE_EVENTS_HANDLER)
    table_arn = _arn(dev.only("AWS::DynamoDB::Table")[0])
    expected = [
        _on_keys("dynamodb:GetItem", table_arn, ["ALERTGROUP#*", "ALERTWINDOW#*", "ALERTS#*"]),
        # The incident, a maintenance case's new window and the live windows, their outbox items; the window's locator.
        _on_keys("dynamodb:PutItem", table_arn, ["ALERTS#*", "ALERTWINDOW#*"]),
        _polling(dev.one("AWS::SQS::Queue", f"{CASE_EVENTS}Queue")[0]),
        *_runtime_grants(dev, function),
    ]
    assert statement_triples(role_statements(dev, _role(function))) == statement_triples(expected)


def test_the_alerts_api_role_is_exactly_least_privilege(dev):
    _, function = _function(dev, "functions.alerts.handlers.api.lambda_handler")
    table_arn = _arn(dev.only("AWS::DynamoDB::Table")[0])
    secrets = [{"Ref": key} for key in (PAGE_TOKEN_KEY_LOGICAL_ID, dev.one("AWS::SecretsManager::Secret", f"{COMPONENT}MasterKey")[0])]
    expected = [
        # Integrations, the account, Idempotency-Keys; an incident or window by its locator; an account's incidents,
        # windows and settings; a maintenance window's case (the cases domain's read-only view).
        _on_keys(
            "dynamodb:GetItem",
            table_arn,
            ["INTEGRATION#*", "ACCOUNT#*", "IDEMPOTENCY#*", "ALERTGROUP#*", "ALERTWINDOW#*", "ALERTS#*", "CASE#*"],
        ),
        _on_keys("dynamodb:PutItem", table_arn, ["INTEGRATION#*", "ALERTS#*", "ALERTWINDOW#*", "IDEMPOTENCY#*"]),
        _on_keys("dynamodb:UpdateItem", table_arn, ["RATE#*", "ALERTS#*"]),  # the change counts; a window changed
        _on_keys("dynamodb:Query", table_arn, ["ALERTS#*"]),
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secrets},
        *_runtime_grants(dev, function),
    ]
    assert statement_triples(role_statements(dev, _role(function))) == statement_triples(expected)


def test_the_case_events_rule_sends_the_monitoring_cases_events_to_the_queue(dev):
    queue_id, queue = dev.one("AWS::SQS::Queue", f"{CASE_EVENTS}Queue")
    dead_letter_id, dead_letter = dev.one("AWS::SQS::Queue", f"{CASE_EVENTS}DeadLetterQueue")
    rule = dev.one("AWS::Events::Rule", CASE_EVENTS)[1]["Properties"]
    assert rule["EventBusName"] == {"Ref": dev.one("AWS::Events::EventBus", "Events")[0]}
    assert rule["EventPattern"] == EVENT_PATTERN == {"source": ["dss.cases"], "detail-type": ["CaseCreated", "CaseClosed", "CaseReopened"]}
    assert rule["Targets"] == [{"Id": "Target0", "Arn": _arn(queue_id), "DeadLetterConfig": {"Arn": _arn(dead_letter_id)}}]
    queue = queue["Properties"]
    assert queue["RedrivePolicy"] == {"deadLetterTargetArn": _arn(dead_letter_id), "maxReceiveCount": MAX_RECEIVE_COUNT}
    assert queue["VisibilityTimeout"] == VISIBILITY_TIMEOUT_SECONDS >= 6 * FUNCTION_TIMEOUT_SECONDS
    assert queue["SqsManagedSseEnabled"] is dead_letter["Properties"]["SqsManagedSseEnabled"] is True
    (alarm,) = [
        value["Properties"]
        for key, value in dev.resources("AWS::CloudWatch::Alarm").items()
        if key.startswith(CASE_EVENTS) and value["Properties"]["Namespace"] == "AWS/SQS"
    ]
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dead_letter_id, "QueueName"]}}]
    assert (alarm["MetricName"], alarm["Threshold"]) == ("ApproximateNumberOfMessagesVisible", 1)


def test_the_case_events_function_reads_its_queue_in_batches_reporting_item_failures(dev):
    queue_id, _ = dev.one("AWS::SQS::Queue", f"{CASE_EVENTS}Queue")
    function_id, _ = _function(dev, CASE_EVENTS_HANDLER)
    (mapping,) = [
        value["Properties"]
        for value in dev.resources("AWS::Lambda::EventSourceMapping").values()
        if value["Properties"]["FunctionName"] == {"Ref": function_id}
    ]
    assert mapping["EventSourceArn"] == _arn(queue_id)
    assert mapping["BatchSize"] == CASE_EVENTS_BATCH_SIZE == 10
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_the_dead_letter_queues_are_stack_outputs(dev):
    outputs = dev.template.to_json()["Outputs"]
    assert outputs["AlertsDeadLetterQueueUrl"]["Value"] == {"Ref": dev.one("AWS::SQS::Queue", f"{COMPONENT}DeadLetterQueue")[0]}
    assert outputs["AlertsCaseEventsDeadLetterQueueUrl"]["Value"] == {"Ref": dev.one("AWS::SQS::Queue", f"{CASE_EVENTS}DeadLetterQueue")[0]}


# --- the dss-monitoring bus ------------------------------------------------------------------------

BUS_INTAKE_HANDLER = "functions.alerts.handlers.handle_monitoring_bus.lambda_handler"


def test_the_monitoring_bus_hands_alarms_and_dss_monitoring_events_to_its_intake_with_a_dead_letter_queue(dev):
    bus_id, bus = dev.one("AWS::Events::EventBus", f"{COMPONENT}MonitoringBus")
    assert bus["Properties"]["Name"] == "dss-monitoring-dev"
    function_id, _ = _function(dev, BUS_INTAKE_HANDLER)
    dead_letter_id, _ = dev.one("AWS::SQS::Queue", f"{COMPONENT}BusDeadLetterQueue")
    rule = dev.one("AWS::Events::Rule", f"{COMPONENT}MonitoringBusRule")[1]["Properties"]
    assert rule["EventBusName"] == {"Ref": bus_id}
    assert rule["EventPattern"] == {"source": ["aws.cloudwatch", "dss.monitoring"]}
    (target,) = rule["Targets"]
    assert (target["Arn"], target["DeadLetterConfig"], target["RetryPolicy"]["MaximumRetryAttempts"]) == (
        _arn(function_id),
        {"Arn": _arn(dead_letter_id)},
        8,
    )
    assert dev.resources("AWS::Events::EventBusPolicy") == {}  # no sender listed for dev: nobody else may put events


def test_the_bus_intake_may_read_integrations_and_their_senders_and_send_to_the_alerts_queue_only(dev):
    function_id, function = _function(dev, BUS_INTAKE_HANDLER)
    table_arn = _arn(dev.one("AWS::DynamoDB::Table", "Data")[0])
    expected = [
        _on_keys("dynamodb:GetItem", table_arn, ["INTEGRATION#*", "AWSACCOUNT#*"]),
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": _arn(dev.one("AWS::SQS::Queue", f"{COMPONENT}Queue")[0])},
        *_runtime_grants(dev, function),
    ]
    assert statement_triples(role_statements(dev, _role(function))) == statement_triples(expected)


def test_listed_sender_accounts_may_put_events_on_the_monitoring_bus(tmp_path):
    from aws_cdk import App
    from aws_cdk.assertions import Template

    from infra.app import build_app

    from .synth import build_layer, cdk_context

    build_layer()
    _, stack = build_app(App(context={**cdk_context("dev"), "monitoringSenderAccounts": "111122223333"}, outdir=str(tmp_path)))
    (policy,) = Template.from_stack(stack).find_resources("AWS::Events::EventBusPolicy").values()
    statement = policy["Properties"]["Statement"]
    assert (statement["Principal"], statement["Action"]) == (
        {"AWS": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::111122223333:root"]]}},
        "events:PutEvents",
    )
