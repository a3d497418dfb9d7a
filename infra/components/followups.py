"""Timers (docs/architecture.md, Architecture): the follow-up ladder and the response escalation as Standard
state machines, built from the same ASL files the tests and the local stack run (infra/workflows); the
timer step Lambda their tasks invoke (functions/cases, which owns the case it acts on); and the followups
Lambda, which reads the cases domain's CaseTimerStarted/CaseTimerStopped events from a queue and starts or
stops executions. The pattern and the delivery settings come from functions/followups/models/delivery.py,
which the local stack builds from too."""

from __future__ import annotations

from typing import cast

from aws_cdk import Acknowledgment, ArnFormat, Duration, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from functions.cases.dal.tables import CASE_PREFIX
from functions.followups.models.delivery import (
    BATCH_SIZE,
    EVENT_PATTERN,
    FUNCTION_TIMEOUT_SECONDS,
    MAX_RECEIVE_COUNT,
    VISIBILITY_TIMEOUT_SECONDS,
)
from infra.components.data import Data
from infra.components.event_queue import event_queue
from infra.components.events import Events
from infra.components.function import DomainFunction, on_keys
from infra.components.shared import SharedRuntime
from infra.config import StageConfig
from infra.workflows import FOLLOW_UP_LADDER, RESPONSE_ESCALATION, TIMER_STEP_PLACEHOLDER, WORKFLOWS_DIR

TIMER_STEP_HANDLER = "functions.cases.handlers.handle_timer_step.lambda_handler"
TIMER_STEP_TIMEOUT = Duration.seconds(30)  # within the tasks' TimeoutSeconds (60) in the ASL
HANDLER = "functions.followups.handlers.handle_timer_events.lambda_handler"
# A state machine metric counts executions that ended so in the period; one is enough to call a human.
ALARM_PERIOD = Duration.minutes(5)


