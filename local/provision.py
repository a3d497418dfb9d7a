"""Creates the AWS resources the product needs in an emulator (moto), from the same definitions the
stack uses: the table from the pynamodb models (the infra tests hold the CDK table to them), the bus by
name, and the page-token secret. Used by the local stack and by the tests."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import boto3

from functions.cases.dal.tables import CaseItem, IdempotencyItem, bind_tables


@dataclass(frozen=True)
class LocalResources:
    table_name: str
    event_bus_name: str
    page_token_secret_arn: str
    events_queue_url: str  # every event on the bus lands here, so it can be inspected

    def environment(self) -> dict[str, str]:
        return {
            "TABLE_NAME": self.table_name,
            "EVENT_BUS_NAME": self.event_bus_name,
            "PAGE_TOKEN_SECRET_ARN": self.page_token_secret_arn,
        }


def provision(prefix: str = "dss-local") -> LocalResources:
    table_name, bus_name = f"{prefix}-support", f"{prefix}-support"
    bind_tables(table_name)  # CaseItem declares the whole key schema and every index
    if not CaseItem.exists():
        CaseItem.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
        boto3.client("dynamodb").update_time_to_live(
            TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": IdempotencyItem.expires_at.attr_name}
        )
    events = boto3.client("events")
    if bus_name not in [bus["Name"] for bus in events.list_event_buses(NamePrefix=bus_name)["EventBuses"]]:
        events.create_event_bus(Name=bus_name)
    sqs = boto3.client("sqs")
    queue_url = sqs.create_queue(QueueName=f"{prefix}-all-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name=f"{prefix}-all-events", EventBusName=bus_name, EventPattern='{"source": [{"prefix": "dss."}]}')
    events.put_targets(Rule=f"{prefix}-all-events", EventBusName=bus_name, Targets=[{"Id": "inspect", "Arn": queue_arn}])
    secretsmanager = boto3.client("secretsmanager")
    secret_name = f"{prefix}/page-token-key"
    try:
        secret_arn = secretsmanager.describe_secret(SecretId=secret_name)["ARN"]
    except secretsmanager.exceptions.ResourceNotFoundException:
        secret_arn = secretsmanager.create_secret(Name=secret_name, SecretString=secrets.token_urlsafe(48))["ARN"]
    return LocalResources(table_name, bus_name, secret_arn, queue_url)
