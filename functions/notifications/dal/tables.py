"""The items this domain reads and writes in the support table: the shared directory, and a record
of each email sent for an event (the guard against duplicate deliveries)."""

from __future__ import annotations

from functools import lru_cache

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.models import Model

from functions.shared.dal.directory import DIRECTORY_MODELS
from functions.shared.dal.table import TableMeta, bind_models

NOTIFIED_PREFIX = "NOTIFIED#"


class NotifiedItem(Model):
    """One recipient of one event: pk `NOTIFIED#<event id>`, sk the recipient's key. While `claimed_until`
    has not passed, an invocation is sending it; without it, it was sent."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    claimed_until = NumberAttribute(null=True)  # epoch seconds
    sent_at = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()  # the table's TTL attribute


@lru_cache(maxsize=1)
def bind_notification_tables(table_name: str) -> Connection:
    return bind_models(table_name, (*DIRECTORY_MODELS, NotifiedItem))
