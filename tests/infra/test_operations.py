"""Operations: every alarm of the stack calls the stage's operations topic (KMS-encrypted, TLS-only, an email
subscription when configured), every function has error and throttle alarms, and one dashboard shows the desk."""

from __future__ import annotations

import json

import pytest
from aws_cdk import App
from aws_cdk.assertions import Template

from infra.app import build_app
from infra.components.operations import PUBLISH_FAILED_METRIC, PUBLISHED_METRIC
from infra.config import stage_config, with_alarm_email
from infra.constants import POWERTOOLS_METRICS_NAMESPACE, REPO_ROOT

from .synth import build_layer, cdk_context

pytestmark = pytest.mark.slow

COMPONENT = "Operations"
PUBLISHER_HANDLER_SOURCE = REPO_ROOT / "functions" / "outbox" / "handlers" / "handle_table_stream.py"


def _arn(logical_id: str, attribute: str = "Arn") -> dict:
    return {"Fn::GetAtt": [logical_id, attribute]}


def _topic(synth) -> tuple[str, dict]:
    topic_id, topic = synth.only("AWS::SNS::Topic")
    assert topic_id.startswith(COMPONENT)
    return topic_id, topic["Properties"]


# The topic


def test_the_topic_is_encrypted_with_its_own_rotated_key_that_cloudwatch_may_use(dev):
    _, topic = _topic(dev)
    key_id, key = dev.one("AWS::KMS::Key", COMPONENT)
    assert topic["KmsMasterKeyId"] == _arn(key_id)
    assert key["Properties"]["EnableKeyRotation"] is True
    assert {
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
        "Effect": "Allow",
        "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Resource": "*",
    } in key["Properties"]["KeyPolicy"]["Statement"]


def test_the_topic_takes_tls_only_and_only_this_accounts_alarms_may_publish(dev):
    topic_id, _ = _topic(dev)
    policy = dev.only("AWS::SNS::TopicPolicy")[1]["Properties"]
    assert policy["Topics"] == [{"Ref": topic_id}]
    statements = [{key: value for key, value in statement.items() if key != "Sid"} for statement in policy["PolicyDocument"]["Statement"]]
    assert statements == [
        {
            "Action": "sns:Publish",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            "Effect": "Deny",
            "Principal": "*",
            "Resource": {"Ref": topic_id},
        },
        {
            "Action": "sns:Publish",
            "Condition": {
                "ArnLike": {
                    "aws:SourceArn": {
                        "Fn::Join": [
                            "",
                            [
                                "arn:",
                                {"Ref": "AWS::Partition"},
                                ":cloudwatch:",
                                {"Ref": "AWS::Region"},
                                ":",
                                {"Ref": "AWS::AccountId"},
                                ":alarm:*",
                            ],
                        ]
                    }
                },
                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
            },
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Resource": {"Ref": topic_id},
        },
    ]


def test_no_subscription_unless_an_alarm_email_is_configured(dev, prod):
    for synth in (dev, prod):
        assert synth.config.alarm_email is None
        assert not synth.resources("AWS::SNS::Subscription")


def test_alarm_email_from_the_context_subscribes_to_the_topic(tmp_path):
    build_layer()
    app, stack = build_app(App(context=cdk_context("dev") | {"alarmEmail": "ops@example.com"}, outdir=str(tmp_path)))
    template = Template.from_stack(stack)  # with cdk-nag, as every synth
    (topic_id,) = template.find_resources("AWS::SNS::Topic")
    (subscription,) = template.find_resources("AWS::SNS::Subscription").values()
    assert subscription["Properties"] == {"Protocol": "email", "Endpoint": "ops@example.com", "TopicArn": {"Ref": topic_id}}


def test_a_malformed_alarm_email_fails_the_synth():
    config = stage_config("dev")
    assert with_alarm_email(config, None) is config
    assert with_alarm_email(config, "").alarm_email is None
    assert with_alarm_email(config, "ops@example.com").alarm_email == "ops@example.com"
    for typo in ("ops", "ops@example", "ops@example.com,dev@example.com", "ops @example.com"):
        with pytest.raises(ValueError, match="alarmEmail"):
            with_alarm_email(config, typo)


# The alarms


def test_every_alarm_calls_the_operations_topic_when_it_fires_and_when_it_clears(dev, prod):
    for synth in (dev, prod):
        topic_id, _ = _topic(synth)
        alarms = synth.resources("AWS::CloudWatch::Alarm")
        assert len(alarms) >= 28
        for alarm_id, alarm in alarms.items():
            properties = alarm["Properties"]
            assert properties["AlarmActions"] == [{"Ref": topic_id}], alarm_id
            assert properties["OKActions"] == [{"Ref": topic_id}], alarm_id
            assert properties.get("ActionsEnabled", True) is True, alarm_id
            assert len(properties["AlarmDescription"]) >= 60, alarm_id  # says what to do
        assert not synth.resources("AWS::CloudWatch::CompositeAlarm")


