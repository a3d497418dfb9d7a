"""Report subscriptions (docs/architecture.md, "Case reports"). Staff manage any account's; a customer's account
administrators and MAC-authorized contacts manage their own account's; every contact of the account reads them.
Another account's subscription answers 404. Recipients that are contacts of the account (not disabled) receive at
once; any other address is asked to confirm first (ReportRecipientsInvited: the reports consumer emails it a signed
link) and receives nothing until it does. A recipient who unsubscribed and is added again is asked again."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from functions.reports.logic.links import LinkPurpose, RecipientLinks
from functions.reports.logic.periods import Cadence, eastern_day, next_delivery
from functions.reports.models.errors import IdempotencyKeyTaken, StaleSubscription
from functions.reports.models.records import AccountFacts
from functions.reports.models.subscriptions import (
    NewSubscription,
    Recipient,
    RecipientAnswer,
    RecipientStatus,
    ReportRun,
    Subscription,
    SubscriptionChange,
    SubscriptionList,
)
from functions.shared.auth import Caller
from functions.shared.contracts import Actor, ReportRecipientsInvited
from functions.shared.domain_event import DomainEvent
from functions.shared.errors import BadRequest, Forbidden, NotFound, ServiceUnavailable
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest, replayable

MAX_ATTEMPTS = 3  # a lost race (another change of the same subscription) is decided again


class SubscriptionStore(Protocol):
    def account(self, account_id: str) -> AccountFacts | None: ...

    def read_idempotency(self, scope_key: str) -> IdempotencyRecord | None: ...

    def subscription(self, subscription_id: str) -> Subscription | None: ...

    def subscriptions(self, account_id: str) -> list[Subscription]: ...

    def save(
        self,
        after: Subscription,
        *,
        before: Subscription | None,
        events: list[DomainEvent],
        now: datetime,
        rate_limited: str | None,
        idempotency: tuple[IdempotentRequest, dict[str, Any]] | None = None,
        run: ReportRun | None = None,
    ) -> None: ...

    def delete(self, subscription: Subscription, *, now: datetime, rate_limited: str) -> None: ...


@dataclass(frozen=True)
class Changed:
    answer: Subscription
    replayed: bool = False


def readable(caller: Caller, account_id: str) -> None:
    """Staff read any account's; a customer only their own (another's is 404, as if it did not exist)."""
    if not caller.is_staff and caller.account_id != account_id:
        raise NotFound(f"Account {account_id} has no report subscriptions you can see; check the account id.", field="accountId")


def manageable(caller: Caller, account_id: str) -> None:
    readable(caller, account_id)
    if not (caller.is_staff or caller.account_administrator or caller.mac_authorized):
        raise Forbidden(
            "Only your account's administrators and MAC-authorized contacts manage its case report subscriptions; ask one of them, "
            "or your support team."
        )


def create_subscription(
    request: NewSubscription, caller: Caller, *, idempotency: IdempotentRequest | None, store: SubscriptionStore, now: datetime
) -> Changed:
    manageable(caller, request.account_id)
    if idempotency and (replay := replayable(store.read_idempotency(idempotency.scope_key), idempotency, now)):
        return Changed(Subscription.model_validate(replay.answer), replayed=True)
    account = _account(store, request.account_id)
    emails = request.recipients or [
        entry.email.lower() for entry in account.contacts.values() if entry.report_recipient and entry.may_sign_in
    ]
    if not emails:
        raise BadRequest(
            f"Name the recipients: no contact of {account.name} is marked as a report recipient.", field="recipients", code="no_recipients"
        )
    anchor = _anchor(request.cadence, request.anchor, now)
    subscription_id = f"rs-{uuid.uuid4().hex[:20]}"
    recipients = _recipients([], emails, account, now)
    subscription = Subscription(
        subscription_id=subscription_id,
        account_id=account.account_id,
        cadence=request.cadence,
        anchor=anchor,
        recipients=recipients,
        case_number=request.case_number,
        next_delivery_at=next_delivery(request.cadence, now, anchor),
        created_at=now,
        created_by=Actor.of(caller),
        modified_at=now,
        version=1,
    )
    answer = (idempotency, subscription.model_dump(mode="json", by_alias=True)) if idempotency else None
    try:
        store.save(
            subscription,
            before=None,
            events=_invitations(subscription, [], caller, account, now),
            now=now,
            rate_limited=caller.user_id,
            idempotency=answer,
        )
    except IdempotencyKeyTaken:  # a concurrent retry with the same key won: answer with its subscription
        if idempotency and (replay := replayable(store.read_idempotency(idempotency.scope_key), idempotency, now)):
            return Changed(Subscription.model_validate(replay.answer), replayed=True)
        raise ServiceUnavailable("The subscription is being created by the same request; retry in a moment.") from None
    return Changed(subscription)


def get_subscription(subscription_id: str, caller: Caller, *, store: SubscriptionStore) -> Subscription:
    subscription = store.subscription(subscription_id)
    if subscription is None or (not caller.is_staff and caller.account_id != subscription.account_id):
        raise NotFound(f"Report subscription {subscription_id} does not exist; list your account's with GET /report-subscriptions.")
    return subscription


def list_subscriptions(account_id: str, caller: Caller, *, store: SubscriptionStore) -> SubscriptionList:
    readable(caller, account_id)
    return SubscriptionList(items=sorted(store.subscriptions(account_id), key=lambda each: each.created_at))


def change_subscription(
    subscription_id: str, change: SubscriptionChange, caller: Caller, *, store: SubscriptionStore, now: datetime
) -> Subscription:
    def changed(before: Subscription, account: AccountFacts) -> tuple[Subscription, list[DomainEvent]]:
        cadence = change.cadence or before.cadence
        if change.anchor is not None and cadence is not Cadence.BIWEEKLY:
            raise BadRequest("anchor is for bi-weekly subscriptions only; leave it out.", field="anchor")
        anchor = _anchor(cadence, change.anchor or before.anchor, now) if cadence is Cadence.BIWEEKLY else None
        recipients = _recipients(before.recipients, change.recipients, account, now) if change.recipients is not None else before.recipients
        paused = before.paused if change.paused is None else change.paused
        schedule_changed = (cadence, anchor, paused) != (before.cadence, before.anchor, before.paused)
        next_at = None if paused else (next_delivery(cadence, now, anchor) if schedule_changed else before.next_delivery_at)
        after = before.model_copy(
            update={
                "cadence": cadence,
                "anchor": anchor,
                "recipients": recipients,
                "paused": paused,
                "next_delivery_at": next_at,
                "modified_at": now,
                "version": before.version + 1,
            }
        )
        return after, _invitations(after, before.recipients, caller, account, now)

    return _change(subscription_id, changed, caller, store=store, now=now)


def delete_subscription(subscription_id: str, caller: Caller, *, store: SubscriptionStore, now: datetime) -> None:
    for _ in range(MAX_ATTEMPTS):
        subscription = get_subscription(subscription_id, caller, store=store)
        manageable(caller, subscription.account_id)
        try:
            store.delete(subscription, now=now, rate_limited=caller.user_id)
            return
        except StaleSubscription:
            continue
    raise ServiceUnavailable("The subscription kept changing while it was being deleted; retry in a moment.")


def answer_recipient_link(
    token: str, purpose: LinkPurpose, *, links: RecipientLinks, store: SubscriptionStore, now: datetime
) -> RecipientAnswer:
    """A recipient's confirmation or unsubscription through its signed link; doing it twice changes nothing more."""
    link = links.read(token, purpose, now)
    gone = NotFound("This subscription no longer exists or no longer sends to this address; nothing will be sent to it.", code="gone")
    for _ in range(MAX_ATTEMPTS):
        before = store.subscription(link.subscription_id)
        recipient = before.recipient(link.email) if before else None
        if before is None or recipient is None:
            raise gone
        account = _account(store, before.account_id)
        if purpose is LinkPurpose.CONFIRM:
            if recipient.status is not RecipientStatus.PENDING:  # active already, or unsubscribed since: left as it is
                return _recipient_answer(before, recipient, account)
            updated = recipient.model_copy(update={"status": RecipientStatus.ACTIVE, "confirmed_at": now})
        else:
            if recipient.status is RecipientStatus.UNSUBSCRIBED:
                return _recipient_answer(before, recipient, account)
            updated = recipient.model_copy(update={"status": RecipientStatus.UNSUBSCRIBED, "unsubscribed_at": now})
        recipients = [updated if each.email == link.email else each for each in before.recipients]
        after = before.model_copy(update={"recipients": recipients, "modified_at": now, "version": before.version + 1})
        try:
            store.save(after, before=before, events=[], now=now, rate_limited=None)
        except StaleSubscription:
            continue
        return _recipient_answer(after, updated, account)
    raise ServiceUnavailable("The subscription kept changing; open the link again in a moment.")


