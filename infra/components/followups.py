"""Timers (docs/architecture.md, Architecture): the follow-up ladder, the response escalation and the incident
timer as Standard state machines, built from the same ASL files the tests and the local stack run
(infra/workflows); the timer step Lambda the case timers' tasks invoke (functions/cases, which owns the case it
acts on; the incident timer's step is the alerts domain's, components/alerts.py); and the followups Lambda,
which reads the cases domain's CaseTimerStarted/CaseTimerStopped and the alerts domain's MonitoringTimerStarted
from a queue and starts or stops executions. The pattern and the delivery settings come from
functions/followups/models/delivery.py, which the local stack builds from too."""

from __future__ import annotations

from typing import cast

from aws_cdk import Acknowledgment, ArnFormat, Duration, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
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
from infra.workflows import FOLLOW_UP_LADDER, INCIDENT_TIMER, RESPONSE_ESCALATION, STEP_PLACEHOLDERS, WORKFLOWS_DIR

TIMER_STEP_HANDLER = "functions.cases.handlers.handle_timer_step.lambda_handler"
TIMER_STEP_TIMEOUT = Duration.seconds(30)  # within the tasks' TimeoutSeconds (60) in the ASL
HANDLER = "functions.followups.handlers.handle_timer_events.lambda_handler"
# A state machine metric counts executions that ended so in the period; one is enough to call a human.
ALARM_PERIOD = Duration.minutes(5)


class Followups(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        data: Data,
        events: Events,
        shared: SharedRuntime,
        incident_timer_step: lambda_.IFunction,
    ) -> None:
        """`incident_timer_step`: the alerts domain's step Lambda, which the incident timer's task invokes."""
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

        case_timer_misses = "so its case missed a reminder, auto-close or escalation"
        step = self.timer_step.function
        self.follow_up_ladder = self._state_machine("FollowUpLadder", config, "follow-up-ladder", FOLLOW_UP_LADDER, step, case_timer_misses)
        self.response_escalation = self._state_machine(
            "ResponseEscalation", config, "response-escalation", RESPONSE_ESCALATION, step, case_timer_misses
        )
        self.incident_timer = self._state_machine(
            "IncidentTimer",
            config,
            "incident-timer",
            INCIDENT_TIMER,
            incident_timer_step,
            "so its incident missed a step: a held incident's case at the opening, a recovery note or a digest of the alerts joined",
        )

        self.delivery = event_queue(
            self,
            bus=events.bus,
            pattern=EVENT_PATTERN,
            rule_id="CaseTimerEvents",
            rule_description="Case timers started and stopped, and incident timers started, to the followups queue",
            visibility_timeout_seconds=VISIBILITY_TIMEOUT_SECONDS,
            max_receive_count=MAX_RECEIVE_COUNT,
            alarm_description="Timer events (a case's, an incident's) that could not start or stop their state machine execution: see the "
            "followups function's log for the failure, fix it, then redrive the dead-letter queue to the followups queue.",
        )
        self.queue, self.dead_letter_queue = self.delivery.queue, self.delivery.dead_letter_queue
        # Never DSS_TIMER_TIME_SCALE: that compresses business deadlines, for the local stack only.
        self.timer_events = DomainFunction(
            self,
            "TimerEvents",
            config=config,
            name="followups",
            description="Followups: starts and stops the case timers' state machine executions, starts the incident timers'",
            handler=HANDLER,
            timeout=Duration.seconds(FUNCTION_TIMEOUT_SECONDS),
            layer=shared.layer,
            environment={
                "FOLLOW_UP_STATE_MACHINE_ARN": self.follow_up_ladder.state_machine_arn,
                "RESPONSE_ESCALATION_STATE_MACHINE_ARN": self.response_escalation.state_machine_arn,
                "INCIDENT_TIMER_STATE_MACHINE_ARN": self.incident_timer.state_machine_arn,
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

    def _state_machine(
        self, construct_id: str, config: StageConfig, purpose: str, workflow: str, step: lambda_.IFunction, misses: str
    ) -> sfn.StateMachine:
        """The workflow's Standard state machine, its tasks invoking `step`; `misses`: what a failed execution means."""
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
            definition_substitutions={STEP_PLACEHOLDERS[workflow]: step.function_arn},
            # Execution data: the case number (or the incident and its account), the timer's token and wake-up
            # times, and each step's result (the step's outcome, not the case) or failure cause; no case content,
            # alert text or contact details.
            # Without it the log cannot say which wake-up or which failure ended a timer.
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=True),
            tracing_enabled=True,
        )
        # The tasks name the unqualified function ARN, so neither versions nor aliases (`:*`) are granted.
        machine.add_to_role_policy(iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[step.function_arn]))
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
                alarm_description=f"An execution of {name} {what}, {misses}. Find the cause in the execution's "
                "history, its log group and the step function's log, fix it, then do by hand what the timer did not.",
                metric=metric(period=ALARM_PERIOD, statistic=cloudwatch.Stats.SUM),
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
        return machine

    def _grant_timer_events(self) -> None:
        stopped = (self.follow_up_ladder, self.response_escalation)  # an incident timer is never stopped
        role = self.timer_events.role
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["states:StartExecution"], resources=[machine.state_machine_arn for machine in (*stopped, self.incident_timer)]
            )
        )
        stack = Stack.of(self)
        for machine in stopped:
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
