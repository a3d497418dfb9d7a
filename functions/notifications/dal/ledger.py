"""The guard against duplicate deliveries (EventBridge and SQS deliver at least once): before emailing a
recipient about an event, claim `NOTIFIED#<event id>` / recipient with a conditional put; a claim that
exists means the email was sent, or is being sent by another invocation, and is skipped.

A claim lasts as long as the invocation that made it can run. If that invocation fails before it sends
(SES refused, a timeout), the queue delivers the message again only after its visibility timeout,
which is longer than any invocation, so the retry finds the claim expired and sends."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import PutError

from functions.notifications.dal.tables import NOTIFIED_PREFIX, NotifiedItem, bind_notification_tables
from functions.notifications.models.notifications import NotificationDelayed
from functions.shared.clock import to_iso

# Longer than any redelivery: SQS keeps a message 4 days, its dead-letter queue 14 (from where it can
# be sent back after a fix).
KEEP_FOR = timedelta(days=15)


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
        item = NotifiedItem(f"{NOTIFIED_PREFIX}{event_id}", recipient_key, sent_at=to_iso(now), expires_at=now + KEEP_FOR)
        try:
            item.save()
        except PutError as error:
            # Sent, but still claimed: a duplicate delivery after the claim expires would send again.
            raise NotificationDelayed(f"recording the email as sent failed: {error}") from error
