"""An outbox item as the table's stream delivers it (functions/shared/dal/outbox.py writes them)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from functions.shared.dal.outbox import OUTBOX_SORT_PREFIX

INSERT = "INSERT"


class OutboxRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    sequence_number: str  # the stream record's: what a partial batch response names
    source: str
    detail_type: str
    detail: str  # JSON, as it goes on the bus
    event_key: str

    @classmethod
    def from_stream(cls, record: dict) -> OutboxRecord | None:
        """None for any other change of the table (the mapping's filter lets none through in AWS)."""
        change = record.get("dynamodb") or {}
        image = change.get("NewImage") or {}
        if record.get("eventName") != INSERT or not image.get("sk", {}).get("S", "").startswith(OUTBOX_SORT_PREFIX):
            return None
        return cls(
            sequence_number=change["SequenceNumber"],
            source=image["source"]["S"],
            detail_type=image["detail_type"]["S"],
            detail=image["detail"]["S"],
            event_key=image["event_key"]["S"],
        )

    def entry_size(self) -> int:
        return sum(len(part.encode()) for part in (self.source, self.detail_type, self.detail))
