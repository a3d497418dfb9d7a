"""The purge's announcements go through the outbox (functions/shared/dal/outbox.py) like every change's:
its CaseFilesPurged events are written to the table in `PURGE#<caseNumber>` (the only keys this job may
write) and the publisher puts them on the bus."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import PutError

from functions.purge.models.purge import StorageUnavailable
from functions.shared.dal.outbox import OUTBOX_MODELS, OutboxItem, outbox_items
from functions.shared.dal.table import bind_models
from functions.shared.domain_event import DomainEvent

PURGE_PREFIX = "PURGE#"


class PurgeOutbox:
    def __init__(self, table_name: str):
        bind_models(table_name, OUTBOX_MODELS)

    def record(self, events: list[DomainEvent], now: datetime) -> None:
        """One BatchWriteItem per 25 events (pynamodb sends what DynamoDB left unprocessed again)."""
        try:
            with OutboxItem.batch_write() as batch:
                for event in events:
                    partition = f"{PURGE_PREFIX}{event.detail['caseNumber']}"
                    for item in outbox_items(partition, event.detail["closedAt"], [event], now):
                        batch.save(item)
        except PutError as error:
            raise StorageUnavailable(f"recording the purge's events failed: {error}") from error
