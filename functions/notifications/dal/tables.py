"""The items this domain reads and writes in the support table: the shared directory, a case and its updates
(read-only), a record of each email sent for an event (the guard against duplicate deliveries), and per
case the last management escalation emailed to the managers (the interval between those emails)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.models import Model

from functions.shared.dal.attributes import TimestampAttribute
from functions.shared.dal.case_view import CASE_UPDATE_VIEW_MODELS, CASE_VIEW_MODELS
from functions.shared.dal.directory import DIRECTORY_MODELS
from functions.shared.dal.table import TableMeta, bind_models
from functions.shared.environment import per_environment

NOTIFIED_PREFIX = "NOTIFIED#"


class NotifiedItem(Model):
    """One recipient of one event: pk `NOTIFIED#<event id>`, sk the recipient's key. While `claimed_until`
    has not passed, an invocation is sending it; without it, it was sent."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    claimed_until = NumberAttribute(null=True)  # epoch seconds
    sent_at = TimestampAttribute(null=True)
    # A management escalation not emailed: the managers were emailed about the case within the interval.
    withheld_at = TimestampAttribute(null=True)
    expires_at = TTLAttribute()  # the table's TTL attribute


class ManagementEmailItem(Model):
    """Per case, the management escalation whose email to the managers opened the current interval: pk
    `NOTIFIED#<case number>#management`, sk `managers` (no event key has that shape: theirs are
    `<case number>#<version>#...` or `<case number>#<detail type>#...`)."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    event_key = UnicodeAttribute()  # the escalation emailed (its redeliveries may still send)
    occurred_at = TimestampAttribute()
    quiet_until = NumberAttribute()  # epoch milliseconds: escalations that occur before this are not emailed
    expires_at = TTLAttribute()


@per_environment
def bind_notification_tables(table_name: str) -> Connection:
    return bind_models(table_name, (*DIRECTORY_MODELS, NotifiedItem, ManagementEmailItem, *CASE_UPDATE_VIEW_MODELS, *CASE_VIEW_MODELS))
