"""Platform updates (functions/updates): the updates API Lambda (the Testing Department's catalog of Microsoft updates
and their validation, the gateway types' GA catalogs, each account's platform); the job Lambda, which EventBridge
Scheduler invokes with its input: the two crons the stack declares here, in America/New_York (Patch Tuesday's reminder
on the second Tuesday of the month at 15:00, the behind-GA check every Monday at 08:00), and the one-time
`validation-due-<kb>` schedules the API creates at run time in the domain's schedule group (at a critical update's
expected date; each deletes itself after it fires). A run the scheduler could not invoke, and one that failed after
Lambda's retries, lands in the dead-letter queue, whose alarm calls a human. Every role can do exactly what its code
does (docs/architecture.md, "How to add a domain")."""

from __future__ import annotations

from typing import cast

from aws_cdk import Acknowledgment, CfnElement, Duration, Stack, TimeZone, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from constructs import Construct

from functions.shared.dal.directory import ACCOUNT_PREFIX
from functions.shared.dal.idempotency import IDEMPOTENCY_PREFIX
from functions.shared.dal.platform_view import GATEWAY_CATALOG_PREFIX, PLATFORM_PREFIX, WINDOWS_UPDATE_PREFIX
from functions.shared.dal.rate_limit import RATE_PREFIX
from functions.updates.dal.scheduler import SCHEDULE_PREFIX
from functions.updates.dal.tables import CATALOGS_LISTING, PATCH_TUESDAY_PARTITION, PLATFORMS_LISTING, WINDOWS_UPDATES_LISTING
from functions.updates.models.jobs import SCHEDULE_MAX_EVENT_AGE_SECONDS, SCHEDULE_RETRY_ATTEMPTS
from infra.components.data import Data
from infra.components.event_queue import run_dead_letter_queue
from infra.components.function import DomainFunction, InlinePolicyRole, on_keys
from infra.components.shared import SharedRuntime
from infra.components.update_schedules import BEHIND_GA_CHECK, PATCH_TUESDAY, SCHEDULE_TIME_ZONE, WeeklyCron
from infra.config import StageConfig

API_HANDLER = "functions.updates.handlers.api.lambda_handler"
JOB_HANDLER = "functions.updates.handlers.handle_update_schedule.lambda_handler"
# Each job is idempotent (a marker written once: functions/updates/dal/tables.py), so retries send nobody anything twice.
JOB_TIMEOUT = Duration.minutes(5)
SCHEDULE_MAX_EVENT_AGE = Duration.seconds(SCHEDULE_MAX_EVENT_AGE_SECONDS)
# The partition of the Patch Tuesday reminders (a month's marker, its events).
JOBS_PARTITIONS = PATCH_TUESDAY_PARTITION
# The keys of the domain's own items (functions/updates/dal/tables.py): the updates, catalogs and platforms (with the
# notices and outbox items in their partitions) and their listings.
OWN_ITEMS = [f"{WINDOWS_UPDATE_PREFIX}*", f"{GATEWAY_CATALOG_PREFIX}*", f"{PLATFORM_PREFIX}*"]
LISTINGS = [WINDOWS_UPDATES_LISTING, CATALOGS_LISTING, PLATFORMS_LISTING]


def platform_reads(table_arn: str) -> list[iam.PolicyStatement]:
    """What another domain may read of the updates domain's items (functions/shared/dal/platform_view.py: the cases
    domain's installation requests): the updates, the GA catalogs and the platforms, item by item (GetItem, in a
    TransactGetItems too); never the listings and never a write."""
    return [on_keys("dynamodb:GetItem", table_arn, OWN_ITEMS)]


