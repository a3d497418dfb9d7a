"""Monitoring alerts: the alerts API Lambda (staff manage each account's integrations: `INTEGRATION#`, their
account listings `ALERTS#`, Idempotency-Key records, the callers' change counts; it reads an account's item to
check it exists) and the public intake Lambda, whose role can read an integration's item and send to the
alerts queue, nothing else. Both derive credentials from the master key, which nobody sees. The queue holds
the intake's events for the processor; what the processor fails lands in its dead-letter queue, and an alarm
calls a human when the oldest event waits too long."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.alerts.dal.tables import ACCOUNT_ALERTS_PREFIX, INTEGRATION_PREFIX
from functions.shared.dal.directory import ACCOUNT_PREFIX
from functions.shared.dal.idempotency import IDEMPOTENCY_PREFIX
from functions.shared.dal.rate_limit import RATE_PREFIX
from infra.components.data import Data
from infra.components.function import DomainFunction, on_keys
from infra.components.shared import SharedRuntime, hmac_key_secret
from infra.config import StageConfig

API_HANDLER = "functions.alerts.handlers.api.lambda_handler"
INTAKE_HANDLER = "functions.alerts.handlers.intake.lambda_handler"
DEAD_LETTER_RETENTION = Duration.days(14)
# The spec's target: an alert visible as a case within seconds; an event waiting this long means the processor is not keeping up.
OLDEST_EVENT_ALARM = Duration.minutes(5)


class Alerts(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig, data: Data, shared: SharedRuntime) -> None:
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
            visibility_timeout=Duration.seconds(60),
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dead_letter_queue, max_receive_count=5),
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
            alarm_description="Monitoring events the alerts processor failed 5 times are in the alerts dead-letter queue: "
            "read them, fix the cause, then move them back to the alerts queue.",
            metric=self.dead_letter_queue.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(1), statistic=cloudwatch.Stats.MAXIMUM
            ),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        environment = {  # functions/shared/settings.py AlertsSettings
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
            # TransactGet/WriteItems are authorized per contained item as GetItem/PutItem.
            on_keys("dynamodb:GetItem", table_arn, [f"{INTEGRATION_PREFIX}*", f"{ACCOUNT_PREFIX}*", f"{IDEMPOTENCY_PREFIX}*"]),
            on_keys("dynamodb:PutItem", table_arn, [f"{INTEGRATION_PREFIX}*", f"{ACCOUNT_ALERTS_PREFIX}*", f"{IDEMPOTENCY_PREFIX}*"]),
            on_keys("dynamodb:UpdateItem", table_arn, [f"{RATE_PREFIX}*"]),
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
