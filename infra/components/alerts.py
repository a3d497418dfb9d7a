"""Monitoring alerts: the alerts API Lambda (staff manage each account's integrations: `INTEGRATION#`, their
account listings `ALERTS#`, Idempotency-Key records, the callers' change counts; it reads an account's item to
check it exists) and the public intake Lambda, whose role can read an integration's item and send to the
alerts queue, nothing else. Both derive credentials from the master key, which nobody sees. The queue holds
the intake's events for the processor, which takes them in batches of up to 100 within a second
(infra/alert_queue.py); what the processor fails lands in its dead-letter queue, and alarms call a human when
an event waits too long or is dead-lettered. The incident timer's step Lambda (its state machine is built with
the other timers', components/followups.py) and the consumer of the monitoring cases' events (rule → queue →
DLQ, functions/alerts/models/delivery.py) change one incident at a time. Each role can do exactly what its code
does."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as eventbridge
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.alerts.dal.tables import (
    ACCOUNT_ALERTS_PREFIX,
    AWS_SENDER_PREFIX,
    GROUP_LOCATOR_PREFIX,
    INTEGRATION_PREFIX,
    WINDOW_LOCATOR_PREFIX,
)
from functions.alerts.logic.bus_events import BUS_EVENT_PATTERN
from functions.alerts.models import delivery as case_events_delivery
from functions.shared.dal.case_view import CASE_PREFIX
from functions.shared.dal.directory import ACCOUNT_PREFIX
from functions.shared.dal.idempotency import IDEMPOTENCY_PREFIX
from functions.shared.dal.rate_limit import RATE_PREFIX
from infra import alert_queue
from infra.components.data import Data
from infra.components.event_queue import event_queue
from infra.components.events import Events
from infra.components.function import DomainFunction, on_keys
from infra.components.shared import SharedRuntime, hmac_key_secret
from infra.config import StageConfig

API_HANDLER = "functions.alerts.handlers.api.lambda_handler"
INTAKE_HANDLER = "functions.alerts.handlers.intake.lambda_handler"
PROCESSOR_HANDLER = "functions.alerts.handlers.handle_alert_queue.lambda_handler"
TIMER_STEP_HANDLER = "functions.alerts.handlers.handle_timer_step.lambda_handler"
CASE_EVENTS_HANDLER = "functions.alerts.handlers.handle_case_events.lambda_handler"
BUS_INTAKE_HANDLER = "functions.alerts.handlers.handle_monitoring_bus.lambda_handler"
BUS_RETRY_ATTEMPTS = 8  # EventBridge's retries of the intake (then the dead-letter queue)
TIMER_STEP_TIMEOUT = Duration.seconds(30)  # within the task's TimeoutSeconds (60) in infra/workflows/incident_timer.asl.json
DEAD_LETTER_RETENTION = Duration.days(14)
# The spec's target: an alert visible as a case within seconds; an event waiting this long means the processor is not keeping up.
OLDEST_EVENT_ALARM = Duration.minutes(5)


def timer_step_grants(table_arn: str) -> list[iam.PolicyStatement]:
    """The incident timer's step (functions/alerts/logic/incident_changes.py, maintenance.py): an incident's step
    reads its locator (ALERTGROUP#), the incident and the account's settings (ALERTS#) and writes the incident and
    its events' outbox items (ALERTS#) in one transaction; a maintenance window's reads its locator (ALERTWINDOW#),
    the window and the account's live windows (ALERTS#) and changes them (an update, ALERTS#) with its events; at
    the window's end, one Query of the account's alerts it silenced (ALERTS#), then those still firing handed to
    the incidents as the processor does (BatchGetItem of the account's state, ALERTS#, and its account item,
    ACCOUNT#; its alerts, incidents and outbox items, ALERTS#, a new incident's locator, ALERTGROUP#, the window's
    count, an update). Transactions are authorized per item as PutItem or UpdateItem."""
    return [
        on_keys("dynamodb:GetItem", table_arn, [f"{GROUP_LOCATOR_PREFIX}*", f"{WINDOW_LOCATOR_PREFIX}*", f"{ACCOUNT_ALERTS_PREFIX}*"]),
        on_keys("dynamodb:BatchGetItem", table_arn, [f"{ACCOUNT_ALERTS_PREFIX}*", f"{ACCOUNT_PREFIX}*"]),
        on_keys("dynamodb:Query", table_arn, [f"{ACCOUNT_ALERTS_PREFIX}*"]),
        on_keys("dynamodb:PutItem", table_arn, [f"{ACCOUNT_ALERTS_PREFIX}*", f"{GROUP_LOCATOR_PREFIX}*"]),
        on_keys("dynamodb:UpdateItem", table_arn, [f"{ACCOUNT_ALERTS_PREFIX}*"]),
    ]


def case_events_grants(table_arn: str) -> list[iam.PolicyStatement]:
    """The monitoring cases' events (functions/alerts/handlers/handle_case_events.py): an incident follows its case
    (GetItem of its locator, ALERTGROUP#, of the incident and the account's settings, ALERTS#; the incident and its
    outbox items, ALERTS#, in one transaction); a customer's maintenance case schedules its window (GetItem of the
    account's live windows, ALERTS#, and, after a lost race, of the window by its locator, ALERTWINDOW#; the window,
    the live windows and the outbox items, ALERTS#, and the window's locator, ALERTWINDOW#, in one transaction).
    Transactions are authorized per item as PutItem."""
    return [
        on_keys("dynamodb:GetItem", table_arn, [f"{GROUP_LOCATOR_PREFIX}*", f"{WINDOW_LOCATOR_PREFIX}*", f"{ACCOUNT_ALERTS_PREFIX}*"]),
        on_keys("dynamodb:PutItem", table_arn, [f"{ACCOUNT_ALERTS_PREFIX}*", f"{WINDOW_LOCATOR_PREFIX}*"]),
    ]


class Alerts(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, config: StageConfig, data: Data, events: Events, shared: SharedRuntime
    ) -> None:
        super().__init__(scope, construct_id)
        self.master_secret = hmac_key_secret(
            self,
            "MasterKey",
            config,
            purpose="every monitoring integration's routing key and webhook secret derive from (functions/alerts/logic/credentials.py)",
            why_not_rotated="rotating it would change every sender's credentials at once; an integration's own key is rotated "
            "through the API (POST /alerts/integrations/{integrationId}/rotate, 24 h overlap). If the master is ever exposed, "
            "put a new random value by hand and give every sender its new credentials.",
        )
        self.dead_letter_queue = sqs.Queue(
            self, "DeadLetterQueue", encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True, retention_period=DEAD_LETTER_RETENTION
        )
        self.queue = sqs.Queue(
            self,
            "Queue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(alert_queue.VISIBILITY_TIMEOUT_SECONDS),
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dead_letter_queue, max_receive_count=alert_queue.MAX_RECEIVE_COUNT),
        )
        self.oldest_event_alarm = cloudwatch.Alarm(
            self,
            "OldestEventAlarm",
            alarm_description=f"Monitoring events have waited over {OLDEST_EVENT_ALARM.to_minutes()} minutes for the alerts processor.",
            metric=self.queue.metric_approximate_age_of_oldest_message(period=Duration.minutes(1), statistic=cloudwatch.Stats.MAXIMUM),
            threshold=OLDEST_EVENT_ALARM.to_seconds(),
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self.dead_letter_alarm = cloudwatch.Alarm(
            self,
            "DeadLetterAlarm",
            alarm_description=f"Monitoring events the alerts processor failed {alert_queue.MAX_RECEIVE_COUNT} times are in the alerts "
            "dead-letter queue (see the alerts processor function's log for the failure): "
            "read them, fix the cause, then move them back to the alerts queue.",
            metric=self.dead_letter_queue.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(1), statistic=cloudwatch.Stats.MAXIMUM
            ),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        # functions/shared/settings.py AlertsSettings, which every alerts function reads whole: the queue's URL and the
        # secret's ARN name them, and only the functions granted below may send to the one or read the other.
        environment = {
            "TABLE_NAME": data.table.table_name,
            "ALERTS_QUEUE_URL": self.queue.queue_url,
            "ALERTS_MASTER_SECRET_ARN": self.master_secret.secret_arn,
        }
        table_arn = data.table.table_arn
        decrypt = iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[data.key.key_arn])

        self.api = DomainFunction(
            self,
            "ApiFunction",
            config=config,
            name="alerts API",
            description="Alerts API: monitoring integrations",
            handler=API_HANDLER,
            timeout=Duration.seconds(10),
            layer=shared.layer,
            memory_size=512,
            environment={**environment, "PAGE_TOKEN_SECRET_ARN": shared.page_token_secret.secret_arn},  # its listings' tokens
        )
        self.api.grant(
            # TransactGet/WriteItems are authorized per contained item as GetItem/PutItem (UpdateItem for an update).
            # Besides the integrations and the callers' records: an incident or a maintenance window by its id alone
            # (its locator: ALERTGROUP#, ALERTWINDOW#), an account's incidents, windows and settings (ALERTS#), a
            # window's maintenance case (CASE#, the cases domain's read-only view); a new window's locator, a window
            # changed (an update of ALERTS#).
            on_keys(
                "dynamodb:GetItem",
                table_arn,
                [
                    f"{INTEGRATION_PREFIX}*",
                    f"{ACCOUNT_PREFIX}*",
                    f"{IDEMPOTENCY_PREFIX}*",
                    f"{GROUP_LOCATOR_PREFIX}*",
                    f"{WINDOW_LOCATOR_PREFIX}*",
                    f"{ACCOUNT_ALERTS_PREFIX}*",
                    f"{CASE_PREFIX}*",
                ],
            ),
            on_keys(
                "dynamodb:PutItem",
                table_arn,
                [f"{INTEGRATION_PREFIX}*", f"{ACCOUNT_ALERTS_PREFIX}*", f"{WINDOW_LOCATOR_PREFIX}*", f"{IDEMPOTENCY_PREFIX}*"],
            ),
            on_keys("dynamodb:UpdateItem", table_arn, [f"{RATE_PREFIX}*", f"{ACCOUNT_ALERTS_PREFIX}*"]),
            on_keys("dynamodb:Query", table_arn, [f"{ACCOUNT_ALERTS_PREFIX}*"]),
            decrypt,
            iam.PolicyStatement(
                actions=["secretsmanager:GetSecretValue"], resources=[shared.page_token_secret.secret_arn, self.master_secret.secret_arn]
            ),
        )
        self.intake = DomainFunction(
            self,
            "IntakeFunction",
            config=config,
            name="monitoring intake",
            description="Monitoring intake: PagerDuty Events API v2 and signed webhooks onto the alerts queue",
            handler=INTAKE_HANDLER,
            timeout=Duration.seconds(10),
            layer=shared.layer,
            memory_size=512,
            environment=environment,
        )
        self.intake.grant(
            on_keys("dynamodb:GetItem", table_arn, [f"{INTEGRATION_PREFIX}*"]),
            decrypt,
            iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=[self.master_secret.secret_arn]),
            iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.queue.queue_arn]),
        )

        self._processor(config, data, shared, environment)
        self._incidents(config, data, events, shared, environment)
        self._monitoring_bus(config, data, shared, environment, decrypt)

    def _processor(self, config: StageConfig, data: Data, shared: SharedRuntime, environment: dict[str, str]) -> None:
        table_arn = data.table.table_arn
        self.processor = DomainFunction(
            self,
            "Processor",
            config=config,
            name="alerts processor",
            description="Alerts processor: the monitoring intake's events folded into alerts and incidents",
            handler=PROCESSOR_HANDLER,
            timeout=Duration.seconds(alert_queue.PROCESSOR_TIMEOUT_SECONDS),
            layer=shared.layer,
            memory_size=512,
            environment={**environment, **config.business_time},  # business hours decide a case now or at the opening
        )
        # Grants the role exactly what polling needs on this queue (receive, delete, change visibility, attributes).
        self.processor.function.add_event_source(
            event_sources.SqsEventSource(
                self.queue,
                batch_size=alert_queue.BATCH_SIZE,
                max_batching_window=Duration.seconds(alert_queue.MAX_BATCHING_WINDOW_SECONDS),
                report_batch_item_failures=True,
            )
        )
        self.processor.grant(
            # One BatchGetItem of the batch's accounts' alerts, pointers, settings, live maintenance windows and
            # incidents (ALERTS#) and their account items (ACCOUNT#, read only); one transaction per account: its
            # alerts, incidents, pointers and outbox items (ALERTS#) and a new incident's locator (ALERTGROUP#),
            # authorized per item as PutItem, and the count of a maintenance window's silenced alerts (ALERTS#), an
            # atomic add authorized as UpdateItem.
            on_keys("dynamodb:BatchGetItem", table_arn, [f"{ACCOUNT_ALERTS_PREFIX}*", f"{ACCOUNT_PREFIX}*"]),
            on_keys("dynamodb:PutItem", table_arn, [f"{ACCOUNT_ALERTS_PREFIX}*", f"{GROUP_LOCATOR_PREFIX}*"]),
            on_keys("dynamodb:UpdateItem", table_arn, [f"{ACCOUNT_ALERTS_PREFIX}*"]),
            iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[data.key.key_arn]),
        )

    def _incidents(self, config: StageConfig, data: Data, events: Events, shared: SharedRuntime, environment: dict[str, str]) -> None:
        """The incident timer's step (an incident's or a maintenance window's) and the monitoring cases' events."""
        decrypt = iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[data.key.key_arn])
        self.timer_step = DomainFunction(
            self,
            "TimerStep",
            config=config,
            name="incident timer step",
            description="Incident timer steps: a held incident's case at the opening, the recovery note, the digest, "
            "a maintenance window's start and end, if the incident or window still holds the timer",
            handler=TIMER_STEP_HANDLER,
            timeout=TIMER_STEP_TIMEOUT,
            layer=shared.layer,
            environment={**environment, **config.business_time},
        )
        self.timer_step.grant(*timer_step_grants(data.table.table_arn), decrypt)

        self.case_events_delivery = event_queue(
            Construct(self, "CaseEventsDelivery"),
            bus=events.bus,
            pattern=case_events_delivery.EVENT_PATTERN,
            rule_id="MonitoringCaseEvents",
            rule_description="Cases opened, closed and reopened, to the alerts domain's queue (it acts on the monitoring cases')",
            visibility_timeout_seconds=case_events_delivery.VISIBILITY_TIMEOUT_SECONDS,
            max_receive_count=case_events_delivery.MAX_RECEIVE_COUNT,
            alarm_description="Case events the alerts domain could not apply: a monitoring incident not following its case "
            "(opened, closed, reopened), so its alerts may not be digested onto the case or a closed case's incident still "
            "takes alerts. See the alerts case events function's log for the failure, fix it, then redrive the dead-letter "
            "queue to its queue (an incident applies each change once, however often it is delivered).",
        )
        self.case_events = DomainFunction(
            self,
            "CaseEvents",
            config=config,
            name="alerts case events",
            description="Alerts: an incident follows its monitoring case; a maintenance case schedules its window",
            handler=CASE_EVENTS_HANDLER,
            timeout=Duration.seconds(case_events_delivery.FUNCTION_TIMEOUT_SECONDS),
            layer=shared.layer,
            environment={**environment, **config.business_time},
        )
        # Grants the role exactly what polling needs on this queue (receive, delete, change visibility, attributes).
        self.case_events.function.add_event_source(
            event_sources.SqsEventSource(
                self.case_events_delivery.queue, batch_size=case_events_delivery.BATCH_SIZE, report_batch_item_failures=True
            )
        )
        self.case_events.grant(*case_events_grants(data.table.table_arn), decrypt)

    def _monitoring_bus(
        self, config: StageConfig, data: Data, shared: SharedRuntime, environment: dict[str, str], decrypt: iam.PolicyStatement
    ) -> None:
        """The dss-monitoring bus for AWS senders: its policy admits the stage's listed sender accounts
        (`-c monitoringSenderAccounts=…`); its rule hands CloudWatch alarm state changes and `dss.monitoring`
        events to the bus intake, which queues those of accounts an integration claims. What the intake fails
        after EventBridge's retries lands in a dead-letter queue, with an alarm."""
        self.monitoring_bus = eventbridge.EventBus(self, "MonitoringBus", event_bus_name=f"dss-monitoring-{config.name}")
        for sender in config.monitoring_sender_accounts:
            self.monitoring_bus.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=f"Sender{sender}",
                    principals=[iam.AccountPrincipal(sender)],
                    actions=["events:PutEvents"],
                    resources=[self.monitoring_bus.event_bus_arn],
                )
            )
        self.bus_intake = DomainFunction(
            self,
            "BusIntake",
            config=config,
            name="monitoring bus intake",
            description="Monitoring bus intake: CloudWatch alarms and dss.monitoring events onto the alerts queue",
            handler=BUS_INTAKE_HANDLER,
            timeout=Duration.seconds(10),
            layer=shared.layer,
            memory_size=512,
            environment=environment,
        )
        self.bus_intake.grant(
            on_keys("dynamodb:GetItem", data.table.table_arn, [f"{INTEGRATION_PREFIX}*", f"{AWS_SENDER_PREFIX}*"]),
            decrypt,
            iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.queue.queue_arn]),
        )
        self.bus_dead_letter_queue = sqs.Queue(
            self, "BusDeadLetterQueue", encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True, retention_period=DEAD_LETTER_RETENTION
        )
        Validations.of(self.bus_dead_letter_queue).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SQS3",
                reason="This queue is itself the dead end: the dead-letter queue of the dss-monitoring bus rule's target "
                "(events the bus intake failed after EventBridge's retries). Its alarm calls a human; nothing consumes it.",
            )
        )
        eventbridge.Rule(
            self,
            "MonitoringBusRule",
            event_bus=self.monitoring_bus,
            event_pattern=eventbridge.EventPattern(source=BUS_EVENT_PATTERN["source"]),
            targets=[
                targets.LambdaFunction(
                    self.bus_intake.function,
                    dead_letter_queue=self.bus_dead_letter_queue,
                    retry_attempts=BUS_RETRY_ATTEMPTS,
                    max_event_age=Duration.hours(2),
                )
            ],
        )
        self.bus_dead_letter_alarm = cloudwatch.Alarm(
            self,
            "BusDeadLetterAlarm",
            alarm_description="Events of the dss-monitoring bus its intake failed after EventBridge's retries are in the bus "
            "dead-letter queue (see the monitoring bus intake function's log): fix the cause, then put them on the bus again.",
            metric=self.bus_dead_letter_queue.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(1), statistic=cloudwatch.Stats.MAXIMUM
            ),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
