"""The event bus every state change is published to (docs/architecture.md, Architecture), with an archive for replay."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_events as events
from constructs import Construct

from infra.config import StageConfig


class Events(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self.bus = events.EventBus(self, "Bus", event_bus_name=f"dss-{config.name}-support")
        # Replaying the archive rebuilds what a consumer missed; events are also the audit trail.
        self.archive = self.bus.archive(
            "Archive",
            description=f"Every event on dss-{config.name}-support",
            event_pattern=events.EventPattern(account=[Stack.of(self).account]),
            retention=config.event_archive_retention,
        )
