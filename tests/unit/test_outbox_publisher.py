"""The publisher's ordering and batching (functions/outbox/logic/publish_events.py), with an in-memory bus."""

from __future__ import annotations

from functions.outbox.logic.publish_events import ENTRIES_PER_CALL, calls, publish_events
from functions.outbox.models.outbox_records import OutboxRecord
from functions.shared.domain_event import MAX_ENTRY_BYTES


def record(number: int, detail_bytes: int = 10) -> OutboxRecord:
    return OutboxRecord(sequence_number=str(100 + number), source="dss.cases", detail_type="CaseUpdated",
                        detail="x" * detail_bytes, event_key=f"k{number}")  # fmt: skip


class Bus:
    def __init__(self, refuse: dict[str, int] | None = None):
        self.puts: list[list[str]] = []
        self.refuse = refuse or {}  # event key -> how many times the bus refuses it

    def put(self, records):
        self.puts.append([entry.event_key for entry in records])
        for index, entry in enumerate(records):
            if self.refuse.get(entry.event_key):
                self.refuse[entry.event_key] -= 1
                return index
        return None


def test_calls_hold_at_most_ten_entries_and_256_kb_in_order():
    small = [record(n) for n in range(23)]
    assert [len(batch) for batch in calls(small)] == [ENTRIES_PER_CALL, ENTRIES_PER_CALL, 3]
    big = [record(n, MAX_ENTRY_BYTES // 3) for n in range(5)]
    grouped = list(calls(big))
    assert [len(batch) for batch in grouped] == [2, 2, 1]
    assert [entry.event_key for batch in grouped for entry in batch] == [f"k{n}" for n in range(5)]


def test_publishing_stops_at_the_first_refused_event_and_names_it():
    records, bus = [record(n) for n in range(15)], Bus(refuse={"k12": 1})
    assert publish_events(records, bus) == (12, "112")
    assert bus.puts == [[f"k{n}" for n in range(10)], [f"k{n}" for n in range(10, 15)]]
    # Lambda hands the batch over again from the refused record: everything from there goes out, in order.
    assert publish_events(records[12:], bus) == (3, None)


def test_only_new_outbox_items_of_the_stream_are_events():
    image = {"pk": {"S": "CASE#1"}, "sk": {"S": "EVENT#0000000002#00"}, "source": {"S": "dss.cases"},
             "detail_type": {"S": "CaseUpdated"}, "detail": {"S": "{}"}, "event_key": {"S": "1#2#CaseUpdated"}}  # fmt: skip
    insert = {"eventName": "INSERT", "dynamodb": {"SequenceNumber": "7", "NewImage": image}}
    assert OutboxRecord.from_stream(insert).event_key == "1#2#CaseUpdated"
    assert OutboxRecord.from_stream({**insert, "eventName": "MODIFY"}) is None
    case_item = {**image, "sk": {"S": "CASE"}}
    assert OutboxRecord.from_stream({"eventName": "INSERT", "dynamodb": {"SequenceNumber": "8", "NewImage": case_item}}) is None
