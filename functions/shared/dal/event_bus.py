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
        entry = {
            "EventBusName": self.bus_name,
            "Source": self.source,
            "DetailType": detail_type,
            "Detail": json.dumps(detail, separators=(",", ":"), sort_keys=True),
        }
        try:
            result = client("events").put_events(Entries=[entry])
        except (BotoCoreError, ClientError) as error:
            logger.exception("event not published", extra={"detail_type": detail_type})
            raise ServiceUnavailable(DELAYED) from error
        if result.get("FailedEntryCount"):
            logger.error("event rejected by the bus", extra={"detail_type": detail_type, "entries": result["Entries"]})
            raise ServiceUnavailable(DELAYED)
