"""The per-caller change counter (functions/shared/rate_limit.py): `RATE#<user id>` / the minute, one
conditional update inside the change's transaction; gone by TTL."""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from functions.shared.clock import to_iso
from functions.shared.dal.table import TableMeta
from functions.shared.rate_limit import WINDOW, changes_per_minute, window_start

RATE_PREFIX = "RATE#"


class RateItem(Model):
    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    changes = NumberAttribute(default=0)
    expires_at = TTLAttribute()  # the table's one TTL attribute


RATE_MODELS: tuple[type[Model], ...] = (RateItem,)


def count_change(transaction: TransactWrite, user_id: str, now: datetime) -> None:
    """Adds one change to the caller's minute, only while under the limit (else the transaction is cancelled)."""
    start = window_start(now)
    item = RateItem(f"{RATE_PREFIX}{user_id}", to_iso(start))
    transaction.update(
        item,
        actions=[RateItem.changes.add(1), RateItem.expires_at.set(start + 2 * WINDOW)],
        condition=RateItem.pk.does_not_exist() | (RateItem.changes < changes_per_minute()),
    )
