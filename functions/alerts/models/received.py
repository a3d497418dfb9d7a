"""An alert event as the intake queues it for the processor: which integration and account it came through
(never from the body), when it arrived, and the sender's event with its alert key settled."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from functions.alerts.models.events import PagerDutyEvent
from functions.shared.clock import UtcTimestamp
from functions.shared.models import ApiModel


class IntakeChannel(StrEnum):
    EVENTS_API = "events-api"  # POST /alerts/v1/enqueue, the PagerDuty-compatible route
    WEBHOOK = "webhook"  # POST /alerts/v1/integrations/{integrationId}/events, Standard Webhooks
    EVENTBRIDGE = "eventbridge"  # the dss-monitoring bus


class ReceivedEvent(ApiModel):
    event_id: str = Field(description="The intake's id of this delivery; a retransmit with the same id is dropped.")
    integration_id: str
    account_id: str
    channel: IntakeChannel
    received_at: UtcTimestamp
    dedup_key: str = Field(description="The alert's key within the account: the sender's dedup_key or the derived one.")
    event: PagerDutyEvent = Field(description="The sender's event, its routing_key blanked.")
