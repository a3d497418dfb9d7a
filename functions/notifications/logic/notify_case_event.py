"""One case event in, its emails out: decide who is told what, guard against duplicate deliveries (and
email a case's managers about its management escalations at most once per interval), gather what the
emails say (names, the update's text, next steps), render and send each email."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from functions.notifications.logic.email_facts import CaseUpdates, gather_facts
from functions.notifications.logic.recipients import Directory, Plan, plan
from functions.notifications.logic.sending import Ledger as EmailLedger
from functions.notifications.logic.sending import Mailer, Outcome, ReadOnce, send_once
from functions.notifications.logic.templates import render
from functions.notifications.models.events import CaseEventDetail, read_event
from functions.notifications.models.notifications import Email, EmailFacts, NotificationKind, Recipient
from functions.shared.bus_event import BusEvent
from functions.shared.observability import logger
from functions.shared.reference_id import ReferenceIds


class Ledger(EmailLedger, Protocol):
    def claim_management_email(self, case_number: str, event_key: str, *, occurred_at: datetime, interval: timedelta) -> bool: ...

    def record_withheld(self, event_key: str, *, now: datetime) -> bool: ...


def notify_case_event(
    event: BusEvent,
    *,
    directory: Directory,
    updates: CaseUpdates,
    ledger: Ledger,
    mailer: Mailer,
    references: ReferenceIds,
    portal_url: str,
    management_email_interval: timedelta,
    now: datetime,
    claim_until: datetime,
) -> Outcome:
    detail = read_event(event)
    if not isinstance(detail, CaseEventDetail):
        logger.info("event ignored: not a case event this domain handles", extra={"source": event.source, "detail_type": event.detail_type})
        return Outcome()
    directory = ReadOnce(directory)
    decided = plan(event.detail_type, detail, directory)
    if decided is None or not decided.recipients:
        return Outcome()
    # Not the envelope's id: an announcement repeated is a new EventBridge event but the same news.
    change_key = detail.notification_key(event.detail_type, event.id)
    if decided.kind is NotificationKind.MANAGEMENT_ESCALATION and not ledger.claim_management_email(
        detail.case_number, change_key, occurred_at=detail.occurred_at, interval=management_email_interval
    ):
        recorded = ledger.record_withheld(change_key, now=now)
        logger.info(
            "management escalation not emailed: the managers were emailed about this case within the interval",
            extra={"case_number": detail.case_number, "event_key": change_key, "interval": str(management_email_interval)},
        )
        return Outcome(withheld=int(recorded))
    reference_id = references.reference_id(detail.case_number)
    facts: EmailFacts | None = None  # gathered for the first email actually sent: a duplicate reads nothing more

    def compose(recipient: Recipient) -> Email:
        nonlocal facts
        facts = facts or _facts(decided, detail, directory, updates, management_email_interval)
        return render(decided.kind, detail, decided.account, recipient, facts, reference_id=reference_id, portal_url=portal_url)

    return send_once(
        change_key,
        decided.recipients,
        compose,
        ledger=ledger,
        mailer=mailer,
        now=now,
        claim_until=claim_until,
        about={"case_number": detail.case_number, "notification": decided.kind.value},
    )


def _facts(decided: Plan, detail: CaseEventDetail, directory: Directory, updates: CaseUpdates, interval: timedelta) -> EmailFacts:
    return gather_facts(
        decided.kind,
        detail,
        decided.account,
        directory=directory,
        updates=updates,
        for_staff=any(not recipient.is_contact for recipient in decided.recipients),
        management_email_interval=interval,
    )