class Updates(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig, data: Data, shared: SharedRuntime) -> None:
        super().__init__(scope, construct_id)
        table_arn = data.table.table_arn
        stack = Stack.of(self)
        # The group holds the API's run-time validation-due schedules (and the stack's two crons). Deleting a group
        # deletes its schedules: the stage's removal policy keeps production's pending reminders if the stack goes.
        group_name = f"dss-{config.name}-updates"
        self.schedule_group = scheduler.ScheduleGroup(
            self, "ScheduleGroup", schedule_group_name=group_name, removal_policy=config.removal_policy
        )
        self.dead_letter_queue, self.alarm = run_dead_letter_queue(
            self,
            what="of the update schedules' target (runs the scheduler could not invoke: the Patch Tuesday reminder, the "
            "behind-GA check, a Windows update's validation-due notice) and the update job's on-failure destination (runs that "
            "failed after Lambda's retries)",
            alarm_description="An update job run failed or could not start: the message in the updates dead-letter queue says which "
            "(its input names the job: patch-tuesday, behind-ga-check or validation-due with its KB). See the update job's log, fix the "
            "cause, then invoke the job by hand with that input (a run notifies once: reruns send nobody anything twice) and delete the "
            "message.",
        )
        environment = {"TABLE_NAME": data.table.table_name}
        table_key = iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[data.key.key_arn])
        self.job = DomainFunction(
            self,
            "Job",
            config=config,
            name="update job",
            description="Platform updates: the Patch Tuesday reminder, the weekly behind-GA check, a Windows update's validation due",
            handler=JOB_HANDLER,
            timeout=JOB_TIMEOUT,
            layer=shared.layer,
            environment=environment,
            retry_attempts=2,
            on_failure=destinations.SqsDestination(self.dead_letter_queue),
        )
        self.job.grant(
            # validation-due: the update (GetItem) and, once, its OVERDUE notice with its event (PutItem in its partition,
            # on the condition that it is still pending: ConditionCheckItem). patch-tuesday: the pending count (a Query of
            # WINDOWSUPDATES) and the month's marker with its event (PutItem of UPDATESJOB#). behind-ga-check: the catalogs
            # (a Query of GATEWAYCATALOGS), the platforms a page at a time (a Query of
            # PLATFORMS) and, once a week, an account's BEHINDGA# notice with its event (PutItem in PLATFORM#).
            on_keys("dynamodb:GetItem", table_arn, [f"{WINDOWS_UPDATE_PREFIX}*"]),
            on_keys("dynamodb:ConditionCheckItem", table_arn, [f"{WINDOWS_UPDATE_PREFIX}*"]),
            on_keys("dynamodb:Query", table_arn, LISTINGS),
            on_keys("dynamodb:PutItem", table_arn, [f"{WINDOWS_UPDATE_PREFIX}*", f"{PLATFORM_PREFIX}*", JOBS_PARTITIONS]),
            table_key,
        )
        self.schedule_role = self._schedule_role(stack)
        self.api = DomainFunction(
            self,
            "Api",
            config=config,
            name="updates API",
            description="Updates API: Windows updates and their validation, gateway GA catalogs, account platforms",
            handler=API_HANDLER,
            timeout=Duration.seconds(10),
            layer=shared.layer,
            memory_size=512,
            environment={
                **environment,
                "PAGE_TOKEN_SECRET_ARN": shared.page_token_secret.secret_arn,
                "VALIDATION_SCHEDULE_GROUP": self.schedule_group.schedule_group_name,
                "VALIDATION_SCHEDULE_TARGET_ARN": self.job.function.function_arn,
                "VALIDATION_SCHEDULE_ROLE_ARN": self.schedule_role.role_arn,
                "VALIDATION_SCHEDULE_DEAD_LETTER_ARN": self.dead_letter_queue.queue_arn,
            },
        )
        # The group by its Ref (its name): the same grant, and the same finding below, in every stage.
        group_ref = cast(scheduler.CfnScheduleGroup, self.schedule_group.node.default_child).ref
        validation_schedules = stack.format_arn(service="scheduler", resource="schedule", resource_name=f"{group_ref}/{SCHEDULE_PREFIX}*")
        self.api.grant(
            # Its items (GetItem; the catalogs a platform's status needs, BatchGetItem) and listings (one Query a page), the
            # account a platform belongs to (read only); a change is one transaction of its item, its listing's row (PutItem;
            # a status's old row goes: DeleteItem) and its events, with the caller's Idempotency-Key record and change count.
            on_keys("dynamodb:GetItem", table_arn, [*OWN_ITEMS, f"{ACCOUNT_PREFIX}*", f"{IDEMPOTENCY_PREFIX}*"]),
            on_keys("dynamodb:BatchGetItem", table_arn, [f"{GATEWAY_CATALOG_PREFIX}*"]),
            on_keys("dynamodb:Query", table_arn, LISTINGS),
            on_keys("dynamodb:PutItem", table_arn, [*OWN_ITEMS, *LISTINGS, f"{IDEMPOTENCY_PREFIX}*"]),
            on_keys("dynamodb:DeleteItem", table_arn, LISTINGS),
            on_keys("dynamodb:UpdateItem", table_arn, [f"{RATE_PREFIX}*"]),
            table_key,
            iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=[shared.page_token_secret.secret_arn]),
            # A critical update's validation-due schedule: created in the group, named validation-due-<kb>, invoking the
            # job as the schedule role (which it may hand to the scheduler only).
            # (UpdateSchedule: one a failed commit left, given this request's date).
            iam.PolicyStatement(actions=["scheduler:CreateSchedule", "scheduler:UpdateSchedule"], resources=[validation_schedules]),
            iam.PolicyStatement(
                actions=["iam:PassRole"],
                resources=[self.schedule_role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}},
            ),
        )
        Validations.of(self.api.role).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/"
                f"<{stack.get_logical_id(cast(CfnElement, self.schedule_group.node.default_child))}>/{SCHEDULE_PREFIX}*]",
                reason="A critical Windows update's validation-due schedule is named validation-due-<kb> when the update is "
                "recorded (functions/updates/dal/scheduler.py), a name that exists only at run time; the grant is CreateSchedule "
                "alone, confined to that prefix in the domain's own schedule group.",
            )
        )
        self.patch_tuesday = self._cron(
            "PatchTuesday",
            "Platform updates: the Patch Tuesday reminder to the Testing Department (second Tuesday, 15:00 US Eastern)",
            PATCH_TUESDAY,
        )
        self.behind_ga = self._cron(
            "BehindGaCheck", "Platform updates: the weekly check of the gateways behind GA (Mondays, 08:00 US Eastern)", BEHIND_GA_CHECK
        )

    @property
    def functions(self) -> list[DomainFunction]:
        return [self.api, self.job]

    def _schedule_role(self, stack: Stack) -> iam.Role:
        """The role EventBridge Scheduler assumes to invoke the job, for the stack's crons and the API's one-time schedules
        alike: only for schedules of this account's updates group (the confused-deputy conditions), and it may invoke
        the job function (its versions included) and send what it cannot deliver to the dead-letter queue."""
        role = InlinePolicyRole(
            self,
            "ScheduleRole",
            description="EventBridge Scheduler: invokes the update job (the crons, the validation-due schedules)",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnEquals": {"aws:SourceArn": self.schedule_group.schedule_group_arn},
                },
            ),
        )
        self.job.function.grant_invoke(role)
        self.dead_letter_queue.grant_send_messages(role)
        function_id = stack.get_logical_id(cast(CfnElement, self.job.function.node.default_child))
        Validations.of(role).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{function_id}.Arn>:*]",
                reason="Lambda's invoke grant covers the update job function and its versions (`:*`); the role invokes only "
                "this one function, and only EventBridge Scheduler's schedules of the domain's group may assume it.",
            )
        )
        return role

    def _cron(self, construct_id: str, description: str, cron: WeeklyCron) -> scheduler.Schedule:
        return scheduler.Schedule(
            self,
            construct_id,
            description=description,
            schedule_group=self.schedule_group,
            schedule=scheduler.ScheduleExpression.cron(
                minute=str(cron.minute), hour=str(cron.hour), week_day=cron.week_day_field, time_zone=TimeZone.of(SCHEDULE_TIME_ZONE)
            ),
            target=scheduler_targets.LambdaInvoke(
                self.job.function,
                input=scheduler.ScheduleTargetInput.from_object(cron.job_input),
                role=self.schedule_role,
                dead_letter_queue=self.dead_letter_queue,
                retry_attempts=SCHEDULE_RETRY_ATTEMPTS,
                max_event_age=SCHEDULE_MAX_EVENT_AGE,
            ),
        )