class Followups(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, config: StageConfig, data: Data, events: Events, shared: SharedRuntime
    ) -> None:
        super().__init__(scope, construct_id)
        self.timer_step = DomainFunction(
            self,
            "TimerStep",
            config=config,
            name="timer step",
            description="Timer steps: reminders, auto-close and escalations of a case, if it still holds the timer",
            handler=TIMER_STEP_HANDLER,
            timeout=TIMER_STEP_TIMEOUT,
            layer=shared.layer,
            environment={"TABLE_NAME": data.table.table_name, **config.business_time},
        )
        self._grant_timer_step(data)

        self.follow_up_ladder = self._state_machine("FollowUpLadder", config, "follow-up-ladder", FOLLOW_UP_LADDER)
        self.response_escalation = self._state_machine("ResponseEscalation", config, "response-escalation", RESPONSE_ESCALATION)

        self.delivery = event_queue(
            self,
            bus=events.bus,
            pattern=EVENT_PATTERN,
            rule_id="CaseTimerEvents",
            rule_description="Case timers started and stopped, to the followups queue",
            visibility_timeout_seconds=VISIBILITY_TIMEOUT_SECONDS,
            max_receive_count=MAX_RECEIVE_COUNT,
            alarm_description="Case timer events that could not start or stop their state machine execution: see the "
            "followups function's log for the failure, fix it, then redrive the dead-letter queue to the followups queue.",
        )
        self.queue, self.dead_letter_queue = self.delivery.queue, self.delivery.dead_letter_queue
        # Never DSS_TIMER_TIME_SCALE: that compresses business deadlines, for the local stack only.
        self.timer_events = DomainFunction(
            self,
            "TimerEvents",
            config=config,
            name="followups",
            description="Followups: starts and stops the case timers' state machine executions",
            handler=HANDLER,
            timeout=Duration.seconds(FUNCTION_TIMEOUT_SECONDS),
            layer=shared.layer,
            environment={
                "FOLLOW_UP_STATE_MACHINE_ARN": self.follow_up_ladder.state_machine_arn,
                "RESPONSE_ESCALATION_STATE_MACHINE_ARN": self.response_escalation.state_machine_arn,
            },
        )
        # Grants the role exactly what polling needs on this queue (receive, delete, change visibility, attributes).
        self.timer_events.function.add_event_source(
            event_sources.SqsEventSource(self.queue, batch_size=BATCH_SIZE, report_batch_item_failures=True)
        )
        self._grant_timer_events()

    def _grant_timer_step(self, data: Data) -> None:
        table_arn = data.table.table_arn
        self.timer_step.grant(
            # Reads the case (nothing else); writes it with its history row, update and outbox items (the
            # events, published by components/outbox.py) in one transaction, authorized per contained item as PutItem.
            on_keys("dynamodb:GetItem", table_arn, [f"{CASE_PREFIX}*"]),
            on_keys("dynamodb:PutItem", table_arn, [f"{CASE_PREFIX}*"]),
            iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[data.key.key_arn]),
        )

    def _state_machine(self, construct_id: str, config: StageConfig, purpose: str, workflow: str) -> sfn.StateMachine:
        name = f"dss-{config.name}-{purpose}"
        log_group = logs.LogGroup(
            self,
            f"{construct_id}Logs",
            # AWS's advice for Step Functions: under /aws/vendedlogs/ the log delivery does not grow the
            # account's CloudWatch Logs resource policy (5,120 characters) by one log group per machine.
            log_group_name=f"/aws/vendedlogs/states/{name}",
            retention=config.log_retention,
            removal_policy=config.removal_policy,
        )
        machine = sfn.StateMachine(
            self,
            construct_id,
            state_machine_name=name,
            state_machine_type=sfn.StateMachineType.STANDARD,  # waits of days; exactly-once steps
            definition_body=sfn.DefinitionBody.from_file(str(WORKFLOWS_DIR / workflow)),
            definition_substitutions={TIMER_STEP_PLACEHOLDER: self.timer_step.function.function_arn},
            # Execution data: the case number, the timer's token and wake-up times, and each step's result
            # (the timer step's outcome, not the case) or failure cause; no case content or contact details.
            # Without it the log cannot say which wake-up or which failure ended a timer.
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=True),
            tracing_enabled=True,
        )
        # The tasks name the unqualified function ARN, so neither versions nor aliases (`:*`) are granted.
        machine.add_to_role_policy(
            iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[self.timer_step.function.function_arn])
        )
        Validations.of(machine.role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="Only what Step Functions needs for logging to CloudWatch Logs (logs:CreateLogDelivery and the "
                "other log-delivery actions) and for X-Ray tracing (xray:PutTraceSegments and co.): these actions "
                "support no resource-level permissions.",
            )
        )
        endings = (
            ("Failed", machine.metric_failed, "failed: one of its steps still failed after its retries"),
            ("TimedOut", machine.metric_timed_out, "timed out (a Standard execution lasts a year at most)"),
        )
        for ending, metric, what in endings:
            cloudwatch.Alarm(
                self,
                f"{construct_id}{ending}Alarm",
                alarm_description=f"An execution of {name} {what}, so its case missed a reminder, auto-close or "
                "escalation. Find the cause in the execution's history, its log group and the timer step function's "
                "log, fix it, then do for the case by hand what the timer did not.",
                metric=metric(period=ALARM_PERIOD, statistic=cloudwatch.Stats.SUM),
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
        return machine

    def _grant_timer_events(self) -> None:
        machines = (self.follow_up_ladder, self.response_escalation)
        role = self.timer_events.role
        role.add_to_policy(
            iam.PolicyStatement(actions=["states:StartExecution"], resources=[machine.state_machine_arn for machine in machines])
        )
        stack = Stack.of(self)
        for machine in machines:
            # arn:<partition>:states:<region>:<account>:execution:<state machine name>:*
            executions = stack.format_arn(
                service="states",
                resource="execution",
                resource_name=f"{machine.state_machine_name}:*",
                arn_format=ArnFormat.COLON_RESOURCE_NAME,
            )
            role.add_to_policy(iam.PolicyStatement(actions=["states:StopExecution"], resources=[executions]))
            # An L2 state machine's default child is its CfnStateMachine; jsii types it only as IConstruct | None.
            cfn_machine = cast(sfn.CfnStateMachine, machine.node.default_child)
            name = f"<{stack.get_logical_id(cfn_machine)}.Name>"  # how cdk-nag renders the name
            Validations.of(role).acknowledge(
                Acknowledgment(
                    id=f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{name}:*]",
                    reason="StopExecution on this state machine's executions only: an execution is named after its "
                    "case and timer token, which exist only once the timer starts, so no name is known at deploy time.",
                )
            )
