"""Delivering reports (docs/architecture.md, "Case reports").

The dispatcher (an EventBridge Scheduler cron, hourly from 06:00 US Eastern) reads the due listing (one Query of the
subscriptions whose next delivery has come) and delivers each one's last complete period: builds the report, archives
its CSV, emails each active recipient once (a claim per recipient and period, so a retried or overlapping run sends
nobody twice and a run that timed out resumes where it stopped), then, in one transaction, records the run, moves the
subscription's next delivery to the next period's and announces CaseReportSent. A report is always sent, also for a
quiet period. A run late by more than a period delivers the last complete one only.

`send now` (POST …/send) delivers the last complete period at once, to every active recipient again (its claims are
its own), and leaves the schedule as it is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from functions.reports.logic.build_report import SectionReader, TallyReader, build_report
from functions.reports.logic.links import LinkPurpose, RecipientLink, RecipientLinks
from functions.reports.logic.periods import Period, last_complete, next_delivery
from functions.reports.logic.report_csv import csv_file_name, report_csv
from functions.reports.logic.subscriptions import SubscriptionStore, get_subscription, manageable
from functions.reports.models.errors import ReportDelayed, StaleSubscription
from functions.reports.models.records import Claim
from functions.reports.models.report import CaseReport
from functions.reports.models.subscriptions import LastDelivery, RecipientStatus, ReportRun, ReportRunList, Subscription
from functions.shared.auth import Caller
from functions.shared.business_time import BusinessCalendar
from functions.shared.clock import to_iso
from functions.shared.contracts import CaseReportSent, ReportRecipientsInvited
from functions.shared.errors import NotFound
from functions.shared.observability import logger

CLAIM_FOR = timedelta(minutes=15)  # the longest a dispatcher or consumer invocation runs


class DeliveryStore(SubscriptionStore, Protocol):
    def due(self, now: datetime) -> list[tuple[str, str]]: ...

    def runs(self, account_id: str, subscription_id: str) -> list[ReportRun]: ...

    def claim_send(self, account_id: str, delivery_key: str, *, now: datetime, until: datetime) -> Claim: ...

    def release(self, account_id: str, delivery_key: str) -> None: ...

    def mark_sent(self, account_id: str, delivery_key: str, *, now: datetime) -> None: ...


class Archive(Protocol):
    def put(self, key: str, csv: bytes) -> None: ...

    def get(self, key: str) -> bytes | None: ...


class Mailer(Protocol):
    def send(self, sender: str, recipient: str, message: bytes) -> str: ...


@dataclass(frozen=True)
class Delivery:
    """Everything a delivery uses, from the domain's container."""

    store: DeliveryStore
    sections: SectionReader
    tallies: TallyReader
    archive: Archive
    archive_key: Callable[[str, str, date], str]
    mailer: Mailer
    links: RecipientLinks
    calendar: BusinessCalendar
    sender: str


@dataclass
class DispatchSummary:
    due: int = 0
    delivered: int = 0
    emails: int = 0
    deferred: list[str] = field(default_factory=list)  # no time left in this run: the next one delivers them
    failed: list[str] = field(default_factory=list)  # their delivery raised: retried, and the run fails (its alarm)


def dispatch_due(delivery: Delivery, *, now: datetime, has_time: Callable[[], bool]) -> DispatchSummary:
    summary = DispatchSummary()
    for account_id, subscription_id in delivery.store.due(now):
        summary.due += 1
        if not has_time():
            summary.deferred.append(subscription_id)
            continue
        subscription = delivery.store.subscription(subscription_id)
        if subscription is None or subscription.paused or subscription.next_delivery_at is None or subscription.next_delivery_at > now:
            continue  # deleted, paused or moved since the listing was read
        try:
            summary.emails += deliver(subscription, delivery, now=now, scheduled=True)
            summary.delivered += 1
        except Exception:
            logger.exception(
                "report not delivered; the next run tries again", extra={"subscription_id": subscription_id, "account_id": account_id}
            )
            summary.failed.append(subscription_id)
    return summary


