"""Case reports (functions/reports): the reports API Lambda (the on-demand report, the subscriptions, their deliveries
and archived CSVs, the recipients' public signed links); the dispatcher, which an EventBridge Scheduler cron in
America/New_York invokes hourly from 06:00 to 23:00 (what a run fails or has no time for stays due for the next one;
a delivery that cannot start lands in the dead-letter queue, as does a run Lambda's retries could not finish); and the
consumer of the case events that keep the tallies and of the invitations it emails (rule → queue → DLQ). Every role
can do exactly what its code does (docs/architecture.md, "Case reports")."""

from __future__ import annotations

from typing import cast

from aws_cdk import Acknowledgment, CfnElement, Duration, Stack, TimeZone, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from aws_cdk import aws_ses as ses
from constructs import Construct

from functions.reports.dal.delivery import ARCHIVE_PREFIX
from functions.reports.dal.tables import DUE_PARTITION, LOCATOR_PREFIX, REPORTS_PREFIX
from functions.reports.models.delivery import (
    BATCH_SIZE,
    DISPATCH_HOURS,
    DISPATCH_TIME_ZONE,
    EVENT_PATTERN,
    FUNCTION_TIMEOUT_SECONDS,
    MAX_RECEIVE_COUNT,
    VISIBILITY_TIMEOUT_SECONDS,
)
from functions.shared.dal.directory import ACCOUNT_PREFIX
from functions.shared.dal.idempotency import IDEMPOTENCY_PREFIX
from functions.shared.dal.rate_limit import RATE_PREFIX
from infra.components.data import Data
from infra.components.event_queue import event_queue, run_dead_letter_queue
from infra.components.events import Events
from infra.components.files import Files
from infra.components.function import DomainFunction, on_keys
from infra.components.shared import SharedRuntime, hmac_key_secret
from infra.config import StageConfig

API_HANDLER = "functions.reports.handlers.api.lambda_handler"
DISPATCHER_HANDLER = "functions.reports.handlers.handle_report_schedule.lambda_handler"
EVENTS_HANDLER = "functions.reports.handlers.handle_bus_events.lambda_handler"
DISPATCH_CRON = {"minute": "0", "hour": f"{DISPATCH_HOURS.start}-{DISPATCH_HOURS.stop - 1}"}
DISPATCHER_TIMEOUT = Duration.minutes(15)
DELIVERY_RETRY_ATTEMPTS = 8
DELIVERY_MAX_EVENT_AGE = Duration.hours(1)  # the next hour's run takes over


