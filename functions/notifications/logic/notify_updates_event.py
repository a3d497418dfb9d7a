"""One updates-domain event in, its email out, to the Testing Department's address (NotificationSettings
TESTING_DEPARTMENT_EMAIL): a critical Microsoft update still pending validation at its expected date
(WindowsUpdateValidationOverdue) and the Patch Tuesday reminder (WindowsUpdatesReminder), one email each
(testing_department_email.py). Once per event: the ledger's claim on the event's key (a redelivered event sends
nothing new). With no address configured, the email is skipped and logged: the event is handled, not retried."""

from __future__ import annotations

from datetime import datetime

from functions.notifications.logic.sending import Ledger, Mailer, Outcome, send_once
from functions.notifications.logic.testing_department_email import render_testing_department
from functions.notifications.models.events import read_event
from functions.notifications.models.notifications import Email, Recipient
from functions.shared.bus_event import BusEvent
from functions.shared.contracts import WindowsUpdatesReminder, WindowsUpdateValidationOverdue
from functions.shared.observability import logger

# In the logs, beside the case emails' NotificationKind (these are not a case event's).
VALIDATION_OVERDUE, UPDATES_REMINDER = "windows-update-validation-overdue", "windows-updates-reminder"
TESTING_DEPARTMENT_KEY, TESTING_DEPARTMENT_NAME = "testing-department", "Testing Department"


def notify_updates_event(
    event: BusEvent,
    *,
    testing_department_email: str | None,
    ledger: Ledger,
    mailer: Mailer,
    portal_url: str,
    now: datetime,
    claim_until: datetime,
) -> Outcome:
    detail = read_event(event)
    if not isinstance(detail, (WindowsUpdateValidationOverdue, WindowsUpdatesReminder)):
        logger.info(
            "event ignored: not an updates event this domain handles", extra={"source": event.source, "detail_type": event.detail_type}
        )
        return Outcome()
    about = {"event_key": detail.event_key, "notification": UPDATES_REMINDER}
    if isinstance(detail, WindowsUpdateValidationOverdue):
        about |= {"notification": VALIDATION_OVERDUE, "kb": detail.kb}
    if not testing_department_email:
        logger.warning("no Testing Department address configured (TESTING_DEPARTMENT_EMAIL): nobody emailed", extra=about)
        return Outcome()
    recipient = Recipient(TESTING_DEPARTMENT_KEY, TESTING_DEPARTMENT_NAME, testing_department_email)

    def compose(recipient: Recipient) -> Email:
        return render_testing_department(detail, recipient, portal_url=portal_url)

    # Keyed by the source too: the ledger holds the case events' keys, which are the cases domain's to shape.
    return send_once(
        f"{event.source}#{detail.event_key}",
        [recipient],
        compose,
        ledger=ledger,
        mailer=mailer,
        now=now,
        claim_until=claim_until,
        about=about,
    )
