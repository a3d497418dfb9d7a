"""The reports domain in the stack (infra/components/reports.py): the reports API Lambda behind the API; the dispatcher,
which an EventBridge Scheduler cron in America/New_York invokes hourly from 06:00 to 23:00 (retries, a dead-letter
queue for runs that could not start or failed, its alarm); the case events and invitations rule → queue (+ dead-letter
queue and its alarm) → the reports events Lambda; the recipients' link key; and each role can do exactly what its code
does (functions/reports/dal)."""

from __future__ import annotations

import importlib
import json

import pytest

from functions.reports.dal.delivery import ARCHIVE_PREFIX
from functions.reports.models.delivery import (
    BATCH_SIZE,
    DISPATCH_HOURS,
    DISPATCH_TIME_ZONE,
    EVENT_PATTERN,
    FUNCTION_TIMEOUT_SECONDS,
    MAX_RECEIVE_COUNT,
    VISIBILITY_TIMEOUT_SECONDS,
)
from functions.shared.settings import ReportsSettings
from infra.components.api import api_routes, public_api_routes
from infra.constants import LAMBDA_PYTHON_VERSION

from .synth import Synthesized, role_statements, statement_triples, statements_by_role
from .test_api import _integrated_function, _routes

pytestmark = pytest.mark.slow

COMPONENT = "Reports"
API_MODULE = "functions.reports.handlers.api"
API_HANDLER = f"{API_MODULE}.lambda_handler"
DISPATCHER_HANDLER = "functions.reports.handlers.handle_report_schedule.lambda_handler"
EVENTS_HANDLER = "functions.reports.handlers.handle_bus_events.lambda_handler"
EVENT_DELIVERY = f"{COMPONENT}EventDelivery"  # the events rule, its queue, dead-letter queue and alarm
LEADING = "ForAllValues:StringLike"
TLS_ONLY = {"Action": "sqs:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}, "Effect": "Deny", "Principal": {"AWS": "*"}}


def _arn(logical_id: str) -> dict:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def _function(synth: Synthesized, handler: str) -> tuple[str, dict]:
    (found,) = [
        (key, value["Properties"])
        for key, value in synth.resources("AWS::Lambda::Function").items()
        if value["Properties"]["Handler"] == handler
    ]
    assert found[0].startswith(COMPONENT)
    return found


def _role(function: dict) -> str:
    return function["Role"]["Fn::GetAtt"][0]


def _dead_letter_queue(synth: Synthesized) -> str:
    return synth.one("AWS::SQS::Queue", f"{COMPONENT}DeadLetterQueue")[0]


def _delivery_queues(synth: Synthesized) -> tuple[str, dict, str, dict]:
    """(the events queue, its properties, its dead-letter queue, its properties)."""
    queue_id, queue = synth.one("AWS::SQS::Queue", f"{EVENT_DELIVERY}Queue")
    dead_letter_id, dead_letter = synth.one("AWS::SQS::Queue", f"{EVENT_DELIVERY}DeadLetterQueue")
    return queue_id, queue["Properties"], dead_letter_id, dead_letter["Properties"]


def _queue_policy(synth: Synthesized, queue_id: str) -> list[dict]:
    (statements,) = [
        value["Properties"]["PolicyDocument"]["Statement"]
        for value in synth.resources("AWS::SQS::QueuePolicy").values()
        if value["Properties"]["Queues"] == [{"Ref": queue_id}]
    ]
    return statements


def _dead_letter_alarm(synth: Synthesized, queue_id: str) -> dict:
    (alarm,) = [
        value["Properties"]
        for value in synth.resources("AWS::CloudWatch::Alarm").values()
        if value["Properties"].get("Dimensions") == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}}]
    ]
    return alarm


def _assert_alarm_calls_on_the_first_message(synth: Synthesized, alarm: dict) -> None:
    topic = {"Ref": synth.only("AWS::SNS::Topic")[0]}
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum")
    assert (alarm["ComparisonOperator"], alarm["Threshold"], alarm["EvaluationPeriods"]) == ("GreaterThanOrEqualToThreshold", 1, 1)
    assert alarm["TreatMissingData"] == "notBreaching"
    assert alarm["AlarmActions"] == alarm["OKActions"] == [topic]