class Reports(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        data: Data,
        events: Events,
        files: Files,
        shared: SharedRuntime,
    ) -> None:
        """The sender and the portal come later (`send_as`): the API is built before the portal that fronts it."""
        super().__init__(scope, construct_id)
        self.link_secret = hmac_key_secret(
            self,
            "LinkKey",
            config,
            purpose="of the report recipients' confirm and unsubscribe links (functions/reports/logic/links.py)",
            why_not_rotated="every unsubscribe link already emailed is signed with it, so rotating it would break them; if it "
            "is ever exposed, put a new random value by hand (the next reports carry new links).",
        )
        table_arn = data.table.table_arn
        environment = {
            "TABLE_NAME": data.table.table_name,
            "FILES_BUCKET": files.bucket.bucket_name,
            "SENDER_EMAIL": config.sender_email,
            "REPORT_LINK_SECRET_ARN": self.link_secret.secret_arn,
            **config.business_time,  # the open cases' ages in business days
        }
        secrets_and_keys = [
            iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[data.key.key_arn]),
            iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=[self.link_secret.secret_arn]),
        ]
        archive = f"{files.bucket.bucket_arn}/{ARCHIVE_PREFIX}*"
        # A report's sections (functions/reports/dal/case_sections.py): one Query a page on the two report indexes and the
        # account's non-closed cases (account-phase); nothing else of the cases.
        sections = iam.PolicyStatement(
            actions=["dynamodb:Query"], resources=[f"{table_arn}/index/{name}" for name in (*data.report_index_names, "account-phase")]
        )
        # A delivery (functions/reports/logic/delivery.py): the subscription by its locator (REPORTSUB#), the account
        # (ACCOUNT#, read only), the tallies (a Query of REPORTS#), its claims (PutItem of REPORTS#), the run, the
        # subscription, its due entry (REPORTDUE) and CaseReportSent in one transaction (PutItem, DeleteItem), the CSV
        # archived (PutObject; reading it back is the API's alone). Reading the due listing is the dispatcher's alone.
        delivering = [
            on_keys("dynamodb:GetItem", table_arn, [f"{LOCATOR_PREFIX}*", f"{REPORTS_PREFIX}*", f"{ACCOUNT_PREFIX}*"]),
            on_keys("dynamodb:Query", table_arn, [f"{REPORTS_PREFIX}*"]),
            on_keys("dynamodb:PutItem", table_arn, [f"{REPORTS_PREFIX}*", DUE_PARTITION]),
            on_keys("dynamodb:DeleteItem", table_arn, [DUE_PARTITION]),
            sections,
            iam.PolicyStatement(actions=["s3:PutObject"], resources=[archive]),
            iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[files.key.key_arn]),  # the bucket's key
            *secrets_and_keys,
        ]

        self.api = DomainFunction(
            self,
            "Api",
            config=config,
            name="reports API",
            description="Reports API: the on-demand case report, report subscriptions and their deliveries",
            handler=API_HANDLER,
            timeout=Duration.seconds(29),  # a send-now builds and emails a report within API Gateway's limit
            layer=shared.layer,
            memory_size=512,
            environment=environment,
        )
        self.api.grant(
            *delivering,
            # Besides a delivery's: a delivered period's archived CSV (GET …/runs/{firstDay}/csv), the callers'
            # Idempotency-Key records and change counts, a new subscription's locator, a deleted subscription (REPORTS#)
            # and its locator.
            iam.PolicyStatement(actions=["s3:GetObject"], resources=[archive]),
            on_keys("dynamodb:GetItem", table_arn, [f"{IDEMPOTENCY_PREFIX}*"]),
            on_keys("dynamodb:PutItem", table_arn, [f"{IDEMPOTENCY_PREFIX}*", f"{LOCATOR_PREFIX}*"]),
            on_keys("dynamodb:UpdateItem", table_arn, [f"{RATE_PREFIX}*"]),
            on_keys("dynamodb:DeleteItem", table_arn, [f"{REPORTS_PREFIX}*", f"{LOCATOR_PREFIX}*"]),
        )
        _acknowledge_archive_wildcard(self.api.role, files)
        self._dispatcher(config, shared, environment, table_arn, delivering, files)
        self._consumer(config, events, shared, environment, table_arn, secrets_and_keys)

    @property
    def functions(self) -> list[DomainFunction]:
        return [self.api, self.dispatcher, self.events_function]

    def send_as(self, sender: ses.EmailIdentity, portal_url: str) -> None:
        """Every reports function emails from the desk's sender identity and links to the portal."""
        for function in self.functions:
            function.function.add_environment("PORTAL_URL", portal_url)
            function.grant(iam.PolicyStatement(actions=["ses:SendRawEmail"], resources=[sender.email_identity_arn]))

    def _dispatcher(
        self,
        config: StageConfig,
        shared: SharedRuntime,
        environment: dict[str, str],
        table_arn: str,
        delivering: list[iam.PolicyStatement],
        files: Files,
    ) -> None:
        self.dead_letter_queue, self.alarm = run_dead_letter_queue(
            self,
            what="of the report schedule's target (runs the scheduler could not invoke) and the dispatcher's on-failure "
            "destination (runs that failed after Lambda's retries)",
            alarm_description="A report dispatcher run failed or could not start: the message in the reports dead-letter queue says "
            "which. Reports still due are delivered by the next hourly run; if runs keep failing, see the dispatcher's log, fix the "
            "cause and invoke it by hand (reruns send nobody twice), then delete the message.",
        )
        self.dispatcher = DomainFunction(
            self,
            "Dispatcher",
            config=config,
            name="report dispatcher",
            description="Reports: delivers the case reports whose period has ended",
            handler=DISPATCHER_HANDLER,
            timeout=DISPATCHER_TIMEOUT,
            layer=shared.layer,
            environment=environment,
            retry_attempts=2,
            on_failure=destinations.SqsDestination(self.dead_letter_queue),
        )
        # Besides a delivery's: the due listing (one Query of REPORTDUE a run).
        self.dispatcher.grant(*delivering, on_keys("dynamodb:Query", table_arn, [DUE_PARTITION]))
        _acknowledge_archive_wildcard(self.dispatcher.role, files)
        # The schedule's own role (CDK would share one across the stack): it may invoke the dispatcher, its versions included.
        schedule_role = iam.Role(self, "ScheduleRole", assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com"))
        function_id = Stack.of(self).get_logical_id(cast(CfnElement, self.dispatcher.function.node.default_child))
        Validations.of(schedule_role).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{function_id}.Arn>:*]",
                reason="EventBridge Scheduler's Lambda target grants the dispatcher function and its versions (`:*`); "
                "it invokes only this one function.",
            )
        )
        self.schedule = scheduler.Schedule(
            self,
            "Schedule",
            description="Case reports: delivers the subscriptions due (06:00 US Eastern on the day a period ends, then hourly)",
            schedule=scheduler.ScheduleExpression.cron(**DISPATCH_CRON, time_zone=TimeZone.of(DISPATCH_TIME_ZONE)),
            target=scheduler_targets.LambdaInvoke(
                self.dispatcher.function,
                role=schedule_role,
                dead_letter_queue=self.dead_letter_queue,
                retry_attempts=DELIVERY_RETRY_ATTEMPTS,
                max_event_age=DELIVERY_MAX_EVENT_AGE,
            ),
        )

    def _consumer(
        self,
        config: StageConfig,
        events: Events,
        shared: SharedRuntime,
        environment: dict[str, str],
        table_arn: str,
        secrets_and_keys: list[iam.PolicyStatement],
    ) -> None:
        self.delivery = event_queue(
            Construct(self, "EventDelivery"),
            bus=events.bus,
            pattern=EVENT_PATTERN,
            rule_id="Events",
            rule_description="Case openings, closures and reopenings (the report tallies) and report recipients to confirm",
            visibility_timeout_seconds=VISIBILITY_TIMEOUT_SECONDS,
            max_receive_count=MAX_RECEIVE_COUNT,
            alarm_description="Events the reports consumer could not apply: a case event not counted in its account's tallies (the "
            "reports' charts and previous periods miss it) or a confirmation email not sent. See the reports events function's log, "
            "fix the cause, then redrive the dead-letter queue (every event is applied once).",
        )
        self.events_function = DomainFunction(
            self,
            "Events",
            config=config,
            name="reports events",
            description="Reports: counts case events in the tallies, emails report recipients their confirmation link",
            handler=EVENTS_HANDLER,
            timeout=Duration.seconds(FUNCTION_TIMEOUT_SECONDS),
            layer=shared.layer,
            environment=environment,
        )
        self.events_function.function.add_event_source(
            event_sources.SqsEventSource(self.delivery.queue, batch_size=BATCH_SIZE, report_batch_item_failures=True)
        )
        self.events_function.grant(
            # A tally change: its mark (PutItem) and the buckets (UpdateItem) of REPORTS#, one transaction. A confirmation:
            # the subscription by its locator, the account, the claim (PutItem of REPORTS#).
            on_keys("dynamodb:GetItem", table_arn, [f"{LOCATOR_PREFIX}*", f"{REPORTS_PREFIX}*", f"{ACCOUNT_PREFIX}*"]),
            on_keys("dynamodb:PutItem", table_arn, [f"{REPORTS_PREFIX}*"]),
            on_keys("dynamodb:UpdateItem", table_arn, [f"{REPORTS_PREFIX}*"]),
            *secrets_and_keys,
        )


def _acknowledge_archive_wildcard(role: iam.IRole, files: Files) -> None:
    bucket_id = Stack.of(files).get_logical_id(cast(CfnElement, files.bucket.node.default_child))
    Validations.of(role).acknowledge(
        Acknowledgment(
            id=f"AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/{ARCHIVE_PREFIX}*]",
            reason="The reports' archived CSVs are keyed reports/<account>/<subscription>/<first day>.csv, names that exist only "
            "at run time; the grant (PutObject, and GetObject for the API that serves them) is confined to the reports/ prefix of "
            "this one bucket.",
        )
    )
