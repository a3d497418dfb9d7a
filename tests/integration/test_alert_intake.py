"""Monitoring integrations and the intake through the real handlers under moto: staff create, rotate and
disable integrations; senders' events are queued with one SQS send and no database call, bad credentials get
one 401 and nothing is sent."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import boto3
import pytest

from bench.aws_calls import count_aws_calls
from functions.alerts.handlers.intake import lambda_handler as intake_handler
from functions.alerts.logic.credentials import sign_webhook
from functions.alerts.logic.dependencies import dependencies
from functions.shared.clock import FixedClock
from local.api_gateway import proxy_event
from local.http_adapter import LambdaContext

PAYLOAD = {"summary": "CPU 99%", "source": "ic-01", "severity": "critical"}
TRIGGER = {"event_action": "trigger", "dedup_key": "ic-01/cpu", "payload": PAYLOAD}
SEND = Counter({("SQS", "SendMessage"): 1})


def send(path: str, body: dict | str, headers: dict | None = None) -> tuple[int, dict]:
    text = body if isinstance(body, str) else json.dumps(body)
    response = intake_handler(proxy_event("POST", path, body=text, headers=headers or {}), LambdaContext())
    return response["statusCode"], json.loads(response["body"])


def queued(local_aws) -> list[dict]:
    sqs = boto3.client("sqs")
    messages = sqs.receive_message(QueueUrl=local_aws.resources.alerts_queue_url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(message["Body"]) for message in messages]


@pytest.fixture
def integration(local_aws):
    body = {"accountId": "acme", "name": "Alertmanager"}
    created = local_aws.call("POST", "/alerts/integrations", api="alerts", user="engineer", body=body)
    assert created.status == 201, created
    return created.body


def test_staff_create_an_integration_and_a_pagerduty_sender_uses_its_routing_key(local_aws, integration):
    assert integration["status"] == "active" and integration["accountId"] == "acme"
    key = integration["credentials"]["routingKey"]
    assert len(key) == 32

    status, answer = send("/alerts/v1/enqueue", {**TRIGGER, "routing_key": key})

    assert (status, answer) == (202, {"status": "success", "message": "Event processed", "dedup_key": "ic-01/cpu"})
    (message,) = queued(local_aws)
    assert (message["accountId"], message["integrationId"], message["channel"]) == ("acme", integration["integrationId"], "events-api")
    assert message["event"]["payload"]["source"] == "ic-01" and message["event"]["routing_key"] == ""


def test_the_intake_makes_one_queue_send_and_no_database_call_once_warm(local_aws, integration):
    key = integration["credentials"]["routingKey"]
    with count_aws_calls() as first:
        assert send("/alerts/v1/enqueue", {**TRIGGER, "routing_key": key})[0] == 202
    with count_aws_calls() as warm:
        for _ in range(5):
            assert send("/alerts/v1/enqueue", {**TRIGGER, "routing_key": key})[0] == 202
    first.pop(("Secrets Manager", "GetSecretValue"), None)  # the master key, once per container
    assert first == SEND + Counter({("DynamoDB", "GetItem"): 1})  # the integration, once per 60 s per container
    assert warm == Counter({("SQS", "SendMessage"): 5})


def test_bad_unknown_and_disabled_credentials_are_one_401_and_send_nothing(local_aws, integration):
    key = integration["credentials"]["routingKey"]
    forged = key[:-1] + ("a" if key[-1] != "a" else "b")
    with count_aws_calls() as calls:
        for routing_key in (forged, "x" * 32, ""):
            status, answer = send("/alerts/v1/enqueue", {**TRIGGER, "routing_key": routing_key})
            assert (status, answer["error"]) == (401, "invalid_credential")
    calls.pop(("Secrets Manager", "GetSecretValue"), None)
    assert calls == Counter()  # a forged key costs no database read and no send

    disabled = local_aws.call("POST", f"/alerts/integrations/{integration['integrationId']}/disable", api="alerts", user="engineer")
    assert disabled.status == 200 and disabled.body["credentials"] is None
    dependencies().integration_cache.clock = FixedClock(datetime.now(UTC).replace(year=2099))  # past the cache's staleness
    status, answer = send("/alerts/v1/enqueue", {**TRIGGER, "routing_key": key})
    assert status == 401 and answer["message"].startswith("The credential is not valid")
    assert queued(local_aws) == []


def test_an_invalid_event_is_pagerdutys_400_with_what_to_fix(local_aws, integration):
    key = integration["credentials"]["routingKey"]
    status, answer = send("/alerts/v1/enqueue", {"routing_key": key, "event_action": "resolve"})
    assert status == 400
    assert (answer["status"], answer["message"], answer["error"]) == ("invalid event", "Event object is invalid", "invalid_event")
    assert answer["errors"] and answer["errors"][0].startswith("dedup_key:")
    assert send("/alerts/v1/enqueue", "{not json")[0] == 400  # a body that is no JSON has no routing key either: 400, not 500
    assert queued(local_aws) == []


def test_rotation_keeps_the_old_key_for_the_overlap_and_issues_a_new_one(local_aws, integration):
    old = integration["credentials"]["routingKey"]
    rotated = local_aws.call("POST", f"/alerts/integrations/{integration['integrationId']}/rotate", api="alerts", user="engineer")
    assert rotated.status == 200 and rotated.body["generation"] == 1
    new = rotated.body["credentials"]["routingKey"]
    assert new != old and rotated.body["previousGenerationValidUntil"]
    dependencies().integration_cache.clock = FixedClock(datetime.now(UTC).replace(year=2099))  # read the rotation now
    for key in (old, new):
        assert send("/alerts/v1/enqueue", {**TRIGGER, "routing_key": key})[0] == 202


def test_a_signed_webhook_is_accepted_and_a_badly_signed_one_is_401(local_aws, integration):
    path = integration["credentials"]["webhookUrlPath"]
    body = json.dumps(TRIGGER)
    stamp = int(datetime.now(UTC).timestamp())
    signature = sign_webhook(integration["credentials"]["webhookSecret"], "msg_1", stamp, body.encode())
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(stamp), "webhook-signature": signature}
    assert send(path, body, headers) == (202, {"status": "success", "message": "Event processed", "dedup_key": "ic-01/cpu"})
    assert send(path, body + " ", headers)[0] == 401
    assert [message["eventId"] for message in queued(local_aws)] == [f"webhook:{integration['integrationId']}:msg_1"]


def test_integrations_are_staffs_and_customers_see_their_own_without_credentials(local_aws, integration):
    integration_id = integration["integrationId"]
    refused = local_aws.call("POST", "/alerts/integrations", api="alerts", user="customer", body={"accountId": "acme", "name": "Mine"})
    assert refused.status == 403
    own = local_aws.call("GET", f"/alerts/integrations/{integration_id}", api="alerts", user="customer")
    assert own.status == 200 and own.body["credentials"] is None
    assert local_aws.call("GET", f"/alerts/integrations/{integration_id}", api="alerts", user="other_customer").status == 404
    listed = local_aws.call("GET", "/alerts/integrations", api="alerts", user="customer", query={"accountId": "acme"})
    assert [item["integrationId"] for item in listed.body["items"]] == [integration_id]
    assert local_aws.call("GET", "/alerts/integrations", api="alerts", user="customer", query={"accountId": "globex"}).status == 404
    unknown_account = local_aws.call("POST", "/alerts/integrations", api="alerts", user="engineer", body={"accountId": "nope", "name": "x"})
    assert (unknown_account.status, unknown_account.body["field"]) == (404, "accountId")


def test_creating_with_an_idempotency_key_twice_makes_one_integration(local_aws):
    body, headers = {"accountId": "globex", "name": "Grafana"}, {"Idempotency-Key": "grafana-1"}
    first = local_aws.call("POST", "/alerts/integrations", api="alerts", user="engineer", body=body, headers=headers)
    again = local_aws.call("POST", "/alerts/integrations", api="alerts", user="engineer", body=body, headers=headers)
    assert first.status == again.status == 201
    assert again.body == first.body and again.headers.get("idempotent-replayed") == "true"
    listed = local_aws.call("GET", "/alerts/integrations", api="alerts", user="engineer", query={"accountId": "globex"})
    assert len(listed.body["items"]) == 1
