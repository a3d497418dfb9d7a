"""PutEvents on the desk's bus: the only code of the project that calls it."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from functions.outbox.models.outbox_records import OutboxRecord
from functions.shared.dal.aws import client
from functions.shared.observability import logger


class EventBus:
    def __init__(self, bus_name: str):
        self.bus_name = bus_name

    def put(self, records: list[OutboxRecord]) -> int | None:
        entries = [
            {"EventBusName": self.bus_name, "Source": record.source, "DetailType": record.detail_type, "Detail": record.detail}
            for record in records
        ]
        try:
            result = client("events").put_events(Entries=entries)
        except (BotoCoreError, ClientError):
            logger.exception("PutEvents failed", extra={"event_keys": [record.event_key for record in records]})
            return 0
        if not result.get("FailedEntryCount"):
            return None
        failed = next(index for index, entry in enumerate(result["Entries"]) if entry.get("ErrorCode"))
        logger.error("the bus refused an event", extra={"event_key": records[failed].event_key, "entry": result["Entries"][failed]})
        return failed
