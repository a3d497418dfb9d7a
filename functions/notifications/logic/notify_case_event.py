"""One case event in, its emails out: decide who is told what, guard against duplicate deliveries,
render and send each email."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from functions.notifications.logic.recipients import Directory, plan
from functions.notifications.logic.templates import render
from functions.notifications.models.delivery import CASES_EVENT_SOURCE, SUBSCRIBED_DETAIL_TYPES
from functions.notifications.models.events import CaseEventDetail
from functions.notifications.models.notifications import Email, NotificationDelayed
from functions.shared.bus_event import BusEvent
from functions.shared.observability import logger
from functions.shared.reference_id import ReferenceIds


class Ledger(Protocol):
    def claim(self, event_id: str, recipient_key: str, *, now: datetime, until: datetime) -> bool: ...

    def mark_sent(self, event_id: str, recipient_key: str, *, now: datetime) -> None: ...


class Mailer(Protocol):
    def send(self, email: Email) -> str: ...


@dataclass(frozen=True)
class Outcome:
    sent: int = 0
    duplicates: int = 0  # recipients skipped because this event's email to them was already sent


def notify_case_event(
    event: BusEvent,
    *,
    directory: Directory,
    ledger: Ledger,
    mailer: Mailer,
    references: ReferenceIds,
    portal_url: str,
    now: datetime,
    claim_until: datetime,
) -> Outcome:
    if event.source != CASES_EVENT_SOURCE or event.detail_type not in SUBSCRIBED_DETAIL_TYPES:
        logger.info("event ignored: not one this domain handles", extra={"source": event.source, "detail_type": event.detail_type})
        return Outcome()
    detail = CaseEventDetail.for_event(event.detail_type, event.detail)
    decided = plan(event.detail_type, detail, directory)
    if decided is None:
        return Outcome()
    reference_id = references.reference_id(detail.case_number)
    # Not the envelope's id: an announcement repeated is a new EventBridge event but the same news.
    change_key = detail.notification_key(event.detail_type, event.id)
    sent = duplicates = 0
    failures: list[NotificationDelayed] = []
    for recipient in decided.recipients:
        if not ledger.claim(change_key, recipient.key, now=now, until=claim_until):
            duplicates += 1
            logger.info("already notified", extra={"event_key": change_key, "recipient": recipient.key})
            continue
        email = render(decided.kind, detail, decided.account, recipient, reference_id=reference_id, portal_url=portal_url)
        try:
            message_id = mailer.send(email)
        except NotificationDelayed as error:
            # One refused email must not hold back the others; the event is retried for it afterwards
            # (the ledger keeps the ones already sent from going out twice).
            logger.warning("email not sent", extra={"case_number": detail.case_number, "recipient": recipient.key, "reason": str(error)})
            failures.append(error)
            continue
        ledger.mark_sent(change_key, recipient.key, now=now)
        sent += 1
        logger.info(
            "email sent",
            extra={"case_number": detail.case_number, "notification": decided.kind.value, "recipient": recipient.key, "ses_id": message_id},
        )
    if failures:
        raise failures[0]
    return Outcome(sent, duplicates)