def _change(
    subscription_id: str,
    changed: Callable[[Subscription, AccountFacts], tuple[Subscription, list[DomainEvent]]],
    caller: Caller,
    *,
    store: SubscriptionStore,
    now: datetime,
) -> Subscription:
    for _ in range(MAX_ATTEMPTS):
        before = get_subscription(subscription_id, caller, store=store)
        manageable(caller, before.account_id)
        after, events = changed(before, _account(store, before.account_id))
        try:
            store.save(after, before=before, events=events, now=now, rate_limited=caller.user_id)
        except StaleSubscription:
            continue
        return after
    raise ServiceUnavailable("The subscription kept changing while it was being saved; retry in a moment.")


def _account(store: SubscriptionStore, account_id: str) -> AccountFacts:
    account = store.account(account_id)
    if account is None:
        raise NotFound(f"Account {account_id} does not exist; check the account id.", field="accountId")
    return account


def _anchor(cadence: Cadence, anchor: date | None, now: datetime) -> date | None:
    if cadence is not Cadence.BIWEEKLY:
        if anchor is not None:
            raise BadRequest("anchor is for bi-weekly subscriptions only; leave it out.", field="anchor")
        return None
    if anchor is not None:
        return anchor
    today = eastern_day(now)
    return today - timedelta(days=today.weekday())


