"""One case event in, its emails out: decide who is told what, guard against duplicate deliveries (and
email a case's managers about its management escalations at most once per interval), gather what the
emails say (names, the update's text, next steps), render and send each email."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from functions.notifications.logic.email_facts import CaseUpdates, gather_facts
from functions.notifications.logic.recipients import Directory, Plan, plan
from functions.notifications.logic.templates import render
from functions.notifications.models.delivery import SUBSCRIBED_DETAIL_TYPES
from functions.notifications.models.events import CaseEventDetail
from functions.notifications.models.notifications import (
    Account,
    Email,
    EmailFacts,
    NotificationDelayed,
    NotificationKind,
    StaffMember,
    SupportQueue,
)
from functions.shared.bus_event import BusEvent
from functions.shared.contracts import EventSource
from functions.shared.observability import logger
from functions.shared.reference_id import ReferenceIds


class Ledger(Protocol):
    def claim(self, event_id: str, recipient_key: str, *, now: datetime, until: datetime) -> bool: ...

    def mark_sent(self, event_id: str, recipient_key: str, *, now: datetime) -> None: ...

    def claim_management_email(self, case_number: str, event_key: str, *, occurred_at: datetime, interval: timedelta) -> bool: ...

    def record_withheld(self, event_key: str, *, now: datetime) -> bool: ...


class Mailer(Protocol):
    def send(self, email: Email) -> str: ...


@dataclass(frozen=True)
class Outcome:
    sent: int = 0
    duplicates: int = 0  # recipients skipped because this event's email to them was already sent
    withheld: int = 0  # management escalations not emailed: the managers heard of the case within the interval


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
    if event.source != EventSource.CASES or event.detail_type not in SUBSCRIBED_DETAIL_TYPES:
        logger.info("event ignored: not one this domain handles", extra={"source": event.source, "detail_type": event.detail_type})
        return Outcome()
    detail = CaseEventDetail.for_event(event.detail_type, event.detail)
    directory = _ReadOnce(directory)
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
    sent = duplicates = 0
    failures: list[NotificationDelayed] = []
    for recipient in decided.recipients:
        if not ledger.claim(change_key, recipient.key, now=now, until=claim_until):
            duplicates += 1
            logger.info("already notified", extra={"event_key": change_key, "recipient": recipient.key})
            continue
        facts = facts or _facts(decided, detail, directory, updates, management_email_interval)
        email = render(decided.kind, detail, decided.account, recipient, facts, reference_id=reference_id, portal_url=portal_url)
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


class _ReadOnce:
    """The directory for one event: an entry the recipients and the emails both need (the owner, the
    acting engineer) is read once."""

    def __init__(self, directory: Directory):
        self._directory = directory
        self._staff: dict[str, StaffMember | None] = {}

    def account(self, account_id: str) -> Account | None:
        return self._directory.account(account_id)

    def staff(self, user_id: str) -> StaffMember | None:
        if user_id not in self._staff:
            self._staff[user_id] = self._directory.staff(user_id)
        return self._staff[user_id]

    def region_managers(self, region: str) -> list[StaffMember]:
        managers = self._directory.region_managers(region)
        self._staff.update((manager.user_id, manager) for manager in managers)
        return managers

    def region_queue(self, region: str) -> SupportQueue | None:
        return self._directory.region_queue(region)
