"""How a domain consumes the bus (docs/architecture.md, Architecture): rule → SQS queue (+ dead-letter queue and its
alarm) → the domain's Lambda event source."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events_
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

DEAD_LETTER_RETENTION = Duration.days(14)


@dataclass(frozen=True)
class EventQueue:
    queue: sqs.Queue
    dead_letter_queue: sqs.Queue
    rule: events_.Rule
    alarm: cloudwatch.Alarm


def event_queue(
    scope: Construct,
    *,
    bus: events_.IEventBus,
    pattern: dict[str, list[str]],
    rule_id: str,
    rule_description: str,
    visibility_timeout_seconds: int,
    max_receive_count: int,
    alarm_description: str,
) -> EventQueue:
    """How a domain consumes the bus (docs/architecture.md, Architecture): a rule delivers the events matching `pattern` to
    an SQS queue; what the consumer fails `max_receive_count` times, and what EventBridge cannot deliver,
    lands in a dead-letter queue whose alarm calls a human. Created directly in `scope`."""
    if set(pattern) != {"source", "detail-type"}:
        raise ValueError(f"pattern keys {sorted(pattern)}: only source and detail-type are mapped")
    dead_letter_queue = sqs.Queue(
        scope,
        "DeadLetterQueue",
        encryption=sqs.QueueEncryption.SQS_MANAGED,  # EventBridge cannot use the AWS-managed SQS KMS key
        enforce_ssl=True,
        retention_period=DEAD_LETTER_RETENTION,
    )
    queue = sqs.Queue(
        scope,
        "Queue",
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        visibility_timeout=Duration.seconds(visibility_timeout_seconds),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dead_letter_queue, max_receive_count=max_receive_count),
    )
    rule = events_.Rule(
        scope,
        rule_id,
        event_bus=bus,
        description=rule_description,
        event_pattern=events_.EventPattern(source=pattern["source"], detail_type=pattern["detail-type"]),
        targets=[targets.SqsQueue(queue, dead_letter_queue=dead_letter_queue)],
    )
    alarm = cloudwatch.Alarm(
        scope,
        "DeadLetterAlarm",
        alarm_description=alarm_description,
        metric=dead_letter_queue.metric_approximate_number_of_messages_visible(
            period=Duration.minutes(1), statistic=cloudwatch.Stats.MAXIMUM
        ),
        threshold=1,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )
    return EventQueue(queue, dead_letter_queue, rule, alarm)


def run_dead_letter_queue(scope: Construct, *, what: str, alarm_description: str) -> tuple[sqs.Queue, cloudwatch.Alarm]:
    """The dead-letter queue of a scheduled job (the purge, the report dispatcher): the schedule's target sends it the
    runs it could not invoke, the function's on-failure destination those that failed after Lambda's retries; its
    alarm calls a human at the first message. `what` says whose it is, for cdk-nag's acknowledgment. Created directly
    in `scope` (ids DeadLetterQueue, DeadLetterAlarm)."""
    queue = sqs.Queue(
        scope,
        "DeadLetterQueue",
        encryption=sqs.QueueEncryption.SQS_MANAGED,  # EventBridge cannot use the AWS-managed SQS KMS key
        enforce_ssl=True,
        retention_period=DEAD_LETTER_RETENTION,
    )
    Validations.of(queue).acknowledge(
        Acknowledgment(
            id="AwsSolutions-SQS3",
            reason=f"This queue is itself a dead-letter queue: {what}. Its alarm calls a human; nothing consumes it, so it "
            "needs no dead-letter queue of its own.",
        )
    )
    alarm = cloudwatch.Alarm(
        scope,
        "DeadLetterAlarm",
        alarm_description=alarm_description,
        metric=queue.metric_approximate_number_of_messages_visible(period=Duration.minutes(5), statistic=cloudwatch.Stats.MAXIMUM),
        threshold=1,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )
    return queue, alarm