def _on_keys(action: str, table_arn: dict, keys: list[str]) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": table_arn, "Condition": {LEADING: {"dynamodb:LeadingKeys": keys}}}


def _per_key(statements: list[dict]) -> set[tuple[str, str, str]]:
    """statement_triples with each LeadingKeys condition split per key: however the stack groups its keys into statements,
    a role may do an action on a partition or not."""
    split = []
    for statement in statements:
        keys = statement.get("Condition", {}).get(LEADING, {}).get("dynamodb:LeadingKeys")
        if keys is None:
            split.append(statement)
            continue
        split += [{**statement, "Condition": {LEADING: {"dynamodb:LeadingKeys": [key]}}} for key in keys]
    return statement_triples(split)


def _granted(synth: Synthesized, function: dict) -> set[tuple[str, str, str]]:
    granted = _per_key(role_statements(synth, _role(function)))
    assert not [action for action, _, _ in granted if "*" in action]
    return granted


def _table_arn(synth: Synthesized) -> dict:
    return _arn(synth.only("AWS::DynamoDB::Table")[0])


def _sections(synth: Synthesized) -> dict:
    """A report's sections: Query on the two report indexes and the account's non-closed cases, no other index."""
    indexes = ("account-closed", "account-opened", "account-phase")
    return {
        "Effect": "Allow",
        "Action": "dynamodb:Query",
        "Resource": [{"Fn::Join": ["", [_table_arn(synth), f"/index/{name}"]]} for name in indexes],
    }


def _archive(synth: Synthesized, *actions: str) -> dict:
    """Objects below reports/ of the case files bucket, and nothing else of it."""
    bucket_id = synth.one("AWS::S3::Bucket", "FilesBucket")[0]
    return {"Effect": "Allow", "Action": list(actions), "Resource": {"Fn::Join": ["", [_arn(bucket_id), f"/{ARCHIVE_PREFIX}*"]]}}


def _keys(synth: Synthesized, *components: str) -> dict:
    return {
        "Effect": "Allow",
        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        "Resource": [_arn(synth.one("AWS::KMS::Key", component)[0]) for component in components],
    }


def _link_secret(synth: Synthesized) -> str:
    return synth.one("AWS::SecretsManager::Secret", f"{COMPONENT}LinkKey")[0]


def _link_key_sender_and_runtime(synth: Synthesized, function: dict) -> list[dict]:
    """What every reports function has: the link key (sign or verify a recipient's link), SendRawEmail as the desk's
    sender identity, its log group and X-Ray."""
    return [
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": {"Ref": _link_secret(synth)}},
        {
            "Effect": "Allow",
            "Action": "ses:SendRawEmail",
            "Resource": synth.stack.resolve(synth.stack.notifications.sender.email_identity_arn),
        },
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": _arn(function["LoggingConfig"]["LogGroup"]["Ref"]),
        },
        {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"},
    ]


# The functions


