"""The 30-day purge: a daily schedule invokes the purge Lambda (functions/purge), which reads the
due cases from the table's purge index, deletes their files and writes CaseFilesPurged as an outbox item
(published to the bus by components/outbox.py); and the cases
domain's consumer of that event (rule → queue + DLQ → Lambda, functions/cases/handlers/handle_bus_events.py),
which marks the case `filesPurgedAt` and so takes it out of the index; the same consumer takes the alerts
domain's incidents too (its pattern and grants are the cases domain's: functions/cases/models/delivery.py,
components/cases.py). Every async path ends in a
dead-letter queue with an alarm (docs/architecture.md, Architecture). Each role can do exactly what its code does."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events_
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_lambda_event_sources as event_sources
from constructs import Construct

from functions.cases.models.delivery import (
    BATCH_SIZE,
    EVENT_PATTERN,
    FUNCTION_TIMEOUT_SECONDS,
    MAX_RECEIVE_COUNT,
    VISIBILITY_TIMEOUT_SECONDS,
)
from functions.purge.dal.outbox import PURGE_PREFIX
from infra.components.cases import EVENTS_HANDLER, bus_events_grants
from infra.components.data import Data
from infra.components.event_queue import event_queue, run_dead_letter_queue
from infra.components.events import Events
from infra.components.files import OBJECT_PREFIX, Files, acknowledge_object_wildcard, object_arns
from infra.components.function import DomainFunction, on_keys
from infra.components.shared import SharedRuntime
from infra.config import StageConfig

HANDLER = "functions.purge.handlers.handle_daily_purge.lambda_handler"
MARK_HANDLER = EVENTS_HANDLER  # the cases domain's queue consumer
# 03:00 UTC, every day: night in the Americas, early morning in Europe, away from the desk's busy hours.
SCHEDULE = events_.Schedule.cron(minute="0", hour="3")
# A run stops starting new cases a minute before its timeout (handle_daily_purge.SAFETY_MARGIN_MILLIS) and
# the next run goes on, so the longest timeout Lambda allows does the most work per run at no extra cost.
PURGE_TIMEOUT = Duration.minutes(15)
# The schedule's delivery to Lambda (an asynchronous invoke): retried for a few hours, then dead-lettered.
# Once invoked, a failed run (e.g. a case whose files could not all be deleted) is retried by Lambda twice,
# then recorded in the same dead-letter queue. Reruns are harmless; tomorrow's run tries again anyway.
DELIVERY_RETRY_ATTEMPTS = 8
DELIVERY_MAX_EVENT_AGE = Duration.hours(6)
RUN_RETRY_ATTEMPTS = 2


class Purge(Construct):
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
        super().__init__(scope, construct_id)
        self._daily_run(config, data, files, shared.layer)
        self._case_marks(config, data, events, shared.layer)

    def _daily_run(self, config: StageConfig, data: Data, files: Files, layer: lambda_.ILayerVersion) -> None:
        self.dead_letter_queue, self.alarm = run_dead_letter_queue(
            self,
            what="of the purge schedule's target (runs EventBridge could not invoke) and the purge function's on-failure "
            "destination (runs that failed after Lambda's retries)",
            alarm_description="A daily purge run failed or could not start: the message in the purge dead-letter "
            "queue says which (an invocation record names the error; see the purge function's log for the cases "
            "whose files were not deleted). Fix the cause, then invoke the purge function by hand (reruns are "
            "harmless) and delete the message.",
        )
        self.daily = DomainFunction(
            self,
            "Daily",
            config=config,
            name="purge",
            description="Purge: deletes the files of cases closed more than 30 days ago, aborts stale uploads",
            handler=HANDLER,
            timeout=PURGE_TIMEOUT,
            layer=layer,
            environment={
                "TABLE_NAME": data.table.table_name,
                "FILES_BUCKET": files.bucket.bucket_name,
            },
            retry_attempts=RUN_RETRY_ATTEMPTS,
            on_failure=destinations.SqsDestination(self.dead_letter_queue),
        )
        self.function = self.daily.function
        self.schedule = events_.Rule(
            self,
            "Schedule",
            description="The daily purge of closed cases' files",
            schedule=SCHEDULE,
            targets=[
                targets.LambdaFunction(
                    self.function,
                    retry_attempts=DELIVERY_RETRY_ATTEMPTS,
                    max_event_age=DELIVERY_MAX_EVENT_AGE,
                    dead_letter_queue=self.dead_letter_queue,
                )
            ],
        )
        self._grant_daily_run(data, files)

    def _grant_daily_run(self, data: Data, files: Files) -> None:
        bucket = files.bucket
        self.daily.grant(
            # functions/purge/dal/purge_index.py: one Query per page of the purge index, nothing else of the table.
            iam.PolicyStatement(actions=["dynamodb:Query"], resources=[f"{data.table.table_arn}/index/{data.purge_index_name}"]),
            # functions/purge/dal/outbox.py: CaseFilesPurged as outbox items in the purge's own partitions
            # (PURGE#<caseNumber>, sk EVENT#…), written by BatchWriteItem; PutItem covers the same items written
            # one at a time or in a transaction. Never a case item: the cases domain marks the case from the event.
            on_keys("dynamodb:BatchWriteItem", data.table.table_arn, [f"{PURGE_PREFIX}*"]),
            on_keys("dynamodb:PutItem", data.table.table_arn, [f"{PURGE_PREFIX}*"]),
            iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[data.key.key_arn]),
            # functions/purge/dal/case_files.py: ListObjectsV2 of a case's prefix, DeleteObjects (authorized per
            # key as DeleteObject), ListMultipartUploads and AbortMultipartUpload of stale uploads. Deleting and
            # aborting need no KMS permission.
            iam.PolicyStatement(
                actions=["s3:ListBucket"],
                resources=[bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{OBJECT_PREFIX}*"]}},
            ),
            # ListMultipartUploads supports no s3:prefix condition; it lists keys, upload ids and dates only.
            iam.PolicyStatement(actions=["s3:ListBucketMultipartUploads"], resources=[bucket.bucket_arn]),
            iam.PolicyStatement(actions=["s3:DeleteObject", "s3:AbortMultipartUpload"], resources=[object_arns(bucket)]),
        )
        acknowledge_object_wildcard(self.daily.role, bucket, "the purge deletes (a closed case's files) and aborts (stale uploads)")

    def _case_marks(self, config: StageConfig, data: Data, events: Events, layer: lambda_.ILayerVersion) -> None:
        """The cases domain reacts to CaseFilesPurged and to the alerts domain's incidents: its own queue, its own
        function (a handler of functions/cases). The construct ids are the ones it had when it took CaseFilesPurged
        only: a deploy updates the rule, queue and function instead of replacing them."""
        self.marking_delivery = event_queue(
            Construct(self, "MarkingDelivery"),
            bus=events.bus,
            pattern=EVENT_PATTERN,
            rule_id="CaseFilesPurgedEvents",
            rule_description="The purge job's CaseFilesPurged and the alerts domain's incidents, to the cases domain's queue",
            visibility_timeout_seconds=VISIBILITY_TIMEOUT_SECONDS,
            max_receive_count=MAX_RECEIVE_COUNT,
            alarm_description="Events the cases domain could not apply: a CaseFilesPurged not recorded on its case "
            "(filesPurgedAt; until then the case stays in the purge index and each daily run announces it again), or a "
            "monitoring incident's case not opened (e.g. its account has no contact that is not disabled) or its note not "
            "posted. See the cases events function's log for the failure, fix it, then redrive the dead-letter queue to "
            "its queue (every event is applied once, however often it is delivered).",
        )
        self.marking = DomainFunction(
            self,
            "Marking",
            config=config,
            name="cases events",
            description="Cases: marks a case's files purged (CaseFilesPurged); opens and annotates monitoring incidents' cases",
            handler=MARK_HANDLER,
            timeout=Duration.seconds(FUNCTION_TIMEOUT_SECONDS),
            layer=layer,
            environment={"TABLE_NAME": data.table.table_name, **config.business_time},
        )
        # Grants the role exactly what polling needs on this queue (receive, delete, change visibility, attributes).
        self.marking.function.add_event_source(
            event_sources.SqsEventSource(self.marking_delivery.queue, batch_size=BATCH_SIZE, report_batch_item_failures=True)
        )
        self.marking.grant(
            *bus_events_grants(data.table.table_arn),
            iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[data.key.key_arn]),
        )