def test_every_function_has_error_and_throttle_alarms(dev):
    alarmed = {
        (alarm["Properties"]["MetricName"], alarm["Properties"]["Dimensions"][0]["Value"]["Ref"])
        for alarm in dev.resources("AWS::CloudWatch::Alarm").values()
        if alarm["Properties"]["Namespace"] == "AWS/Lambda" and alarm["Properties"]["MetricName"] in ("Errors", "Throttles")
    }
    functions = dev.resources("AWS::Lambda::Function")
    # 11, the alerts processor, the incident timer step, the alerts case events and the bus intake, the reports API,
    # dispatcher and events functions, and the updates API and job.
    assert len(functions) == 20
    assert alarmed == {(metric, function_id) for function_id in functions for metric in ("Errors", "Throttles")}
    for alarm in dev.resources("AWS::CloudWatch::Alarm").values():
        properties = alarm["Properties"]
        if properties["Namespace"] == "AWS/Lambda" and properties["MetricName"] in ("Errors", "Throttles"):
            assert (properties["Statistic"], properties["Period"], properties["Threshold"]) == ("Sum", 300, 1)
            assert properties["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
            assert properties["TreatMissingData"] == "notBreaching"


def test_every_dead_letter_queue_has_an_alarm(dev):
    alarmed = {
        alarm["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for alarm in dev.resources("AWS::CloudWatch::Alarm").values()
        if alarm["Properties"]["Namespace"] == "AWS/SQS"
    }
    queues = dev.resources("AWS::SQS::Queue")
    dead_letter_queues = {
        queue["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for queue in queues.values()
        if "RedrivePolicy" in queue["Properties"]
    }
    destinations = {
        json.dumps(value)
        for resource in (
            *dev.resources("AWS::Lambda::EventSourceMapping").values(),
            *dev.resources("AWS::Lambda::EventInvokeConfig").values(),
        )
        for value in [resource["Properties"].get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")]
        if value
    }
    on_failure = {queue_id for queue_id in queues if json.dumps(_arn(queue_id)) in destinations}
    assert on_failure and dead_letter_queues
    assert dead_letter_queues | on_failure <= alarmed


# The dashboard


def _render(value) -> str:
    """The dashboard body with each reference as its logical id (`X`) or attribute (`X.Attr`), so it parses."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(_render(part) for part in parts)
    if "Ref" in value:
        return value["Ref"]
    if "Fn::GetAtt" in value:
        return ".".join(value["Fn::GetAtt"])
    raise AssertionError(f"unexpected token in the dashboard body: {value}")


def _dashboard(synth) -> tuple[str, list[dict]]:
    dashboard_id, dashboard = synth.only("AWS::CloudWatch::Dashboard")
    assert dashboard_id.startswith(COMPONENT)
    return dashboard["Properties"]["DashboardName"], json.loads(_render(dashboard["Properties"]["DashboardBody"]))["widgets"]


def _metrics(widgets: list[dict]) -> set[tuple[str, str, str]]:
    """(namespace, metric name, first dimension value) of every graphed metric."""
    return {(metric[0], metric[1], metric[3]) for widget in widgets for metric in widget["properties"].get("metrics", [])}


def test_one_dashboard_per_stage(dev, prod):
    assert _dashboard(dev)[0] == "dss-dev"
    assert _dashboard(prod)[0] == "dss-prod"


def test_the_dashboard_shows_the_api(dev):
    metrics = _metrics(_dashboard(dev)[1])
    for name in ("Count", "Latency", "IntegrationLatency", "4XXError", "5XXError"):
        assert ("AWS/ApiGateway", name, "dss-dev-api") in metrics, name


def test_the_dashboard_shows_every_queue_and_dead_letter_queue(dev):
    metrics = _metrics(_dashboard(dev)[1])
    for queue_id in dev.resources("AWS::SQS::Queue"):
        assert ("AWS/SQS", "ApproximateNumberOfMessagesVisible", f"{queue_id}.QueueName") in metrics, queue_id
    consumed = {queue_id for queue_id, queue in dev.resources("AWS::SQS::Queue").items() if "RedrivePolicy" in queue["Properties"]}
    # notifications, followups, the cases domain's, the alerts queue, the alerts case events, the reports events
    assert len(consumed) == 6
    for queue_id in consumed:
        assert ("AWS/SQS", "ApproximateAgeOfOldestMessage", f"{queue_id}.QueueName") in metrics, queue_id


def test_the_dashboard_shows_the_timers(dev):
    metrics = _metrics(_dashboard(dev)[1])
    machines = dev.resources("AWS::StepFunctions::StateMachine")
    assert len(machines) == 3  # the follow-up ladder, the response escalation, the incident timer
    for machine_id in machines:
        for name in ("ExecutionsStarted", "ExecutionsFailed", "ExecutionsTimedOut"):
            assert ("AWS/States", name, machine_id) in metrics, (machine_id, name)


def test_the_dashboard_shows_every_functions_errors_and_the_publishers_lag_and_failures(dev):
    metrics = _metrics(_dashboard(dev)[1])
    for function_id in dev.resources("AWS::Lambda::Function"):
        assert ("AWS/Lambda", "Errors", function_id) in metrics, function_id
        assert ("AWS/Lambda", "Throttles", function_id) in metrics, function_id
    (publisher_id,) = [key for key in dev.resources("AWS::Lambda::Function") if key.startswith("OutboxPublisher")]
    assert ("AWS/Lambda", "IteratorAge", publisher_id) in metrics
    assert (POWERTOOLS_METRICS_NAMESPACE, PUBLISH_FAILED_METRIC, "dss") in metrics
    assert (POWERTOOLS_METRICS_NAMESPACE, PUBLISHED_METRIC, "dss") in metrics


def test_the_publisher_emits_the_metrics_the_dashboard_shows():
    source = PUBLISHER_HANDLER_SOURCE.read_text()
    for name in (PUBLISHED_METRIC, PUBLISH_FAILED_METRIC):
        assert f'"{name}"' in source, f"{name}: the dashboard graphs a metric the publisher does not emit"


def test_the_dashboard_lists_every_alarm(dev):
    (alarm_widget,) = [widget for widget in _dashboard(dev)[1] if widget["type"] == "alarm"]
    assert set(alarm_widget["properties"]["alarms"]) == {f"{alarm_id}.Arn" for alarm_id in dev.resources("AWS::CloudWatch::Alarm")}
