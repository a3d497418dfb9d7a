"""One alerts-domain event in, its email out: a monitoring incident held outside business hours
(MonitoringGroupHeld) is one notice to the after-hours address of the account's region (monitoring_email.py),
never to the customer. Once per event: the ledger's claim on the event's key and the address's region (a
redelivered event sends nothing new). An account the directory does not know, or a region without an
after-hours address, is logged and emails nobody."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from functions.notifications.logic.monitoring_email import HeldFacts, render_group_held
from functions.notifications.logic.sending import Ledger, Mailer, Outcome, send_once
from functions.notifications.models.events import read_event
from functions.notifications.models.notifications import Account, Email, Recipient, SupportQueue
from functions.shared.bus_event import BusEvent
from functions.shared.contracts import MonitoringGroupHeld
from functions.shared.observability import logger

NOTIFICATION = "monitoring-group-held"  # in the logs, beside the case emails' NotificationKind
AFTER_HOURS_KEY_PREFIX = "after-hours#"


class AfterHoursDirectory(Protocol):
    def account(self, account_id: str) -> Account | None: ...

    def region_after_hours(self, region: str) -> SupportQueue | None: ...


def notify_monitoring_event(
    event: BusEvent,
    *,
    directory: AfterHoursDirectory,
    ledger: Ledger,
    mailer: Mailer,
    portal_url: str,
    now: datetime,
    claim_until: datetime,
) -> Outcome:
    detail = read_event(event)
    if not isinstance(detail, MonitoringGroupHeld):
        logger.info(
            "event ignored: not a monitoring event this domain handles", extra={"source": event.source, "detail_type": event.detail_type}
        )
        return Outcome()
    about = {"account_id": detail.account_id, "group_id": detail.group_id, "event_key": detail.event_key}
    account = directory.account(detail.account_id)
    if account is None:
        logger.warning("account not in the directory: nobody told of its held monitoring incident", extra=about)
        return Outcome()
    after_hours = directory.region_after_hours(account.region)
    if after_hours is None:
        logger.warning(
            "no after-hours address for the region: nobody told of the held monitoring incident", extra=about | {"region": account.region}
        )
        return Outcome()
    recipient = Recipient(f"{AFTER_HOURS_KEY_PREFIX}{after_hours.region}", f"{after_hours.region} after-hours support", after_hours.email)
    facts = HeldFacts(account=account)

    def compose(recipient: Recipient) -> Email:
        return render_group_held(detail, facts, recipient, portal_url=portal_url)

    # Keyed by the source too: the ledger holds the case events' keys, which are the cases domain's to shape.
    return send_once(
        f"{event.source}#{detail.event_key}",
        [recipient],
        compose,
        ledger=ledger,
        mailer=mailer,
        now=now,
        claim_until=claim_until,
        about=about | {"notification": NOTIFICATION},
    )