@pytest.mark.parametrize(
    ("handler", "timeout", "memory"),
    [
        (API_HANDLER, 29, 512),  # a send-now builds and emails a report within API Gateway's 29 s
        (DISPATCHER_HANDLER, 900, 256),  # a run stops starting deliveries two minutes before (handle_report_schedule.py)
        (EVENTS_HANDLER, FUNCTION_TIMEOUT_SECONDS, 256),
    ],
)
def test_function_settings_and_environment(dev: Synthesized, prod: Synthesized, handler: str, timeout: int, memory: int) -> None:
    """Each reports function runs the stack's one asset and layer and is told ReportsSettings whole, pointing at the
    stack's table, files bucket, sender, portal and link key."""
    for synth in (dev, prod):
        _, function = _function(synth, handler)
        _, cases_function = synth.one("AWS::Lambda::Function", "Cases")
        module, name = handler.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), name))
        assert function["Runtime"] == f"python{LAMBDA_PYTHON_VERSION}"
        assert function["Architectures"] == ["arm64"]
        assert (function["Timeout"], function["MemorySize"]) == (timeout, memory)
        assert function["TracingConfig"] == {"Mode": "Active"}
        assert function["Layers"] == cases_function["Properties"]["Layers"]
        assert function["Code"] == cases_function["Properties"]["Code"]
        settings = {
            "TABLE_NAME": {"Ref": synth.only("AWS::DynamoDB::Table")[0]},
            "FILES_BUCKET": {"Ref": synth.one("AWS::S3::Bucket", "FilesBucket")[0]},
            "SENDER_EMAIL": synth.config.sender_email,
            "PORTAL_URL": synth.stack.resolve(synth.stack.portal.url),
            "REPORT_LINK_SECRET_ARN": {"Ref": _link_secret(synth)},
        }
        assert set(settings) == {name.upper() for name, field in ReportsSettings.model_fields.items() if field.is_required()}
        assert function["Environment"]["Variables"] == {
            **settings,
            **synth.config.business_time,  # the open cases' ages in business days
            "POWERTOOLS_SERVICE_NAME": "dss",
            "POWERTOOLS_METRICS_NAMESPACE": "DedicatedSupportServices",
            "POWERTOOLS_LOG_LEVEL": synth.config.log_level,
            "PYDANTIC_DISABLE_PLUGINS": "__all__",
        }


def test_the_link_key_is_a_generated_secret_kept_with_the_stages_data(dev: Synthesized, prod: Synthesized) -> None:
    """The recipients' confirm and unsubscribe links are signed with a random key no one has seen; prod keeps it (an
    emailed unsubscribe link never expires), and only the reports functions may read it."""
    for synth, policy in ((dev, "Delete"), (prod, "Retain")):
        secret_id = _link_secret(synth)
        secret = synth.resources("AWS::SecretsManager::Secret")[secret_id]
        assert secret["Properties"]["GenerateSecretString"] == {"ExcludePunctuation": True, "PasswordLength": 64}
        assert "SecretString" not in secret["Properties"]
        assert secret["DeletionPolicy"] == policy
        assert not synth.resources("AWS::SecretsManager::RotationSchedule")
    link_key = {"Ref": _link_secret(dev)}
    readers = {
        role_id
        for role_id, statements in statements_by_role(dev).items()
        for statement in statements
        if link_key in (statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]])
    }
    assert readers == {_role(_function(dev, handler)[1]) for handler in (API_HANDLER, DISPATCHER_HANDLER, EVENTS_HANDLER)}


# The reports API


def test_the_api_function_serves_the_reports_routes_and_the_recipients_links_without_a_token(dev: Synthesized) -> None:
    """Every route of the reports app's OpenAPI document proxies to the reports API Lambda; only the two signed links
    are public, and API Gateway holds one invoke permission for the whole API."""
    function_id, _ = _function(dev, API_HANDLER)
    routes = _routes(dev)
    served = set(api_routes(API_MODULE))
    public = set(public_api_routes(API_MODULE))
    assert public == {("/report-subscriptions/confirm", "POST"), ("/report-subscriptions/unsubscribe", "POST")}
    assert {("/reports/cases", "GET"), ("/report-subscriptions", "POST"), ("/report-subscriptions/{subscriptionId}/send", "POST")} <= served
    for route in served:
        method = routes[route]
        assert _integrated_function(method) == function_id, route
        assert method["AuthorizationType"] == ("NONE" if route in public else "COGNITO_USER_POOLS"), route
    served_elsewhere = {route for route, method in routes.items() if _integrated_function(method) == function_id} - served
    assert {verb for _, verb in served_elsewhere} <= {"ANY"}  # a path's other methods: the Lambda answers 405
    (permission,) = [
        value["Properties"]
        for value in dev.resources("AWS::Lambda::Permission").values()
        if value["Properties"]["FunctionName"] == _arn(function_id)
    ]
    assert (permission["Action"], permission["Principal"]) == ("lambda:InvokeFunction", "apigateway.amazonaws.com")
    assert permission["SourceArn"]["Fn::Join"][1][-2:] == [{"Ref": dev.only("AWS::ApiGateway::RestApi")[0]}, "/*/*/*"]


