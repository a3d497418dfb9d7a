"""Operations: alarms reach a person, and one dashboard shows the desk. The stage's operations topic
(KMS-encrypted, TLS-only) with an optional email subscription (`-c alarmEmail=…`) is the alarm and OK action
of every CloudWatch alarm in the stack, attached by an aspect at synth, so an alarm added anywhere later calls
the same people. The runbook for each alarm is docs/operations.md."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

import jsii
from aws_cdk import Aspects, Duration, IAspect, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct, IConstruct

from infra.components.api import Api
from infra.components.outbox import PUBLISH_LAG_THRESHOLD, Outbox
from infra.config import StageConfig
from infra.constants import POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME

# The publisher's Powertools metrics (functions/outbox/handlers/handle_table_stream.py), with the service
# dimension Powertools adds.
PUBLISHED_METRIC = "EventsPublished"
PUBLISH_FAILED_METRIC = "EventsPublishFailed"
DASHBOARD_PERIOD = Duration.minutes(5)
WIDE, THIRD, HALF = 24, 8, 12


class _Statistic(TypedDict):
    """A dashboard metric's period and statistic (the metric methods' keyword arguments, typed for mypy)."""

    period: Duration
    statistic: str


@jsii.implements(IAspect)
class NotifyOperations:
    """Makes the topic the alarm and OK action of every CloudWatch alarm it visits."""

    def __init__(self, topic: sns.ITopic) -> None:
        self.action = cloudwatch_actions.SnsAction(topic)

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, cloudwatch.Alarm):
            node.add_alarm_action(self.action)
            node.add_ok_action(self.action)


def _stack_path(construct: IConstruct) -> str:
    return construct.node.path.removeprefix(f"{Stack.of(construct).node.path}/")


class Operations(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        api: Api,
        outbox: Outbox,
        queues: Mapping[str, sqs.IQueue],
        dead_letter_queues: Mapping[str, sqs.IQueue],
        state_machines: Mapping[str, sfn.IStateMachine],
    ) -> None:
        """`queues`: the consumers' queues by name; `dead_letter_queues`: every dead-letter queue and on-failure
        destination by name; `state_machines`: the timers by name. The functions and alarms are the stack's own."""
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "TopicKey",
            description=f"dss-{config.name}: the operations topic (alarm notifications)",
            enable_key_rotation=True,
            removal_policy=config.removal_policy,
        )
        # CloudWatch publishes alarm notifications to an encrypted topic only if the key lets it.
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
            )
        )
        self.topic = sns.Topic(
            self,
            "Topic",
            display_name=f"dss-{config.name} operations",
            master_key=self.key,
            enforce_ssl=True,
        )
        # The topic's policy replaces SNS's default one: CloudWatch alarms of this account may publish.
        stack = Stack.of(self)
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions={
                    "ArnLike": {"aws:SourceArn": f"arn:{stack.partition}:cloudwatch:{stack.region}:{stack.account}:alarm:*"},
                    "StringEquals": {"aws:SourceAccount": stack.account},
                },
            )
        )
        if config.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
        Aspects.of(stack).add(NotifyOperations(self.topic))

        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=f"dss-{config.name}", default_interval=Duration.hours(3))
        functions = [construct for construct in stack.node.find_all() if isinstance(construct, lambda_.Function)]
        alarms = [construct for construct in stack.node.find_all() if isinstance(construct, cloudwatch.Alarm)]
        self.dashboard.add_widgets(
            cloudwatch.TextWidget(
                markdown=f"# dss-{config.name}: the case desk\nWhat each alarm means and what to do: `docs/operations.md`.",
                width=WIDE,
                height=2,
            )
        )
        self.dashboard.add_widgets(cloudwatch.AlarmStatusWidget(title="Alarms", alarms=alarms, width=WIDE, height=6))
        self.dashboard.add_widgets(*self._api_widgets(api))
        self.dashboard.add_widgets(*self._queue_widgets(queues, dead_letter_queues))
        self.dashboard.add_widgets(*self._timer_widgets(state_machines))
        self.dashboard.add_widgets(*self._function_widgets(functions))
        self.dashboard.add_widgets(*self._outbox_widgets(outbox))

    @staticmethod
    def _api_widgets(api: Api) -> list[cloudwatch.IWidget]:
        stage = api.rest_api.deployment_stage
        sum_: _Statistic = {"period": DASHBOARD_PERIOD, "statistic": cloudwatch.Stats.SUM}
        return [
            cloudwatch.GraphWidget(title="API requests", left=[stage.metric_count(label="Requests", **sum_)], width=THIRD),
            cloudwatch.GraphWidget(
                title="API latency (ms)",
                left=[
                    stage.metric_latency(period=DASHBOARD_PERIOD, statistic=cloudwatch.Stats.percentile(50), label="Latency p50"),
                    stage.metric_latency(period=DASHBOARD_PERIOD, statistic=cloudwatch.Stats.percentile(99), label="Latency p99"),
                    stage.metric_integration_latency(
                        period=DASHBOARD_PERIOD, statistic=cloudwatch.Stats.percentile(99), label="IntegrationLatency p99"
                    ),
                ],
                width=THIRD,
            ),
            cloudwatch.GraphWidget(
                title="API errors",
                left=[stage.metric_client_error(label="4XXError", **sum_), stage.metric_server_error(label="5XXError", **sum_)],
                width=THIRD,
            ),
        ]

    @staticmethod
    def _queue_widgets(queues: Mapping[str, sqs.IQueue], dead_letter_queues: Mapping[str, sqs.IQueue]) -> list[cloudwatch.IWidget]:
        maximum: _Statistic = {"period": DASHBOARD_PERIOD, "statistic": cloudwatch.Stats.MAXIMUM}
        return [
            cloudwatch.GraphWidget(
                title="Queue depth (messages waiting)",
                left=[queue.metric_approximate_number_of_messages_visible(label=name, **maximum) for name, queue in queues.items()],
                width=THIRD,
            ),
            cloudwatch.GraphWidget(
                title="Oldest message age (s)",
                left=[queue.metric_approximate_age_of_oldest_message(label=name, **maximum) for name, queue in queues.items()],
                width=THIRD,
            ),
            cloudwatch.GraphWidget(
                title="Dead-letter and on-failure queues (should be 0)",
                left=[
                    queue.metric_approximate_number_of_messages_visible(label=name, **maximum) for name, queue in dead_letter_queues.items()
                ],
                width=THIRD,
            ),
        ]

    @staticmethod
    def _timer_widgets(state_machines: Mapping[str, sfn.IStateMachine]) -> list[cloudwatch.IWidget]:
        sum_: _Statistic = {"period": DASHBOARD_PERIOD, "statistic": cloudwatch.Stats.SUM}
        return [
            cloudwatch.GraphWidget(
                title="Timer executions started",
                left=[machine.metric_started(label=f"{name} started", **sum_) for name, machine in state_machines.items()],
                width=HALF,
            ),
            cloudwatch.GraphWidget(
                title="Timer executions failed or timed out",
                left=[
                    metric
                    for name, machine in state_machines.items()
                    for metric in (
                        machine.metric_failed(label=f"{name} failed", **sum_),
                        machine.metric_timed_out(label=f"{name} timed out", **sum_),
                    )
                ],
                width=HALF,
            ),
        ]

    @staticmethod
    def _function_widgets(functions: list[lambda_.Function]) -> list[cloudwatch.IWidget]:
        sum_: _Statistic = {"period": DASHBOARD_PERIOD, "statistic": cloudwatch.Stats.SUM}

        def label(function: lambda_.Function) -> str:
            # Its DomainFunction's path ("Files/Api"); a component's "Default" one is named by the component alone.
            return "/".join(part for part in _stack_path(function).removesuffix("/Function").split("/") if part != "Default")

        return [
            cloudwatch.GraphWidget(
                title="Lambda errors", left=[function.metric_errors(label=label(function), **sum_) for function in functions], width=HALF
            ),
            cloudwatch.GraphWidget(
                title="Lambda throttles",
                left=[function.metric_throttles(label=label(function), **sum_) for function in functions],
                width=HALF,
            ),
        ]

    @staticmethod
    def _outbox_widgets(outbox: Outbox) -> list[cloudwatch.IWidget]:
        def publisher_metric(name: str) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace=POWERTOOLS_METRICS_NAMESPACE,
                metric_name=name,
                dimensions_map={"service": POWERTOOLS_SERVICE_NAME},
                period=DASHBOARD_PERIOD,
                statistic=cloudwatch.Stats.SUM,
                label=name,
            )

        return [
            cloudwatch.GraphWidget(
                title="Outbox publish lag (IteratorAge, ms)",
                left=[outbox.publish_lag.with_(label="Publish lag (max, 1 min)")],
                left_annotations=[
                    cloudwatch.HorizontalAnnotation(
                        value=PUBLISH_LAG_THRESHOLD.to_milliseconds(), label="alarm", color=cloudwatch.Color.RED
                    )
                ],
                width=HALF,
            ),
            cloudwatch.GraphWidget(
                title="Outbox events published / failed",
                left=[publisher_metric(PUBLISHED_METRIC)],
                right=[publisher_metric(PUBLISH_FAILED_METRIC)],
                width=HALF,
            ),
        ]
