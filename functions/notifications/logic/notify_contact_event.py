"""One directory contact event in, the region's managers told when it puts the account over its recommended
number of active contacts (the guide funnels support access through a few of the customer's IT staff,
ideally fewer than five).

The news is a contact that counts coming in while the account is then over its recommended maximum: a
contact added (ContactAdded), or enabled again (a ContactChanged with `status` among its changed fields and
a status other than disabled). Each support manager of the account's region gets one email per such event
(the ledger's claim per event and recipient: a redelivered event sends nothing new), except the manager who
made the change (nobody is emailed about their own action). No email when the account is within its
maximum, or for a disable; a region without managers is logged and notifies nobody."""

from __future__ import annotations

from datetime import datetime

from functions.notifications.logic.contact_limit_email import ContactLimitFacts, render_contact_limit
from functions.notifications.logic.email_facts import actor
from functions.notifications.logic.recipients import Directory
from functions.notifications.logic.sending import Ledger, Mailer, Outcome, ReadOnce, send_once, staff_recipients
from functions.notifications.models.events import read_event
from functions.notifications.models.notifications import Account, Email, Recipient
from functions.shared.bus_event import BusEvent
from functions.shared.contracts import ContactEvent, DetailType
from functions.shared.observability import logger

NOTIFICATION = "contacts-over-recommended-max"  # in the logs, beside the case emails' NotificationKind


def tells_managers(detail_type: str, detail: ContactEvent) -> bool:
    """Whether the event is news for the region's managers: a contact that counts added or enabled again,
    leaving the account over its recommended maximum of active contacts."""
    return detail.starts_counting and detail.over_recommended_max


def notify_contact_event(
    event: BusEvent,
    *,
    directory: Directory,
    ledger: Ledger,
    mailer: Mailer,
    portal_url: str,
    now: datetime,
    claim_until: datetime,
) -> Outcome:
    detail = read_event(event)
    if not isinstance(detail, ContactEvent):
        logger.info(
            "event ignored: not a contact event this domain handles", extra={"source": event.source, "detail_type": event.detail_type}
        )
        return Outcome()
    about = {"account_id": detail.account_id, "contact_id": detail.contact_id, "event_key": detail.event_key}
    if not tells_managers(event.detail_type, detail):
        logger.debug("contact event emails nobody", extra=about | {"detail_type": event.detail_type, "status": detail.status})
        return Outcome()
    directory = ReadOnce(directory)
    account = directory.account(detail.account_id)
    if account is None:
        logger.warning("account not in the directory: its region's managers are not told it is over its recommended contacts", extra=about)
        return Outcome()
    managers = directory.region_managers(account.region)
    if not managers:
        logger.warning(
            "no support manager for the region: nobody told the account is over its recommended contacts",
            extra=about | {"region": account.region},
        )
        return Outcome()
    recipients = staff_recipients(managers, actor_user_id=detail.actor.user_id)
    facts: ContactLimitFacts | None = None  # gathered for the first email actually sent: a duplicate reads nothing more

    def compose(recipient: Recipient) -> Email:
        nonlocal facts
        facts = facts or _facts(event.detail_type, detail, account, directory)
        return render_contact_limit(detail, facts, recipient, portal_url=portal_url)

    # Keyed by the source too: the ledger holds the case events' keys, which are the cases domain's to shape.
    return send_once(
        f"{event.source}#{detail.event_key}",
        recipients,
        compose,
        ledger=ledger,
        mailer=mailer,
        now=now,
        claim_until=claim_until,
        about=about | {"notification": NOTIFICATION},
    )


def _facts(detail_type: str, detail: ContactEvent, account: Account, directory: Directory) -> ContactLimitFacts:
    name, affiliation = actor(detail, account, directory)
    contact = account.contacts.get(detail.contact_id)
    return ContactLimitFacts(
        account=account,
        contact_name=contact.name if contact else f"contact {detail.contact_id}",
        actor=f"{name} ({affiliation})" if affiliation else name,
        enabled_again=detail_type == DetailType.CONTACT_CHANGED,
    )