def test_the_api_role_is_exactly_least_privilege(dev: Synthesized) -> None:
    _, function = _function(dev, API_HANDLER)
    table_arn = _table_arn(dev)
    expected: list[dict] = [
        # The subscription by its locator, the account (read only), the callers' Idempotency-Keys.
        _on_keys("dynamodb:GetItem", table_arn, ["REPORTSUB#*", "REPORTS#*", "ACCOUNT#*", "IDEMPOTENCY#*"]),
        # An account's subscriptions, tallies and runs; never the due listing (the dispatcher's).
        _on_keys("dynamodb:Query", table_arn, ["REPORTS#*"]),
        # A subscription's transactions: it, its locator and due entry, its outbox events, the Idempotency-Key record,
        # the caller's change count; a send-now's claims and run.
        _on_keys("dynamodb:PutItem", table_arn, ["REPORTS#*", "REPORTDUE", "REPORTSUB#*", "IDEMPOTENCY#*"]),
        _on_keys("dynamodb:DeleteItem", table_arn, ["REPORTS#*", "REPORTDUE", "REPORTSUB#*"]),
        _on_keys("dynamodb:UpdateItem", table_arn, ["RATE#*"]),
        _sections(dev),
        _archive(dev, "s3:PutObject", "s3:GetObject"),  # a send-now's CSV; a delivered period's CSV served
        _keys(dev, "Data", "Files"),
        *_link_key_sender_and_runtime(dev, function),
    ]
    assert _granted(dev, function) == _per_key(expected)


# The dispatcher and its schedule


def test_the_schedule_invokes_the_dispatcher_hourly_from_six_to_eleven_pm_eastern(dev: Synthesized) -> None:
    """06:00 US Eastern, when a period's report is due, then on the hour to 23:00 for what a run could not finish: on the
    desk's clock across daylight-saving changes, never 01:00-03:00, with retries and a dead-letter queue."""
    function_id, _ = _function(dev, DISPATCHER_HANDLER)
    _, schedule = dev.one("AWS::Scheduler::Schedule", "Reports")
    properties = schedule["Properties"]
    # The local stack fires on the same hours (functions/reports/models/delivery.py DISPATCH_HOURS).
    assert properties["ScheduleExpression"] == f"cron(0 {DISPATCH_HOURS[0]}-{DISPATCH_HOURS[-1]} * * ? *)" == "cron(0 6-23 * * ? *)"
    assert properties["ScheduleExpressionTimezone"] == DISPATCH_TIME_ZONE == "America/New_York"
    assert (properties["State"], properties["FlexibleTimeWindow"]) == ("ENABLED", {"Mode": "OFF"})
    assert properties["Target"] == {
        "Arn": _arn(function_id),
        "RoleArn": _arn(dev.one("AWS::IAM::Role", f"{COMPONENT}ScheduleRole")[0]),
        "DeadLetterConfig": {"Arn": _arn(_dead_letter_queue(dev))},
        "RetryPolicy": {"MaximumRetryAttempts": 8, "MaximumEventAgeInSeconds": 3600},  # the next hour's run takes over
    }
    # The scheduler invokes with its role: no resource policy lets anything invoke the dispatcher.
    assert not [
        value for value in dev.resources("AWS::Lambda::Permission").values() if value["Properties"]["FunctionName"] == _arn(function_id)
    ]


