"""What every directory change writes: one TransactWriteItems of its items (each with its condition and the
refusal its failed condition means), among them its history entry, then the caller's change counted."""

from __future__ import annotations

from datetime import datetime

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from functions.directory.dal.tables import DirectoryHistoryItem, history_key
from functions.directory.models.accounts import AccountHistoryEntry
from functions.shared.dal.errors import unavailable
from functions.shared.dal.rate_limit import count_change
from functions.shared.rate_limit import TooManyChanges

BUSY = "The directory is busy; retry in a few seconds."
Write = tuple[Model, Condition | None, type[Exception] | None]


def write_change(connection: Connection, stale: type[Exception], now: datetime, rate_limited: str, *writes: Write) -> None:
    """A conflicting concurrent transaction on the same items is `stale` (the change is decided again)."""
    try:
        with TransactWrite(connection=connection) as transaction:
            for item, condition, _ in writes:
                transaction.save(item, condition=condition)
            count_change(transaction, rate_limited, now)
    except TransactWriteError as error:
        reasons = [reason.code if reason else None for reason in (error.cancellation_reasons or [])]
        refusals = [refusal for _, _, refusal in writes] + [TooManyChanges]
        failed = [refusal for refusal, reason in zip(refusals, reasons, strict=False) if reason == "ConditionalCheckFailed"]
        if failed and failed[0] is TooManyChanges:
            raise TooManyChanges(now) from error
        if failed and failed[0] is not None:
            raise failed[0]() from error
        if "TransactionConflict" in reasons:
            raise stale() from error
        raise unavailable("DynamoDB", BUSY) from error


def history_item(partition: str, version: int, entry: AccountHistoryEntry) -> DirectoryHistoryItem:
    """The change's entry in the history of what changed (an account's or a region's partition)."""
    return DirectoryHistoryItem(
        *history_key(partition, version),
        action=entry.action,
        actor=entry.actor.model_dump(exclude_none=True),
        at=entry.at,
        changes=[change.model_dump(mode="json", by_alias=True) for change in entry.changes],
    )
