"""The email that tells a region's support managers an account is over its recommended number of active
contacts: which account, its active contacts against the recommended maximum, which contact was added or
enabled again and by whom, the guide's reason, and a link to the account in the portal; laid out as a
case's emails are (email_layout.py), in plain text and HTML carrying the same facts. An account has no
Reference ID (a case's), so none is quoted."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from functions.notifications.logic.email_layout import Content, email_to, one_line
from functions.notifications.logic.templates import eastern
from functions.notifications.models.notifications import Account, Email, Recipient
from functions.shared.contracts import ContactEvent

# The guide's reason for few contacts per account.
GUIDE_REASON = "access is best funnelled through a few of the customer's IT staff, ideally fewer than five"
NAME_IN_SUBJECT = 60  # characters of the account's name in the email's Subject (the body has it whole)


@dataclass(frozen=True)
class ContactLimitFacts:
    """What the email says beyond the event: the account (its name and region), the contact's name and who
    acted, by name."""

    account: Account
    contact_name: str
    actor: str  # "Erin Engineer (Dedicated Support Services)", "Alice Admin (Acme Contact Centers)"
    enabled_again: bool  # a contact enabled again (ContactChanged), not added (ContactAdded)


def account_link(portal_url: str, account_id: str) -> str:
    return f"{portal_url.rstrip('/')}/accounts/{quote(account_id, safe='')}"


def render_contact_limit(detail: ContactEvent, facts: ContactLimitFacts, recipient: Recipient, *, portal_url: str) -> Email:
    content = compose_contact_limit(detail, facts, recipient, portal_url=portal_url)
    return email_to(recipient, content)


def compose_contact_limit(detail: ContactEvent, facts: ContactLimitFacts, recipient: Recipient, *, portal_url: str) -> Content:
    account = facts.account
    name, active, most = one_line(account.name), detail.active_contacts, detail.recommended_max_contacts
    what = f"{active} active contacts, over the recommended maximum of {most}"
    done = (
        f"{facts.actor} enabled {facts.contact_name} again on account {name} ({account.account_id})"
        if facts.enabled_again
        else f"{facts.actor} added {facts.contact_name} to account {name} ({account.account_id})"
    )
    summary = f"{done[:1].upper()}{done[1:]}: the account now has {what}.\nThe guide recommends few contacts per account: {GUIDE_REASON}."
    label = "Enabled" if facts.enabled_again else "Added"
    return Content(
        subject=one_line(f"Account {_shortened(name, NAME_IN_SUBJECT)}: {what}"),
        title="Account over its recommended number of contacts",
        subtitle=f"Account {name} ({account.account_id}), region {account.region}",
        preheader=one_line(summary.split("\n", 1)[0]),
        greeting=f"Hello {recipient.name},",
        summary=summary,
        words_label=None,
        words=None,
        words_partial=False,
        ask="Review the account's contacts with the customer and agree which of them to disable, "
        "so that their access to support goes through a few of their IT staff.",
        next_steps=[],
        facts=[
            ("Account", f"{name} ({account.account_id})"),
            ("Region", account.region),
            ("Active contacts", str(active)),
            ("Recommended maximum", str(most)),
            (f"Contact {label.lower()}", facts.contact_name),
            (f"{label} by", facts.actor),
            (label, eastern(detail.occurred_at)),
        ],
        link=account_link(portal_url, account.account_id),
        link_label=f"Open account {name}",
        link_line="Open the account",
        reference_id=None,
    )


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
