"""A maintenance window's start and end (the alerts domain's MaintenanceWindowStarted, MaintenanceWindowEnded) in,
one email each out, to the contact of the window's maintenance case (maintenance_email.py). Once per event: the
ledger's claim on the event's key and the contact (a redelivered event sends nothing new). Its scheduling and
cancelling email nobody: the case's update says them (functions/cases/logic/maintenance_cases.py).

The event names the case, not its contact: the case is read (one GetItem) for whose it is. A case that is missing,
another account's or closed (the customer has closed it; the cases domain posts nothing on it either), or a contact
the directory does not know, is logged and emails nobody."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from functions.notifications.logic.maintenance_email import render_maintenance
from functions.notifications.logic.sending import Ledger, Mailer, Outcome, send_once
from functions.notifications.models.notifications import CONTACT_KEY_PREFIX, Account, CaseContact, Email, Recipient
from functions.shared.contracts import MaintenanceWindowEnded, MaintenanceWindowStarted
from functions.shared.observability import logger
from functions.shared.reference_id import ReferenceIds

# In the logs, beside the case emails' NotificationKind (these are not a case event's).
MAINTENANCE_MODE_ON, MAINTENANCE_MODE_ENDED = "maintenance-mode-on", "maintenance-mode-ended"


class Cases(Protocol):
    def case(self, case_number: str) -> CaseContact | None: ...


class AccountDirectory(Protocol):
    def account(self, account_id: str) -> Account | None: ...


def notify_maintenance_event(
    detail: MaintenanceWindowStarted | MaintenanceWindowEnded,
    *,
    cases: Cases,
    directory: AccountDirectory,
    ledger: Ledger,
    mailer: Mailer,
    references: ReferenceIds,
    portal_url: str,
    now: datetime,
    claim_until: datetime,
) -> Outcome:
    about = {
        "case_number": detail.case_number,
        "window_id": detail.window_id,
        "event_key": detail.event_key,
        "notification": MAINTENANCE_MODE_ON if isinstance(detail, MaintenanceWindowStarted) else MAINTENANCE_MODE_ENDED,
    }
    recipient = _contact(detail, cases, directory, about)
    if recipient is None:
        return Outcome()
    reference_id = references.reference_id(detail.case_number)

    def compose(recipient: Recipient) -> Email:
        return render_maintenance(detail, recipient, reference_id=reference_id, portal_url=portal_url)

    # Keyed by the source too: the ledger holds the case events' keys, which are the cases domain's to shape.
    return send_once(
        f"{detail.source}#{detail.event_key}",
        [recipient],
        compose,
        ledger=ledger,
        mailer=mailer,
        now=now,
        claim_until=claim_until,
        about=about,
    )


def _contact(
    detail: MaintenanceWindowStarted | MaintenanceWindowEnded, cases: Cases, directory: AccountDirectory, about: dict[str, str]
) -> Recipient | None:
    case = cases.case(detail.case_number)
    if case is None:
        logger.warning("maintenance case not found: nobody emailed", extra=about)
        return None
    if case.account_id != detail.account_id:
        logger.warning("maintenance case of another account: nobody emailed", extra=about | {"case_account_id": case.account_id})
        return None
    if case.closed:
        logger.info("maintenance case closed: nobody emailed", extra=about)
        return None
    account = directory.account(detail.account_id)
    contact = account.contacts.get(case.contact_id) if account else None
    if contact is None:
        logger.warning("maintenance case contact not in the directory: nobody emailed", extra=about | {"contact_id": case.contact_id})
        return None
    return Recipient(f"{CONTACT_KEY_PREFIX}{detail.account_id}#{contact.contact_id}", contact.name, contact.email)