def deliver(subscription: Subscription, delivery: Delivery, *, now: datetime, scheduled: bool) -> int:
    """Delivers the subscription's last complete period; the number of emails this call sent."""
    from functions.reports.logic.report_email import report_message  # the email modules: not on the API's other routes

    account = delivery.store.account(subscription.account_id)
    if account is None:
        raise LookupError(f"account {subscription.account_id} of subscription {subscription.subscription_id} does not exist")
    period = last_complete(subscription.cadence, now, subscription.anchor)
    report = build_report(
        account.account_id, account.name, period, sections=delivery.sections, tallies=delivery.tallies, calendar=delivery.calendar, now=now
    )
    csv = report_csv(report)
    archive_key = delivery.archive_key(account.account_id, subscription.subscription_id, period.start_day)
    delivery.archive.put(archive_key, csv)
    round_key = f"{subscription.subscription_id}#{period.start_day.isoformat()}" + ("" if scheduled else f"#now#{to_iso(now)}")
    recipients = [each.email for each in subscription.recipients if each.status is RecipientStatus.ACTIVE]
    sent, busy = 0, []
    for email in recipients:
        key = f"{round_key}#{email}"
        claim = delivery.store.claim_send(account.account_id, key, now=now, until=now + CLAIM_FOR)
        if claim is not Claim.CLAIMED:
            busy += [email] if claim is Claim.BUSY else []
            continue
        unsubscribe = RecipientLink(subscription.subscription_id, email, LinkPurpose.UNSUBSCRIBE)
        message = report_message(
            report,
            sender=delivery.sender,
            recipient=email,
            portal_url=delivery.links.portal_url,
            unsubscribe_url=delivery.links.page_url(unsubscribe, now),
            one_click_unsubscribe_url=delivery.links.one_click_url(unsubscribe, now),
            csv_bytes=csv,
        )
        _send(delivery, account.account_id, key, email, message, now=now)
        sent += 1
    if busy:  # another run is sending them: the period is recorded once every email is sent
        raise ReportDelayed(f"{len(busy)} recipients' emails are being sent by another run; retried after its claim")
    _record(subscription, report, period, len(recipients), delivery, now=now, scheduled=scheduled)
    logger.info("report delivered", extra={"subscription_id": subscription.subscription_id, "period": period.label, "emails": sent})
    return sent


def _record(
    subscription: Subscription, report: CaseReport, period: Period, recipients: int, delivery: Delivery, *, now: datetime, scheduled: bool
) -> None:
    """The run, the subscription's next delivery (a scheduled run) and CaseReportSent, in one transaction."""
    counts = report.summary.counts
    run = ReportRun(
        subscription_id=subscription.subscription_id,
        account_id=subscription.account_id,
        cadence=subscription.cadence,
        first_day=report.period.first_day,
        last_day=report.period.last_day,
        label=report.period.label,
        sent_at=now,
        opened=counts.opened,
        closed=counts.closed,
        open_at_end=counts.open_at_end,
        recipients=recipients,
        file_name=csv_file_name(report),
    )
    before = subscription
    for _ in range(3):
        update: dict[str, object] = {
            "last_delivery": LastDelivery(
                first_day=run.first_day, last_day=run.last_day, label=run.label, sent_at=now, recipients=recipients
            ),
            "version": before.version + 1,
        }
        if scheduled and not before.paused:
            update["next_delivery_at"] = next_delivery(before.cadence, now, before.anchor)
        after = before.model_copy(update=update)
        event = CaseReportSent(
            event_key=f"{subscription.subscription_id}#{run.first_day.isoformat()}#{after.version}",
            account_id=subscription.account_id,
            subscription_id=subscription.subscription_id,
            occurred_at=now,
            cadence=subscription.cadence.value,
            period_start=period.start,
            period_end=period.end,
            opened=counts.opened,
            closed=counts.closed,
            open_at_end=counts.open_at_end,
            recipients=recipients,
            archive_key=delivery.archive_key(subscription.account_id, subscription.subscription_id, period.start_day),
        )
        try:
            delivery.store.save(after, before=before, events=[event.domain_event()], now=now, rate_limited=None, run=run)
            return
        except StaleSubscription:
            current = delivery.store.subscription(subscription.subscription_id)
            if current is None:
                return  # deleted meanwhile: its emails went, nothing more to record
            before = current
    raise StaleSubscription()


