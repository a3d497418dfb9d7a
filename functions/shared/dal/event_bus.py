"""Publishing domain events to the EventBridge bus (the spine every other domain listens on)."""

from __future__ import annotations

import json

from botocore.exceptions import BotoCoreError, ClientError

from functions.shared.dal.aws import client
from functions.shared.errors import ServiceUnavailable
from functions.shared.observability import logger

DELAYED = "The change was saved but its notification is delayed; retry with the same Idempotency-Key."


class EventBus:
    def __init__(self, bus_name: str, source: str):
        self.bus_name = bus_name
        self.source = source

    def publish(self, detail_type: str, detail: dict) -> None:
        self.publish_all([(detail_type, detail)])

    def publish_all(self, events: list[tuple[str, dict]]) -> None:
        """One PutEvents call for all of a change's events (at most 10, EventBridge's batch limit)."""
        if not events:
            return
        entries = [
            {
                "EventBusName": self.bus_name,
                "Source": self.source,
                "DetailType": detail_type,
                "Detail": json.dumps(detail, separators=(",", ":"), sort_keys=True),
            }
            for detail_type, detail in events
        ]
        kinds = [detail_type for detail_type, _ in events]
        try:
            result = client("events").put_events(Entries=entries)
        except (BotoCoreError, ClientError) as error:
            logger.exception("events not published", extra={"detail_types": kinds})
            raise ServiceUnavailable(DELAYED) from error
        if result.get("FailedEntryCount"):
            logger.error("events rejected by the bus", extra={"detail_types": kinds, "entries": result["Entries"]})
            raise ServiceUnavailable(DELAYED)