def test_the_schedule_has_its_own_role_that_may_only_invoke_the_dispatcher_and_dead_letter(dev: Synthesized) -> None:
    function_id, _ = _function(dev, DISPATCHER_HANDLER)
    role_id, role = dev.one("AWS::IAM::Role", f"{COMPONENT}ScheduleRole")
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"}}
    ]
    expected: list[dict] = [
        {
            "Effect": "Allow",
            "Action": "lambda:InvokeFunction",
            "Resource": [_arn(function_id), {"Fn::Join": ["", [_arn(function_id), ":*"]]}],  # the function and its versions
        },
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": _arn(_dead_letter_queue(dev))},
    ]
    assert statement_triples(role_statements(dev, role_id)) == statement_triples(expected)
    # Its own: the one schedule's, no function's or other schedule's.
    users = [
        value for value in dev.resources("AWS::Scheduler::Schedule").values() if value["Properties"]["Target"]["RoleArn"] == _arn(role_id)
    ]
    assert len(users) == 1
    assert not [value for value in dev.resources("AWS::Lambda::Function").values() if value["Properties"]["Role"] == _arn(role_id)]


def test_a_failed_run_is_retried_then_recorded_in_the_dead_letter_queue(dev: Synthesized) -> None:
    function_id, _ = _function(dev, DISPATCHER_HANDLER)
    (config,) = [
        value["Properties"]
        for value in dev.resources("AWS::Lambda::EventInvokeConfig").values()
        if value["Properties"]["FunctionName"] == {"Ref": function_id}
    ]
    assert config["MaximumRetryAttempts"] == 2
    assert config["DestinationConfig"] == {"OnFailure": {"Destination": _arn(_dead_letter_queue(dev))}}


