"""A change as one TransactWriteItems: its items, each with its condition and the refusal its failed
condition means, then the caller's change counted (the rate limit). Every domain's dal writes its changes
through this."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from functions.shared.dal.errors import unavailable
from functions.shared.dal.rate_limit import count_change
from functions.shared.rate_limit import TooManyChanges

# An item, its condition, and what its failed condition raises (an exception class, or a factory naming the item).
Write = tuple[Model, Condition | None, Callable[[], Exception] | None]
# An item the change only requires to be in a state (ConditionCheck), by its key, and what its failed condition raises.
Check = tuple[type[Model], tuple[str, str], Condition, Callable[[], Exception]]


def write_change(
    connection: Connection,
    *writes: Write,
    stale: type[Exception],
    busy: str,
    now: datetime,
    rate_limited: str | None,
    removals: Sequence[Model] = (),
    checks: Sequence[Check] = (),
) -> None:
    """A conflicting concurrent transaction on the same items is `stale` (the change is decided again);
    `rate_limited` names the caller whose change counts (None: the automation, not limited); `removals` are
    items the change deletes; `checks` items it only requires to be in a state."""
    try:
        with TransactWrite(connection=connection) as transaction:
            for item, condition, _ in writes:
                transaction.save(item, condition=condition)
            for item in removals:
                transaction.delete(item)
            for model, (hash_key, range_key), condition, _ in checks:
                transaction.condition_check(model, hash_key, range_key, condition=condition)
            if rate_limited:
                count_change(transaction, rate_limited, now)
    except TransactWriteError as error:
        reasons = [reason.code if reason else None for reason in (error.cancellation_reasons or [])]
        refusals: list[Callable[[], Exception] | None] = [refusal for _, _, refusal in writes] + [None] * len(removals)
        refusals += [refusal for *_, refusal in checks]
        refusals += [partial(TooManyChanges, now)] if rate_limited else []
        failed = [refusal for refusal, reason in zip(refusals, reasons, strict=False) if reason == "ConditionalCheckFailed"]
        if failed and failed[0] is not None:
            raise failed[0]() from error
        if "TransactionConflict" in reasons:
            raise stale() from error
        raise unavailable("DynamoDB", busy) from error
