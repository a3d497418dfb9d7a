"""The support desk: one stack per stage, one construct per capability."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack, Tags
from constructs import Construct

from infra.components.alerts import Alerts
from infra.components.api import Api, api_routes, public_api_routes
from infra.components.cases import CasesApi
from infra.components.data import Data
from infra.components.directory import DirectoryApi
from infra.components.events import Events
from infra.components.files import Files
from infra.components.followups import Followups
from infra.components.identity import Identity
from infra.components.notifications import Notifications
from infra.components.operations import Operations
from infra.components.outbox import Outbox
from infra.components.portal import Portal
from infra.components.purge import Purge
from infra.components.reports import Reports
from infra.components.shared import SharedRuntime
from infra.components.updates import Updates, platform_reads
from infra.config import StageConfig


class SupportDeskStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig, **kwargs: Any) -> None:
        super().__init__(
            scope,
            construct_id,
            description=f"Dedicated Support Services case desk ({config.name})",
            termination_protection=config.is_production,
            **kwargs,
        )
        Tags.of(self).add("project", "dedicated-support-services")
        Tags.of(self).add("stage", config.name)

        self.data = Data(self, "Data", config=config)
        self.events = Events(self, "Events", config=config)
        self.identity = Identity(self, "Identity", config=config)
        self.shared = SharedRuntime(self, "Shared", config=config)
        self.cases = CasesApi(self, "Cases", config=config, data=self.data, shared=self.shared)
        self.files = Files(self, "Files", config=config, data=self.data, shared=self.shared)
        self.directory = DirectoryApi(self, "Directory", config=config, data=self.data, shared=self.shared, identity=self.identity)
        self.alerts = Alerts(self, "Alerts", config=config, data=self.data, events=self.events, shared=self.shared)
        self.reports = Reports(self, "Reports", config=config, data=self.data, events=self.events, files=self.files, shared=self.shared)
        self.updates = Updates(self, "Updates", config=config, data=self.data, shared=self.shared)
        # The cases domain decides installation requests from the updates domain's items (functions/shared/dal/platform_view.py).
        self.cases.api.grant(*platform_reads(self.data.table.table_arn))
        self.api = Api(
            self,
            "Api",
            config=config,
            identity=self.identity,
            backends=[
                (self.cases.function, api_routes("functions.cases.handlers.api")),
                (self.files.function, api_routes("functions.files.handlers.api")),
                (self.directory.function, api_routes("functions.directory.handlers.api")),
                (self.alerts.api.function, api_routes("functions.alerts.handlers.api")),
                (self.alerts.intake.function, api_routes("functions.alerts.handlers.intake")),
                (self.reports.api.function, api_routes("functions.reports.handlers.api")),
                (self.updates.api.function, api_routes("functions.updates.handlers.api")),
            ],
            documentation=self.cases.function,  # it serves the whole API's stored OpenAPI document
            # GET /sign-in and the monitoring intake (its credential is in the request, not a Cognito token).
            public_routes=[
                *public_api_routes("functions.directory.handlers.api"),
                *public_api_routes("functions.alerts.handlers.intake"),
                *public_api_routes("functions.reports.handlers.api"),  # the report recipients' signed links
            ],
        )
        # The portal on the API's origin; every email links to it and the files bucket lets its page PUT parts.
        self.portal = Portal(self, "Portal", config=config, rest_api=self.api.rest_api, access_logs=self.files.access_logs)
        self.files.allow_browser_uploads_from(self.portal.url)
        self.directory.function.add_environment("PORTAL_URL", self.portal.url)
        self.notifications = Notifications(
            self, "Notifications", config=config, data=self.data, events=self.events, shared=self.shared, portal_url=self.portal.url
        )
        self.reports.send_as(self.notifications.sender, self.portal.url)
        self.followups = Followups(
            self,
            "Followups",
            config=config,
            data=self.data,
            events=self.events,
            shared=self.shared,
            incident_timer_step=self.alerts.timer_step.function,
        )
        self.purge = Purge(self, "Purge", config=config, data=self.data, events=self.events, files=self.files, shared=self.shared)
        self.outbox = Outbox(self, "Outbox", config=config, data=self.data, events=self.events, shared=self.shared)
        # Last: the dashboard shows every function and alarm above (the topic reaches every alarm, wherever built).
        self.operations = Operations(
            self,
            "Operations",
            config=config,
            api=self.api,
            outbox=self.outbox,
            queues={
                "notifications": self.notifications.queue,
                "followups": self.followups.queue,
                "files purged": self.purge.marking_delivery.queue,
                "monitoring events": self.alerts.queue,
                "alerts case events": self.alerts.case_events_delivery.queue,
                "reports events": self.reports.delivery.queue,
            },
            dead_letter_queues={
                "notifications DLQ": self.notifications.dead_letter_queue,
                "followups DLQ": self.followups.dead_letter_queue,
                "files purged DLQ": self.purge.marking_delivery.dead_letter_queue,
                "purge runs DLQ": self.purge.dead_letter_queue,
                "outbox on-failure": self.outbox.failure_queue,
                "alerts DLQ": self.alerts.dead_letter_queue,
                "alerts case events DLQ": self.alerts.case_events_delivery.dead_letter_queue,
                "monitoring bus DLQ": self.alerts.bus_dead_letter_queue,
                "reports events DLQ": self.reports.delivery.dead_letter_queue,
                "report runs DLQ": self.reports.dead_letter_queue,
                "update jobs DLQ": self.updates.dead_letter_queue,
            },
            state_machines={
                "follow-up ladder": self.followups.follow_up_ladder,
                "response escalation": self.followups.response_escalation,
                "incident timer": self.followups.incident_timer,
            },
        )

        CfnOutput(self, "PortalUrl", value=self.portal.url, description="The web portal (the API is also under /api on it)")
        CfnOutput(self, "PortalBucketName", value=self.portal.bucket.bucket_name)
        CfnOutput(self, "PortalDistributionId", value=self.portal.distribution.distribution_id)
        CfnOutput(self, "ApiUrl", value=self.api.rest_api.url, description="Base URL of the API (stage included)")
        CfnOutput(self, "UserPoolId", value=self.identity.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=self.identity.client.user_pool_client_id)
        CfnOutput(self, "TableName", value=self.data.table.table_name)
        CfnOutput(self, "EventBusName", value=self.events.bus.event_bus_name)
        CfnOutput(self, "NotificationsDeadLetterQueueUrl", value=self.notifications.dead_letter_queue.queue_url)
        CfnOutput(self, "FollowupsDeadLetterQueueUrl", value=self.followups.dead_letter_queue.queue_url)
        CfnOutput(self, "FilesBucketName", value=self.files.bucket.bucket_name, description="The case files bucket (SSE-KMS)")
        CfnOutput(self, "PurgeDeadLetterQueueUrl", value=self.purge.dead_letter_queue.queue_url)
        CfnOutput(self, "FilesPurgedDeadLetterQueueUrl", value=self.purge.marking_delivery.dead_letter_queue.queue_url)
        CfnOutput(self, "OutboxFailureQueueUrl", value=self.outbox.failure_queue.queue_url)
        CfnOutput(self, "AlertsQueueUrl", value=self.alerts.queue.queue_url, description="The monitoring intake's events")
        CfnOutput(self, "AlertsDeadLetterQueueUrl", value=self.alerts.dead_letter_queue.queue_url)
        CfnOutput(self, "AlertsCaseEventsDeadLetterQueueUrl", value=self.alerts.case_events_delivery.dead_letter_queue.queue_url)
        CfnOutput(self, "MonitoringBusName", value=self.alerts.monitoring_bus.event_bus_name, description="AWS senders put events here")
        CfnOutput(self, "MonitoringBusDeadLetterQueueUrl", value=self.alerts.bus_dead_letter_queue.queue_url)
        CfnOutput(self, "ReportsDeadLetterQueueUrl", value=self.reports.dead_letter_queue.queue_url)
        CfnOutput(self, "ReportsEventsDeadLetterQueueUrl", value=self.reports.delivery.dead_letter_queue.queue_url)
        CfnOutput(self, "UpdatesDeadLetterQueueUrl", value=self.updates.dead_letter_queue.queue_url)
        CfnOutput(self, "UpdateJobFunctionName", value=self.updates.job.function.function_name, description="Invoke it with a job's input")
        CfnOutput(self, "OutboxPublisherFunctionName", value=self.outbox.function.function_name)
        CfnOutput(self, "TableStreamArn", value=self.data.stream_arn)
        CfnOutput(self, "OperationsTopicArn", value=self.operations.topic.topic_arn, description="Every alarm notifies this topic")
        CfnOutput(self, "DashboardName", value=self.operations.dashboard.dashboard_name)
