"""The dss-monitoring bus's intake through its real handler under moto: a CloudWatch alarm state change from an
AWS account an integration claims is queued as that integration's alert (ALARM triggers, OK resolves), like a
`dss.monitoring` event; events of unclaimed accounts, disabled integrations and other kinds queue nothing.
moto emits no event for set_alarm_state, so the events are fixtures in CloudWatch's documented shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3
import pytest

from functions.alerts.handlers.handle_monitoring_bus import lambda_handler as bus_intake
from functions.alerts.logic.dependencies import dependencies
from functions.shared.clock import FixedClock
from local.http_adapter import LambdaContext

SENDER = "111122223333"
ALARM_ARN = f"arn:aws:cloudwatch:us-east-1:{SENDER}:alarm:ic-01-cpu"


def alarm_event(state: str, *, account: str = SENDER, event_id: str = "e-1") -> dict:
    return {
        "version": "0",
        "id": event_id,
        "detail-type": "CloudWatch Alarm State Change",
        "source": "aws.cloudwatch",
        "account": account,
        "time": "2026-12-08T15:00:00Z",
        "region": "us-east-1",
        "resources": [ALARM_ARN],
        "detail": {
            "alarmName": "ic-01-cpu",
            "state": {
                "value": state,
                "reason": "Threshold Crossed: 1 datapoint [97.0] > 90.0",
                "timestamp": "2026-12-08T15:00:00.000+0000",
            },
            "previousState": {"value": "OK"},
            "configuration": {
                "metrics": [
                    {
                        "id": "m1",
                        "metricStat": {
                            "metric": {"namespace": "AWS/EC2", "name": "CPUUtilization", "dimensions": {"InstanceId": "i-0abc"}}
                        },
                    }
                ]
            },
        },
    }


def deliver(event: dict) -> bool:
    return bus_intake(event, LambdaContext("monitoring-bus", timeout_seconds=30))["queued"]


def queued(local_aws) -> list[dict]:
    messages = (
        boto3.client("sqs").receive_message(QueueUrl=local_aws.resources.alerts_queue_url, MaxNumberOfMessages=10).get("Messages", [])
    )
    return [json.loads(message["Body"]) for message in messages]


@pytest.fixture
def integration(local_aws):
    body = {"accountId": "acme", "name": "CloudWatch (prod)", "awsAccountIds": [SENDER]}
    created = local_aws.call("POST", "/alerts/integrations", api="alerts", user="engineer", body=body)
    assert created.status == 201, created
    return created.body


def test_an_alarm_and_its_recovery_are_the_claiming_integrations_alert(local_aws, integration):
    assert integration["awsAccountIds"] == [SENDER]

    assert deliver(alarm_event("ALARM")) and deliver(alarm_event("OK", event_id="e-2"))

    trigger, recovery = queued(local_aws)
    assert (trigger["accountId"], trigger["channel"], trigger["dedupKey"], trigger["eventId"]) == (
        "acme",
        "eventbridge",
        ALARM_ARN,
        "eventbridge:e-1",
    )
    payload = trigger["event"]["payload"]
    assert (payload["source"], payload["severity"], payload["component"], payload["class"]) == (
        "i-0abc",
        "critical",
        "AWS/EC2",
        "CPUUtilization",
    )
    assert (recovery["event"]["event_action"], recovery["dedupKey"]) == ("resolve", ALARM_ARN)


def test_a_dss_monitoring_event_is_a_pagerduty_event(local_aws, integration):
    pagerduty = {
        "event_action": "trigger",
        "dedup_key": "sip-01/registrations",
        "payload": {"summary": "SIP registrations failing", "source": "sip-01", "severity": "error"},
    }  # noqa: E501
    event = {"id": "e-9", "source": "dss.monitoring", "detail-type": "Alert", "account": SENDER, "detail": pagerduty}

    assert deliver(event)

    (message,) = queued(local_aws)
    assert (message["dedupKey"], message["event"]["payload"]["source"]) == ("sip-01/registrations", "sip-01")


def test_unclaimed_accounts_disabled_integrations_and_other_events_queue_nothing(local_aws, integration):
    assert not deliver(alarm_event("ALARM", account="999999999999"))
    assert not deliver(alarm_event("INSUFFICIENT_DATA"))
    assert not deliver({**alarm_event("ALARM"), "detail-type": "CloudWatch Alarm Configuration Change"})
    assert not deliver({"id": "e-3", "source": "dss.monitoring", "account": SENDER, "detail": {"event_action": "trigger"}})  # no payload

    disabled = local_aws.call("POST", f"/alerts/integrations/{integration['integrationId']}/disable", api="alerts", user="engineer")
    assert disabled.status == 200, disabled
    dependencies().integration_cache.clock = FixedClock(datetime.now(UTC).replace(year=2099))  # past the cache's staleness
    assert not deliver(alarm_event("ALARM"))
    assert queued(local_aws) == []


def test_an_aws_account_sends_through_one_integration_only(local_aws, integration):
    body = {"accountId": "globex", "name": "CloudWatch", "awsAccountIds": [SENDER]}

    refused = local_aws.call("POST", "/alerts/integrations", api="alerts", user="engineer", body=body)

    assert (refused.status, refused.body["error"], refused.body["field"]) == (409, "aws_account_taken", "awsAccountIds")


def test_an_aws_account_listed_twice_is_refused_with_the_field(local_aws):
    body = {"accountId": "acme", "name": "CloudWatch", "awsAccountIds": [SENDER, SENDER]}

    refused = local_aws.call("POST", "/alerts/integrations", api="alerts", user="engineer", body=body)

    assert (refused.status, refused.body["error"], refused.body["field"]) == (422, "validation_error", "awsAccountIds"), refused