def send_confirmations(invited: ReportRecipientsInvited, delivery: Delivery, *, now: datetime) -> int:
    """The confirmation emails of the addresses a subscription change invited, each once; those no longer pending (or
    removed since) get none."""
    from functions.reports.logic.report_email import confirmation_message

    subscription = delivery.store.subscription(invited.subscription_id)
    account = delivery.store.account(invited.account_id)
    if subscription is None or account is None:
        return 0
    sent = 0
    for email in invited.emails:
        recipient = subscription.recipient(email)
        if recipient is None or recipient.status is not RecipientStatus.PENDING:
            continue
        key = f"{invited.event_key}#{email}"
        claim = delivery.store.claim_send(invited.account_id, key, now=now, until=now + CLAIM_FOR)
        if claim is Claim.BUSY:
            raise ReportDelayed(f"the confirmation to {email} is being sent by another invocation; the queue retries")
        if claim is Claim.SENT:
            continue
        message = confirmation_message(
            account_name=account.name,
            cadence_label=subscription.cadence.value.replace("biweekly", "bi-weekly"),
            sender=delivery.sender,
            recipient=email,
            confirm_url=delivery.links.page_url(RecipientLink(subscription.subscription_id, email, LinkPurpose.CONFIRM), now),
            requested_by_name=invited.requested_by,
        )
        _send(delivery, invited.account_id, key, email, message, now=now)
        sent += 1
    return sent


def _send(delivery: Delivery, account_id: str, delivery_key: str, recipient: str, message: bytes, *, now: datetime) -> None:
    """Sends a claimed email and marks it sent; a refused send gives the claim up, so a retry sends it."""
    try:
        delivery.mailer.send(delivery.sender, recipient, message)
    except Exception:
        delivery.store.release(account_id, delivery_key)
        raise
    delivery.store.mark_sent(account_id, delivery_key, now=now)


def send_now(subscription_id: str, caller: Caller, delivery: Delivery, *, now: datetime) -> Subscription:
    """POST …/send: the last complete period to every active recipient now; the subscription with its last delivery."""
    subscription = get_subscription(subscription_id, caller, store=delivery.store)
    manageable(caller, subscription.account_id)
    deliver(subscription, delivery, now=now, scheduled=False)
    return get_subscription(subscription_id, caller, store=delivery.store)


def list_runs(subscription_id: str, caller: Caller, delivery: Delivery) -> ReportRunList:
    subscription = get_subscription(subscription_id, caller, store=delivery.store)
    return ReportRunList(items=delivery.store.runs(subscription.account_id, subscription_id))


def archived_csv(subscription_id: str, first_day: date, caller: Caller, delivery: Delivery) -> tuple[bytes, str]:
    """A delivered period's CSV as it was attached, and its file name."""
    subscription = get_subscription(subscription_id, caller, store=delivery.store)
    run = next((each for each in delivery.store.runs(subscription.account_id, subscription_id) if each.first_day == first_day), None)
    csv = delivery.archive.get(delivery.archive_key(subscription.account_id, subscription_id, first_day)) if run else None
    if run is None or csv is None:
        raise NotFound(f"No report of the period from {first_day} was delivered by this subscription; list them with …/runs.")
    return csv, run.file_name
