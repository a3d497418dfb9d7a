"""What every directory change writes besides its subject: its history entry (written, with the rest, by
functions/shared/dal/transactions.py)."""

from __future__ import annotations

from functions.directory.dal.tables import DirectoryHistoryItem, history_key
from functions.directory.models.accounts import AccountHistoryEntry

BUSY = "The directory is busy; retry in a few seconds."


def history_item(partition: str, version: int, entry: AccountHistoryEntry) -> DirectoryHistoryItem:
    """The change's entry in the history of what changed (an account's or a region's partition)."""
    return DirectoryHistoryItem(
        *history_key(partition, version),
        action=entry.action,
        contact_id=entry.contact_id,
        actor=entry.actor.model_dump(exclude_none=True),
        at=entry.at,
        changes=[change.model_dump(mode="json", by_alias=True) for change in entry.changes],
    )
