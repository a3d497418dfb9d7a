"""Notifications: a rule on the bus sends the cases domain's case events and the directory's contact events
to an SQS queue (dead-letter queue, alarm on it); a Lambda reads the queue in batches and emails the people
concerned through SES, with a role that can do exactly that and alarms on its errors and throttles. The
pattern and the delivery settings come from functions/notifications/models/delivery.py, which the local
stack builds from too."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_event_sources as event_sources
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
from infra.components.data import Data
from infra.components.event_queue import event_queue
from infra.components.events import Events
from infra.components.function import DomainFunction, on_keys
from infra.components.shared import SharedRuntime
from infra.config import StageConfig

HANDLER = "functions.notifications.handlers.handle_case_events.lambda_handler"
# Two concurrent batches at most: well within SES's sending rate, so a burst of case changes is
# spread out instead of being throttled by SES and retried.
MAX_CONCURRENCY = 2


class Notifications(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        data: Data,
        events: Events,
        shared: SharedRuntime,
        portal_url: str,
    ) -> None:
        """`portal_url`: where the emails' links open cases (the portal's distribution)."""
        super().__init__(scope, construct_id)
        self.sender = ses.EmailIdentity(self, "Sender", identity=ses.Identity.email(config.sender_email))
        self.delivery = event_queue(
            self,
            bus=events.bus,
            pattern=EVENT_PATTERN,
            # The id it had when it took case events only: a deploy updates the rule instead of replacing it.
            rule_id="CaseEvents",
            rule_description="Case changes and directory contact changes that may email someone, to the notifications queue",
            visibility_timeout_seconds=VISIBILITY_TIMEOUT_SECONDS,
            max_receive_count=MAX_RECEIVE_COUNT,
            alarm_description="Case or contact events that could not be turned into emails: see the notifications function's "
            "log for the failure, fix it, then redrive the dead-letter queue to the notifications queue.",
        )
        self.queue, self.dead_letter_queue = self.delivery.queue, self.delivery.dead_letter_queue
        # "Default" leaves no trace in logical ids: the function, its role and its log group keep the ids they
        # had when they were built directly in this component, so a deploy updates them instead of replacing them.
        self.mailer = DomainFunction(
            self,
            "Default",
            config=config,
            name="notifications",
            description="Notifications: emails the people concerned by a case change or an account's contacts",
            handler=HANDLER,
            timeout=Duration.seconds(FUNCTION_TIMEOUT_SECONDS),
            layer=shared.layer,
            environment={
                "TABLE_NAME": data.table.table_name,
                "REFERENCE_SECRET_ARN": shared.reference_secret.secret_arn,
                "SENDER_EMAIL": config.sender_email,
                "TESTING_DEPARTMENT_EMAIL": config.testing_department_email,  # platform updates' notices
                "PORTAL_URL": portal_url,
                **config.business_time,  # the follow-up dates its emails announce use the desk's holidays
            },
        )
        self.function = self.mailer.function
        # Grants the role exactly what polling needs on this queue (receive, delete, change visibility, attributes).
        self.function.add_event_source(
            event_sources.SqsEventSource(
                self.queue, batch_size=BATCH_SIZE, report_batch_item_failures=True, max_concurrency=MAX_CONCURRENCY
            )
        )
        self._grant_least_privilege(data, shared)

    def _grant_least_privilege(self, data: Data, shared: SharedRuntime) -> None:
        table_arn = data.table.table_arn
        self.mailer.grant(
            # Reads the directory (accounts' contacts, staff, regional managers) and a case's items (the update
            # an email quotes); writes only its record of each email sent (the guard against duplicate deliveries).
            on_keys("dynamodb:GetItem", table_arn, [f"{ACCOUNT_PREFIX}*", f"{STAFF_PREFIX}*", f"{REGION_PREFIX}*", f"{CASE_PREFIX}*"]),
            on_keys("dynamodb:PutItem", table_arn, [f"{NOTIFIED_PREFIX}*"]),
            iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[data.key.key_arn]),
            iam.PolicyStatement(actions=["ses:SendRawEmail"], resources=[self.sender.email_identity_arn]),
            iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=[shared.reference_secret.secret_arn]),
        )