def test_the_dead_letter_queue_is_encrypted_tls_only_and_alarmed(dev: Synthesized) -> None:
    """Nothing but the schedule's role and the dispatcher's (its on-failure destination) may send to it, by IAM: the queue
    policy only refuses plain HTTP."""
    dead_letter_id = _dead_letter_queue(dev)
    queue = dev.resources("AWS::SQS::Queue")[dead_letter_id]["Properties"]
    assert queue["SqsManagedSseEnabled"] is True
    assert queue["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert _queue_policy(dev, dead_letter_id) == [{**TLS_ONLY, "Resource": _arn(dead_letter_id)}]
    alarm = _dead_letter_alarm(dev, dead_letter_id)
    _assert_alarm_calls_on_the_first_message(dev, alarm)
    assert alarm["Period"] == 300
    assert "invoke it by hand" in alarm["AlarmDescription"]


def test_the_dispatcher_role_is_exactly_least_privilege(dev: Synthesized) -> None:
    _, function = _function(dev, DISPATCHER_HANDLER)
    table_arn = _table_arn(dev)
    expected: list[dict] = [
        # A delivery: the subscription by its locator, the account (read only), the tallies and the due listing.
        _on_keys("dynamodb:GetItem", table_arn, ["REPORTSUB#*", "REPORTS#*", "ACCOUNT#*"]),
        _on_keys("dynamodb:Query", table_arn, ["REPORTS#*", "REPORTDUE"]),
        # Its claims, then the run, the subscription, its next due entry and CaseReportSent in one transaction.
        _on_keys("dynamodb:PutItem", table_arn, ["REPORTS#*", "REPORTDUE"]),
        _on_keys("dynamodb:DeleteItem", table_arn, ["REPORTDUE"]),  # the due entry delivered
        _sections(dev),
        _archive(dev, "s3:PutObject"),  # it archives the CSV, never reads one back
        _keys(dev, "Data", "Files"),
        # The on-failure destination: Lambda sends the failed invocation's record with the function's role.
        {
            "Effect": "Allow",
            "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
            "Resource": _arn(_dead_letter_queue(dev)),
        },
        *_link_key_sender_and_runtime(dev, function),
    ]
    granted = _granted(dev, function)
    assert granted == _per_key(expected)
    assert not [action for action, _, _ in granted if action in ("dynamodb:Scan", "dynamodb:UpdateItem", "s3:GetObject", "s3:ListBucket")]


# The case events and invitations


def test_the_events_rule_sends_case_events_and_invitations_to_the_queue(dev: Synthesized) -> None:
    queue_id, _, dead_letter_id, _ = _delivery_queues(dev)
    _, rule = dev.one("AWS::Events::Rule", EVENT_DELIVERY)
    properties = rule["Properties"]
    assert properties["EventBusName"] == {"Ref": dev.one("AWS::Events::EventBus", "Events")[0]}
    assert (
        properties["EventPattern"]
        == EVENT_PATTERN
        == {
            "source": ["dss.cases", "dss.reports"],
            "detail-type": ["CaseCreated", "CaseClosed", "CaseReopened", "ReportRecipientsInvited"],
        }
    )
    assert properties["Targets"] == [{"Id": "Target0", "Arn": _arn(queue_id), "DeadLetterConfig": {"Arn": _arn(dead_letter_id)}}]


def test_the_events_queue_has_an_alarmed_dead_letter_queue_and_both_are_encrypted_and_tls_only(dev: Synthesized) -> None:
    queue_id, queue, dead_letter_id, dead_letter = _delivery_queues(dev)
    assert queue["RedrivePolicy"] == {"deadLetterTargetArn": _arn(dead_letter_id), "maxReceiveCount": MAX_RECEIVE_COUNT}
    # AWS's advice for an SQS event source: six times the function's timeout.
    assert queue["VisibilityTimeout"] == VISIBILITY_TIMEOUT_SECONDS >= 6 * _function(dev, EVENTS_HANDLER)[1]["Timeout"]
    assert dead_letter["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert queue["SqsManagedSseEnabled"] is dead_letter["SqsManagedSseEnabled"] is True
    for name in (queue_id, dead_letter_id):
        assert {**TLS_ONLY, "Resource": _arn(name)} in _queue_policy(dev, name)
    _assert_alarm_calls_on_the_first_message(dev, _dead_letter_alarm(dev, dead_letter_id))


def test_the_events_function_reads_the_queue_in_batches_reporting_item_failures(dev: Synthesized) -> None:
    queue_id, *_ = _delivery_queues(dev)
    function_id, _ = _function(dev, EVENTS_HANDLER)
    (mapping,) = [
        value["Properties"]
        for value in dev.resources("AWS::Lambda::EventSourceMapping").values()
        if value["Properties"]["FunctionName"] == {"Ref": function_id}
    ]
    assert mapping["EventSourceArn"] == _arn(queue_id)
    assert mapping["BatchSize"] == BATCH_SIZE == 10
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_the_events_role_is_exactly_least_privilege(dev: Synthesized) -> None:
    _, function = _function(dev, EVENTS_HANDLER)
    queue_id, *_ = _delivery_queues(dev)
    table_arn = _table_arn(dev)
    expected: list[dict] = [
        # An invitation: the subscription by its locator and the account (read only).
        _on_keys("dynamodb:GetItem", table_arn, ["REPORTSUB#*", "REPORTS#*", "ACCOUNT#*"]),
        # A tally change: the event's mark and the buckets, one transaction; an invitation's claims.
        _on_keys("dynamodb:PutItem", table_arn, ["REPORTS#*"]),
        _on_keys("dynamodb:UpdateItem", table_arn, ["REPORTS#*"]),
        _keys(dev, "Data"),
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
        *_link_key_sender_and_runtime(dev, function),
    ]
    granted = _granted(dev, function)
    assert granted == _per_key(expected)
    assert not [action for action, _, _ in granted if action.startswith("s3:") or action == "dynamodb:Query"]


# Operations


def test_the_dead_letter_queues_are_outputs_and_every_reports_queue_is_on_the_dashboard(dev: Synthesized) -> None:
    outputs = dev.template.to_json()["Outputs"]
    assert outputs["ReportsDeadLetterQueueUrl"]["Value"] == {"Ref": _dead_letter_queue(dev)}
    assert outputs["ReportsEventsDeadLetterQueueUrl"]["Value"] == {"Ref": _delivery_queues(dev)[2]}
    _, dashboard = dev.only("AWS::CloudWatch::Dashboard")
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for queue_id in (_dead_letter_queue(dev), *_delivery_queues(dev)[::2]):
        assert json.dumps({"Fn::GetAtt": [queue_id, "QueueName"]}) in body, queue_id
