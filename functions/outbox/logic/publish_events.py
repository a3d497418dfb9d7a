"""Puts the outbox's events on the bus in the order the stream delivered them.

At least once, in order: the events go out in PutEvents calls of at most 10 entries and 256 KB, one
call after the other. At the first entry the bus did not take, the batch stops and that record's
sequence number is reported as the batch's failure: Lambda retries from there (bisecting the batch, then
handing it to the on-failure destination after the mapping's retries), so no event is skipped and none
overtakes an earlier one of its case. Entries after a failed one in the same call may have gone out and
go out again; every event keeps its eventKey, which consumers deduplicate on.

Powertools' batch processor is not used: it goes on with the records after a failure, which would put a
case's later events on the bus before its earlier one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from functions.outbox.models.outbox_records import OutboxRecord
from functions.shared.domain_event import MAX_ENTRY_BYTES

ENTRIES_PER_CALL = 10  # PutEvents' limit


class Bus(Protocol):
    def put(self, records: list[OutboxRecord]) -> int | None:
        """Puts the entries in one call; the index of the first entry the bus did not take, or None."""


def calls(records: list[OutboxRecord]) -> Iterator[list[OutboxRecord]]:
    """The records in order, grouped into PutEvents calls within the entry count and total size limits."""
    batch: list[OutboxRecord] = []
    size = 0
    for record in records:
        if batch and (len(batch) == ENTRIES_PER_CALL or size + record.entry_size() > MAX_ENTRY_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(record)
        size += record.entry_size()
    if batch:
        yield batch


def publish_events(records: list[OutboxRecord], bus: Bus) -> tuple[int, str | None]:
    """(events put on the bus, the sequence number of the first record not published or None)."""
    published = 0
    for batch in calls(records):
        failed = bus.put(batch)
        if failed is not None:
            return published + failed, batch[failed].sequence_number
        published += len(batch)
    return published, None
