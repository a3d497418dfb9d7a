"""The transactional outbox (docs/architecture.md, "The bus and the outbox"): a change writes its events
as items of the support table in the same transaction as the change itself, so a committed change always
has its events. The table's stream hands each new outbox item to the publisher (functions/outbox), which
puts it on the bus; nothing else calls PutEvents.

An outbox item lives in the partition of what changed (a case's events in `CASE#<n>`, a file's in
`FILES#<n>`, the purge's in `PURGE#<n>`), so each domain writes only its own keys, and its sort key is
`EVENT#<sequence>`. DynamoDB Streams keeps the order of changes to one partition key, so one case's events
reach the publisher in the order they were committed. The item expires after a day: by then the stream
(24 h retention) has handed it over."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from functions.shared.dal.attributes import TimestampAttribute
from functions.shared.dal.table import TableMeta
from functions.shared.domain_event import DomainEvent

OUTBOX_SORT_PREFIX = "EVENT#"
OUTBOX_KEPT_FOR = timedelta(days=1)


class OutboxItem(Model):
    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    source = UnicodeAttribute()
    detail_type = UnicodeAttribute()
    detail = UnicodeAttribute()  # the event's detail as JSON, exactly as it goes on the bus
    event_key = UnicodeAttribute()
    recorded_at = TimestampAttribute()
    expires_at = TTLAttribute()  # the table's one TTL attribute


OUTBOX_MODELS: tuple[type[Model], ...] = (OutboxItem,)


def outbox_items(partition: str, sequence: str, events: list[DomainEvent], now: datetime) -> list[OutboxItem]:
    """The items for a change's events; `sequence` orders and names the change within the partition
    (a case's version, a file's id), so writing the same change twice writes the same keys."""
    return [
        OutboxItem(
            partition,
            f"{OUTBOX_SORT_PREFIX}{sequence}#{index:02d}",
            source=event.source,
            detail_type=event.detail_type,
            detail=event.checked().detail_json(),
            event_key=event.event_key,
            recorded_at=now,
            expires_at=now + OUTBOX_KEPT_FOR,
        )
        for index, event in enumerate(events)
    ]
