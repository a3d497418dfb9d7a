"""The transactional outbox's publisher (docs/architecture.md, Architecture): every change writes its events as items of the
support table (sort key `EVENT#…`) in its own transaction; the table's stream hands the new ones to this
Lambda (functions/outbox), the only function allowed to put events on the bus. An event source mapping
filtered to outbox inserts, in stream order per case, with partial batch responses, bisection, bounded
retries and an on-failure queue; alarms on that queue and on the publish lag (IteratorAge). Why a Lambda
and not EventBridge Pipes: docs/operations.md."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.shared.dal.outbox import OUTBOX_SORT_PREFIX
from infra.components.data import Data
from infra.components.event_queue import DEAD_LETTER_RETENTION
from infra.components.events import Events
from infra.components.function import DomainFunction
from infra.components.shared import SharedRuntime
from infra.config import StageConfig

HANDLER = "functions.outbox.handlers.handle_table_stream.lambda_handler"
# Up to 100 records make at least 10 sequential PutEvents calls (10 entries each), each with the SDK's retries.
TIMEOUT = Duration.seconds(60)
BATCH_SIZE = 100
# Waiting up to a second fills batches under load (fewer invocations and fuller PutEvents calls); a second
# more before an email or a timer starts is nothing.
MAX_BATCHING_WINDOW = Duration.seconds(1)
# One batch per shard at a time: a case's events (one partition key, so one shard) reach the bus in the order
# they were committed.
PARALLELIZATION_FACTOR = 1
# A record that still fails after this many retries (bisection isolates it first) goes to the on-failure queue,
# so one poison event cannot block its shard for the stream's whole 24 h retention. An outage of the bus
# outlasting the retries is seen sooner by the IteratorAge alarm.
RETRY_ATTEMPTS = 10
# Bounds the retries in time as well (e.g. while the function is throttled), well inside the stream's 24 h
# retention: the on-failure message only points at the records (shard and sequence numbers), so whoever
# republishes them has at least 18 hours to read them from the stream (docs/operations.md).
MAX_RECORD_AGE = Duration.hours(6)
# Events normally leave within seconds. Two minutes behind for three minutes running means the publisher is
# failing (retrying a batch) or starved: emails and timers are late.
PUBLISH_LAG_THRESHOLD = Duration.minutes(2)
PUBLISH_LAG_PERIODS = 3


def outbox_inserts() -> Mapping[str, Any]:
    """The mapping's filter: only new items whose sort key starts `EVENT#` invoke the publisher; every other
    write of the table (cases, history, TTL deletions of expired outbox items) never does."""
    return lambda_.FilterCriteria.filter(
        {
            "eventName": lambda_.FilterRule.is_equal("INSERT"),
            "dynamodb": {"NewImage": {"sk": {"S": lambda_.FilterRule.begins_with(OUTBOX_SORT_PREFIX)}}},
        }
    )


class Outbox(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, config: StageConfig, data: Data, events: Events, shared: SharedRuntime
    ) -> None:
        super().__init__(scope, construct_id)
        self.failure_queue = sqs.Queue(
            self,
            "FailureQueue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=DEAD_LETTER_RETENTION,
        )
        Validations.of(self.failure_queue).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SQS3",
                reason="This queue is itself the dead end: the on-failure destination of the outbox publisher's stream "
                "mapping (pointers to stream records it could not publish). Its alarm calls a human; nothing consumes "
                "it, so it needs no dead-letter queue of its own.",
            )
        )
        self.publisher = DomainFunction(
            self,
            "Publisher",
            config=config,
            name="outbox publisher",
            description="Outbox publisher: puts the events committed to the table (its stream) on the bus, in order",
            handler=HANDLER,
            timeout=TIMEOUT,
            layer=shared.layer,
            environment={"EVENT_BUS_NAME": events.bus.event_bus_name},
            also_unscoped="dynamodb:ListStreams, which Lambda's stream polling requires and which DynamoDB supports "
            "only on resource *; it lists stream ARNs, never data (the records are read on this table's stream alone).",
        )
        self.function = self.publisher.function
        # Grants the role the stream reads the mapping needs (DescribeStream, GetRecords, GetShardIterator on this
        # table's stream, ListStreams, Decrypt with the table's key) and SendMessage on the failure queue.
        self.function.add_event_source(
            event_sources.DynamoEventSource(
                data.table,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=BATCH_SIZE,
                max_batching_window=MAX_BATCHING_WINDOW,
                parallelization_factor=PARALLELIZATION_FACTOR,
                bisect_batch_on_error=True,
                report_batch_item_failures=True,
                retry_attempts=RETRY_ATTEMPTS,
                max_record_age=MAX_RECORD_AGE,
                on_failure=event_sources.SqsDlq(self.failure_queue),
                filters=[outbox_inserts()],
            )
        )
        self.publisher.grant(iam.PolicyStatement(actions=["events:PutEvents"], resources=[events.bus.event_bus_arn]))

        self.failure_alarm = cloudwatch.Alarm(
            self,
            "FailureAlarm",
            alarm_description="Events committed to the table did not reach the bus: the outbox publisher gave up on "
            "stream records after its retries (or 6 h). Each message names the shard and sequence numbers, not the "
            "events. Within 24 h of the writes, read those records from the stream and invoke the publisher with "
            "them (docs/operations.md, 'Outbox on-failure queue'); consumers deduplicate on eventKey.",
            metric=self.failure_queue.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(1), statistic=cloudwatch.Stats.MAXIMUM
            ),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        # IteratorAge: how old the last record of a batch is when the publisher receives it, i.e. how long
        # committed events wait before they go on the bus.
        self.publish_lag = self.function.metric("IteratorAge", period=Duration.minutes(1), statistic=cloudwatch.Stats.MAXIMUM)
        self.lag_alarm = cloudwatch.Alarm(
            self,
            "PublishLagAlarm",
            alarm_description="Events are leaving the table late (the publisher's IteratorAge is over two minutes): "
            "emails and timers wait. The publisher is retrying a batch (its log names the failed event and the bus's "
            "error; EventsPublishFailed on the dashboard) or is throttled. Fix the cause; the records are published "
            "in order once it passes, or land in the on-failure queue after the retries.",
            metric=self.publish_lag,
            threshold=PUBLISH_LAG_THRESHOLD.to_milliseconds(),
            evaluation_periods=PUBLISH_LAG_PERIODS,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