def _recipients(before: list[Recipient], emails: list[str], account: AccountFacts, now: datetime) -> list[Recipient]:
    """The new list: an address kept keeps its status (an unsubscribed one named again is asked to confirm again); a new
    one is active if a contact of the account has it, else pending its confirmation. An unsubscribed address the list
    leaves out stays on the subscription as unsubscribed, so adding it later asks it again instead of mailing it."""
    kept = {each.email: each for each in before}
    recipients: list[Recipient] = []
    for email in dict.fromkeys(emails):  # in order, each once
        previous = kept.get(email)
        if previous is not None and previous.status is not RecipientStatus.UNSUBSCRIBED:
            recipients.append(previous)
            continue
        contact_id = account.contact_with(email)
        status = RecipientStatus.ACTIVE if contact_id and previous is None else RecipientStatus.PENDING  # previous: unsubscribed
        recipients.append(Recipient(email=email, status=status, contact_id=contact_id, added_at=now))
    named = set(emails)
    return recipients + [each for each in before if each.status is RecipientStatus.UNSUBSCRIBED and each.email not in named]


def _invitations(
    subscription: Subscription, before: list[Recipient], caller: Caller, account: AccountFacts, now: datetime
) -> list[DomainEvent]:
    """ReportRecipientsInvited for the addresses newly pending (the consumer emails each its confirmation link)."""
    pending_before = {each.email for each in before if each.status is RecipientStatus.PENDING}
    invited = [
        each.email for each in subscription.recipients if each.status is RecipientStatus.PENDING and each.email not in pending_before
    ]
    if not invited:
        return []
    event = ReportRecipientsInvited(
        event_key=f"{subscription.subscription_id}#{subscription.version}#invited",
        account_id=subscription.account_id,
        subscription_id=subscription.subscription_id,
        occurred_at=now,
        emails=invited,
        cadence=subscription.cadence.value,
        requested_by=_name_of(caller, account),
    )
    return [event.domain_event()]


def _recipient_answer(subscription: Subscription, recipient: Recipient, account: AccountFacts) -> RecipientAnswer:
    return RecipientAnswer(
        subscription_id=subscription.subscription_id,
        account_name=account.name,
        cadence=subscription.cadence,
        email=recipient.email,
        status=recipient.status,
    )


def _name_of(caller: Caller, account: AccountFacts) -> str:
    """Who asked, as the confirmation email names them: the contact's name, or the support team."""
    contact = account.contacts.get(caller.contact_id or "")
    return f"{contact.name} of {account.name}" if contact else "Your support team"
