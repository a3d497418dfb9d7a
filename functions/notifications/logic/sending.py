"""Sending one event's emails, whatever the event: each recipient once (the ledger's claim per event key and
recipient, dal/ledger.py), one refused email holding back neither the others nor its own retry; and the
directory read once per event."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from functions.notifications.logic.recipients import Directory
from functions.notifications.models.notifications import Account, Email, NotificationDelayed, Recipient, StaffMember, SupportQueue
from functions.shared.observability import logger


class Ledger(Protocol):
    def claim(self, event_id: str, recipient_key: str, *, now: datetime, until: datetime) -> bool: ...

    def mark_sent(self, event_id: str, recipient_key: str, *, now: datetime) -> None: ...


class Mailer(Protocol):
    def send(self, email: Email) -> str: ...


@dataclass(frozen=True)
class Outcome:
    sent: int = 0
    duplicates: int = 0  # recipients skipped because this event's email to them was already sent
    withheld: int = 0  # management escalations not emailed: the managers heard of the case within the interval


def send_once(
    event_key: str,
    recipients: Iterable[Recipient],
    compose: Callable[[Recipient], Email],
    *,
    ledger: Ledger,
    mailer: Mailer,
    now: datetime,
    claim_until: datetime,
    about: dict[str, str],
) -> Outcome:
    """Emails each recipient not yet emailed about the event `event_key` names (`compose` is called only for
    an email actually sent: a duplicate delivery reads nothing more). `about` names the event in the logs.
    Raises the first refusal after trying every recipient, so the queue delivers the event again."""
    sent = duplicates = 0
    failures: list[NotificationDelayed] = []
    for recipient in recipients:
        if not ledger.claim(event_key, recipient.key, now=now, until=claim_until):
            duplicates += 1
            logger.info("already notified", extra={"event_key": event_key, "recipient": recipient.key})
            continue
        email = compose(recipient)
        try:
            message_id = mailer.send(email)
        except NotificationDelayed as error:
            # One refused email must not hold back the others; the event is retried for it afterwards
            # (the ledger keeps the ones already sent from going out twice).
            logger.warning("email not sent", extra={**about, "recipient": recipient.key, "reason": str(error)})
            failures.append(error)
            continue
        ledger.mark_sent(event_key, recipient.key, now=now)
        sent += 1
        logger.info("email sent", extra={**about, "recipient": recipient.key, "ses_id": message_id})
    if failures:
        raise failures[0]
    return Outcome(sent, duplicates)


def staff_recipients(members: Iterable[StaffMember], *, actor_user_id: str) -> list[Recipient]:
    """Support staff as recipients, by address (one email each), leaving out who acted: nobody is emailed
    about their own action."""
    recipients: dict[str, Recipient] = {}
    for member in members:
        if member.user_id != actor_user_id:
            recipients.setdefault(member.email.lower(), Recipient.staff(member))
    return list(recipients.values())


class ReadOnce:
    """The directory for one event: an entry the recipients and the emails both need (the owner, the
    acting engineer, a manager) is read once."""

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
