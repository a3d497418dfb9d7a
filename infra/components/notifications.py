"""Notifications: a rule on the bus sends the cases domain's events to an SQS queue (dead-letter queue,
alarm on it); a Lambda reads the queue in batches and emails the people concerned through SES, with a
role that can do exactly that and alarms on its errors and throttles. The pattern and the delivery settings come from
functions/notifications/models/delivery.py, which the local stack builds from too."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ses as ses
from constructs import Construct

from functions.notifications.dal.tables import NOTIFIED_PREFIX
from functions.notifications.models.delivery import (
    BATCH_SIZE,
    EVENT_PATTERN,
    FUNCTION_TIMEOUT_SECONDS,
    MAX_RECEIVE_COUNT,
    VISIBILITY_TIMEOUT_SECONDS,
)
from functions.shared.dal.case_view import CASE_PREFIX
from functions.shared.dal.directory import ACCOUNT_PREFIX, REGION_PREFIX, STAFF_PREFIX
from infra.components.cases import hmac_key_secret
from infra.components.data import Data
from infra.components.event_queue import event_queue
from infra.components.events import Events
from infra.components.function import acknowledge_runtime_findings, function_alarms, function_code, on_keys, runtime_environment
from infra.config import StageConfig
from infra.constants import (
    LAMBDA_ARCHITECTURE,
    LAMBDA_RUNTIME,
)

HANDLER = "functions.notifications.handlers.handle_case_events.lambda_handler"
# Two concurrent batches at most: well within SES's sending rate, so a burst of case changes is
# spread out instead of being throttled by SES and retried.
MAX_CONCURRENCY = 2


class Notifications(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, config: StageConfig, data: Data, events: Events, layer: lambda_.ILayerVersion
    ) -> None:
        super().__init__(scope, construct_id)
        self.reference_secret = hmac_key_secret(
            self,
            "ReferenceIdKey",
            config,
            purpose="of the Reference IDs that tie emails to their case (functions/shared/reference_id.py)",
            why_not_rotated="it derives the Reference ID of every email already sent, so rotating it would stop "
            "replies to those emails from being tied to their case; if it is ever exposed, put a new random value "
            "by hand and accept that.",
        )
        self.sender = ses.EmailIdentity(self, "Sender", identity=ses.Identity.email(config.sender_email))
        self.delivery = event_queue(
            self,
            bus=events.bus,
            pattern=EVENT_PATTERN,
            rule_id="CaseEvents",
            rule_description="Case changes that may email someone, to the notifications queue",
            visibility_timeout_seconds=VISIBILITY_TIMEOUT_SECONDS,
            max_receive_count=MAX_RECEIVE_COUNT,
            alarm_description="Case events that could not be turned into emails: see the notifications function's "
            "log for the failure, fix it, then redrive the dead-letter queue to the notifications queue.",
        )
        self.queue, self.dead_letter_queue = self.delivery.queue, self.delivery.dead_letter_queue
        self.log_group = logs.LogGroup(self, "Logs", retention=config.log_retention, removal_policy=config.removal_policy)
        self.role = iam.Role(
            self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=f"dss-{config.name} notifications Lambda"
        )
        self._grant_least_privilege(data)
        self.function = lambda_.Function(
            self,
            "Function",
            description="Notifications: emails the people concerned by a case change",
            runtime=LAMBDA_RUNTIME,
            architecture=LAMBDA_ARCHITECTURE,
            handler=HANDLER,
            code=function_code(),
            layers=[layer],
            memory_size=256,
            timeout=Duration.seconds(FUNCTION_TIMEOUT_SECONDS),
            role=self.role,
            log_group=self.log_group,
            tracing=lambda_.Tracing.ACTIVE,
            environment={
                "TABLE_NAME": data.table.table_name,
                "REFERENCE_SECRET_ARN": self.reference_secret.secret_arn,
                "SENDER_EMAIL": config.sender_email,
                "PORTAL_URL": config.portal_url,
                **runtime_environment(config),
                **config.business_time,  # the follow-up dates its emails announce use the desk's holidays
            },
        )
        # Grants the role exactly what polling needs on this queue (receive, delete, change visibility, attributes).
        self.function.add_event_source(
            event_sources.SqsEventSource(
                self.queue, batch_size=BATCH_SIZE, report_batch_item_failures=True, max_concurrency=MAX_CONCURRENCY
            )
        )
        acknowledge_runtime_findings(self.function, self.role)
        self.errors_alarm, self.throttles_alarm = function_alarms(self, self.function, "notifications")

    def _grant_least_privilege(self, data: Data) -> None:
        table_arn = data.table.table_arn
        statements = [
            # Reads the directory (accounts' contacts, staff, regional managers) and a case's items (the update
            # an email quotes); writes only its record of each email sent (the guard against duplicate deliveries).
            on_keys("dynamodb:GetItem", table_arn, [f"{ACCOUNT_PREFIX}*", f"{STAFF_PREFIX}*", f"{REGION_PREFIX}*", f"{CASE_PREFIX}*"]),
            on_keys("dynamodb:PutItem", table_arn, [f"{NOTIFIED_PREFIX}*"]),
            iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[data.key.key_arn]),
            iam.PolicyStatement(actions=["ses:SendRawEmail"], resources=[self.sender.email_identity_arn]),
            iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=[self.reference_secret.secret_arn]),
            iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[self.log_group.log_group_arn]),
        ]
        for statement in statements:
            self.role.add_to_policy(statement)
