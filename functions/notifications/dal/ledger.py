"""The guard against duplicate deliveries (EventBridge and SQS deliver at least once): before emailing a
recipient about an event, claim `NOTIFIED#<event id>` / recipient with a conditional put; a claim that
exists means the email was sent, or is being sent by another invocation, and is skipped.

A claim lasts as long as the invocation that made it can run. If that invocation fails before it sends
(SES refused, a timeout), the queue delivers the message again only after its visibility timeout,
which is longer than any invocation, so the retry finds the claim expired and sends.

Management escalations email a case's managers at most once per interval: the escalation that emails
them takes the case's `NOTIFIED#<case number>#management` item with a conditional put (so of two
delivered at once only one wins) and holds it until the interval after it occurred has passed; the
ones that occur meanwhile are withheld and recorded under their own event key. Times are the events'
own (occurredAt), not the delivery's, so a redelivery decides as the first delivery did."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import PutError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

from functions.notifications.dal.tables import NOTIFIED_PREFIX, ManagementEmailItem, NotifiedItem, bind_notification_tables
from functions.notifications.models.notifications import NotificationDelayed

# Longer than any redelivery: SQS keeps a message 4 days, its dead-letter queue 14 (from where it can
# be sent back after a fix).
KEEP_FOR = timedelta(days=15)
MANAGERS_KEY = "managers"  # the sort key of the records of a management escalation


class TableLedger:
    def __init__(self, table_name: str):
        bind_notification_tables(table_name)

    def claim(self, event_id: str, recipient_key: str, *, now: datetime, until: datetime) -> bool:
        """True if this invocation may send; False if the email was sent or is being sent."""
        item = NotifiedItem(f"{NOTIFIED_PREFIX}{event_id}", recipient_key, claimed_until=int(until.timestamp()), expires_at=now + KEEP_FOR)
        unclaimed = NotifiedItem.pk.does_not_exist() | (NotifiedItem.claimed_until < int(now.timestamp()))
        try:
            item.save(condition=unclaimed)
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise NotificationDelayed(f"claim failed: {error}") from error
        return True

    def mark_sent(self, event_id: str, recipient_key: str, *, now: datetime) -> None:
        item = NotifiedItem(f"{NOTIFIED_PREFIX}{event_id}", recipient_key, sent_at=now, expires_at=now + KEEP_FOR)
        try:
            item.save()
        except PutError as error:
            # Sent, but still claimed: a duplicate delivery after the claim expires would send again.
            raise NotificationDelayed(f"recording the email as sent failed: {error}") from error

    def claim_management_email(self, case_number: str, event_key: str, *, occurred_at: datetime, interval: timedelta) -> bool:
        """True if this escalation may email the case's managers: none was emailed in the interval before it
        occurred, or it is the one that was (a redelivery, or a retry after a refused send)."""
        quiet_until = occurred_at + interval
        item = ManagementEmailItem(
            f"{NOTIFIED_PREFIX}{case_number}#management",
            MANAGERS_KEY,
            event_key=event_key,
            occurred_at=occurred_at,
            quiet_until=_epoch_ms(quiet_until),
            expires_at=quiet_until + KEEP_FOR,
        )
        free = (
            ManagementEmailItem.pk.does_not_exist()
            | (ManagementEmailItem.quiet_until <= _epoch_ms(occurred_at))
            | (ManagementEmailItem.event_key == event_key)
        )
        return self._put_if(item, free, "management email claim")

    def record_withheld(self, event_key: str, *, now: datetime) -> bool:
        """Records a management escalation not emailed; False if it was recorded already (a redelivery)."""
        item = NotifiedItem(f"{NOTIFIED_PREFIX}{event_key}", MANAGERS_KEY, withheld_at=now, expires_at=now + KEEP_FOR)
        return self._put_if(item, NotifiedItem.pk.does_not_exist(), "recording a withheld escalation")

    @staticmethod
    def _put_if(item: Model, condition: Condition, what: str) -> bool:
        try:
            item.save(condition=condition)
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise NotificationDelayed(f"{what} failed: {error}") from error
        return True


def _epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
