"""A domain event as a change records it: written in the change's own DynamoDB transaction (the outbox,
functions/shared/dal/outbox.py) and put on the bus by the publisher (functions/outbox) from the table's
stream, at least once, with the same `eventKey` on every delivery."""

from __future__ import annotations

import json
from dataclasses import dataclass

# EventBridge's limit for one entry, and for one PutEvents call (Source + DetailType + Detail bytes).
MAX_ENTRY_BYTES = 256 * 1024
EXCERPT_CHARACTERS = 1_000  # free text never travels whole: an excerpt and the id of its record


class EventTooLarge(ValueError):
    pass


def excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARACTERS else text[: EXCERPT_CHARACTERS - 1] + "…"


@dataclass(frozen=True)
class DomainEvent:
    source: str
    detail_type: str
    detail: dict

    @property
    def event_key(self) -> str:
        return self.detail["eventKey"]

    def detail_json(self) -> str:
        return json.dumps(self.detail, separators=(",", ":"), sort_keys=True, ensure_ascii=False)

    def entry_size(self) -> int:
        """The entry's size as EventBridge counts it against MAX_ENTRY_BYTES."""
        return sum(len(part.encode()) for part in (self.source, self.detail_type, self.detail_json()))

    def checked(self) -> DomainEvent:
        """Refuses (a bug, never a user's input: every text is capped and excerpted) what the bus would refuse."""
        if self.entry_size() > MAX_ENTRY_BYTES:
            raise EventTooLarge(f"{self.detail_type} {self.event_key} is {self.entry_size()} bytes, over EventBridge's 256 KB")
        return self
