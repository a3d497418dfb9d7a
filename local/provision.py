"""Creates the AWS resources the product needs in an emulator (moto), from the same definitions the
stack uses: the table from the pynamodb models (the infra tests hold the CDK table to them), the bus by
name, the secrets, and the notifications delivery path (rule pattern, queue and dead-letter queue from
functions/notifications/models/delivery.py) with a verified SES sender. Used by the local stack and by
the tests."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

import boto3

from functions.cases.dal.tables import CaseItem, IdempotencyItem, bind_tables
from functions.notifications.models.delivery import EVENT_PATTERN, MAX_RECEIVE_COUNT, VISIBILITY_TIMEOUT_SECONDS
from functions.shared.dal.directory import DIRECTORY_MODELS
from functions.shared.dal.table import bind_models

LOCAL_SENDER_EMAIL = "notifications@support.example"
# Where emails link cases to; `make run` points it at its local API (GET /cases/<n>) unless PORTAL_URL is set.
LOCAL_PORTAL_URL = "http://127.0.0.1:3000"


@dataclass(frozen=True)
class LocalResources:
    table_name: str
    event_bus_name: str
    page_token_secret_arn: str
    events_queue_url: str  # every event on the bus lands here, so it can be inspected
    reference_secret_arn: str
    notifications_queue_url: str  # the notifications rule's target (what the Lambda's event source reads)
    notifications_queue_arn: str
    sender_email: str = LOCAL_SENDER_EMAIL
    portal_url: str = LOCAL_PORTAL_URL

    def environment(self) -> dict[str, str]:
        return {
            "TABLE_NAME": self.table_name,
            "EVENT_BUS_NAME": self.event_bus_name,
            "PAGE_TOKEN_SECRET_ARN": self.page_token_secret_arn,
            "REFERENCE_SECRET_ARN": self.reference_secret_arn,
            "SENDER_EMAIL": self.sender_email,
            "PORTAL_URL": self.portal_url,
        }


def provision(prefix: str = "dss-local") -> LocalResources:
    table_name, bus_name = f"{prefix}-support", f"{prefix}-support"
    bind_tables(table_name)  # CaseItem declares the whole key schema and every index
    bind_models(table_name, DIRECTORY_MODELS)
    if not CaseItem.exists():
        CaseItem.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
        boto3.client("dynamodb").update_time_to_live(
            TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": IdempotencyItem.expires_at.attr_name}
        )
    events = boto3.client("events")
    if bus_name not in [bus["Name"] for bus in events.list_event_buses(NamePrefix=bus_name)["EventBuses"]]:
        events.create_event_bus(Name=bus_name)
    events_queue_url, events_queue_arn = _queue(f"{prefix}-all-events")
    _route(bus_name, f"{prefix}-all-events", {"source": [{"prefix": "dss."}]}, events_queue_arn)
    notifications_queue_url, notifications_queue_arn = _notifications_queue(f"{prefix}-notifications")
    _route(bus_name, f"{prefix}-notifications", EVENT_PATTERN, notifications_queue_arn)
    boto3.client("ses").verify_email_identity(EmailAddress=LOCAL_SENDER_EMAIL)  # moto sends only from verified identities
    return LocalResources(
        table_name=table_name,
        event_bus_name=bus_name,
        page_token_secret_arn=_secret(f"{prefix}/page-token-key"),
        events_queue_url=events_queue_url,
        reference_secret_arn=_secret(f"{prefix}/reference-id-key"),
        notifications_queue_url=notifications_queue_url,
        notifications_queue_arn=notifications_queue_arn,
    )


def _queue(name: str, **attributes: str) -> tuple[str, str]:
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def _notifications_queue(name: str) -> tuple[str, str]:
    _, dead_letter_arn = _queue(f"{name}-dlq")
    redrive = json.dumps({"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": MAX_RECEIVE_COUNT})
    return _queue(name, VisibilityTimeout=str(VISIBILITY_TIMEOUT_SECONDS), RedrivePolicy=redrive)


def _route(bus_name: str, rule_name: str, pattern: dict, queue_arn: str) -> None:
    events = boto3.client("events")
    events.put_rule(Name=rule_name, EventBusName=bus_name, EventPattern=json.dumps(pattern))
    events.put_targets(Rule=rule_name, EventBusName=bus_name, Targets=[{"Id": "queue", "Arn": queue_arn}])


def _secret(name: str) -> str:
    secretsmanager = boto3.client("secretsmanager")
    try:
        return secretsmanager.describe_secret(SecretId=name)["ARN"]
    except secretsmanager.exceptions.ResourceNotFoundException:
        return secretsmanager.create_secret(Name=name, SecretString=secrets.token_urlsafe(48))["ARN"]
