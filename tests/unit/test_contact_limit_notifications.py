"""An account over its recommended number of active contacts: which contact events tell the region's
managers, who they are, that each is emailed once per event, and what the email says (in plain text and in
HTML built for mail clients, nothing from outside unescaped). tests/integration/test_contact_limit_notifications.py
runs the same through the real handler, table and SES."""

from __future__ import annotations

import html
import logging
import re
from datetime import UTC, datetime

import pytest

from functions.notifications.logic.contact_limit_email import (
    GUIDE_REASON,
    ContactLimitFacts,
    account_link,
    compose_contact_limit,
    render_contact_limit,
)
from functions.notifications.logic.notify_contact_event import notify_contact_event, tells_managers
from functions.notifications.models.notifications import Account, Contact, NotificationDelayed, Recipient, StaffMember
from functions.shared.bus_event import BusEvent
from functions.shared.contracts import ContactAdded, ContactChanged, ContactEvent

NOW = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)
PORTAL = "https://support.example/"
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'
MANAGERS = [StaffMember("u-mia", "Mia Manager", "mia@support.example"), StaffMember("u-max", "Max Manager", "max@support.example")]
ALICE_ACTS = {"userId": "u-alice", "role": "customer-contacts", "contactId": "c-alice"}
MIA = Recipient("staff#u-mia", "Mia Manager", "mia@support.example")


def detail(model: type[ContactEvent] = ContactAdded, **fields) -> ContactEvent:
    base = {
        "eventKey": "acme#7#" + model.detail_type.value,
        "accountId": "acme",
        "contactId": "c-dana",
        "status": "invited",
        "version": 7,
        "changedFields": ["contacts"],
        "activeContacts": 6,
        "recommendedMaxContacts": 5,
        "actor": ALICE_ACTS,
        "occurredAt": "2026-12-01T15:30:00.000Z",
    }
    return model.model_validate(base | fields)


def bus_event(event: ContactEvent) -> BusEvent:
    return BusEvent.model_validate(
        {"id": "e-1", "source": event.source.value, "detail-type": event.detail_type.value, "detail": event.to_bus()}
    )


class Directory:
    def __init__(self, managers: list[StaffMember] = MANAGERS, name: str = "Acme Contact Centers"):
        self.managers, self.name, self.reads = managers, name, []

    def account(self, account_id):
        self.reads.append(("account", account_id))
        contacts = {
            "c-alice": Contact("c-alice", "Alice Admin", "alice@acme.example"),
            "c-dana": Contact("c-dana", "Dana Dev", "dana@acme.example"),
        }
        return Account(account_id, self.name, "emea", contacts)

    def staff(self, user_id):
        self.reads.append(("staff", user_id))
        return next((member for member in self.managers if member.user_id == user_id), None)

    def region_managers(self, region):
        self.reads.append(("managers", region))
        return self.managers

    def region_queue(self, region):
        return None


class Ledger:
    def __init__(self):
        self.sent: set[tuple[str, str]] = set()

    def claim(self, key, recipient, *, now, until):
        return (key, recipient) not in self.sent

    def mark_sent(self, key, recipient, *, now):
        self.sent.add((key, recipient))


class Mailer:
    def __init__(self, refuse: frozenset[str] = frozenset()):
        self.refuse, self.emails = refuse, []

    def send(self, email):
        if email.to_address in self.refuse:
            raise NotificationDelayed("SES refused")
        self.emails.append(email)
        return "message-id"


def notify(event: ContactEvent, directory=None, ledger=None, mailer=None):
    directory, ledger, mailer = directory or Directory(), ledger or Ledger(), mailer or Mailer()
    outcome = notify_contact_event(
        bus_event(event), directory=directory, ledger=ledger, mailer=mailer, portal_url=PORTAL, now=NOW, claim_until=NOW
    )
    return outcome, mailer


# --- which events tell the managers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "fields", "told"),
    [
        (ContactAdded, {}, True),
        (ContactAdded, {"status": "active"}, True),
        (ContactAdded, {"activeContacts": 5}, False),  # at the maximum
        (ContactAdded, {"activeContacts": 2}, False),
        (ContactAdded, {"status": "disabled"}, False),  # added disabled: it does not count
        (ContactChanged, {"changedFields": ["status"], "status": "active", "previousStatus": "disabled"}, True),  # enabled again
        (ContactChanged, {"changedFields": ["name", "status"], "status": "invited", "previousStatus": "disabled"}, True),
        (ContactChanged, {"changedFields": ["status"], "status": "active", "previousStatus": "invited"}, False),  # first sign-in
        (ContactChanged, {"changedFields": ["status"], "status": "disabled"}, False),  # a disable
        (ContactChanged, {"changedFields": ["status"], "status": "active", "previousStatus": "disabled", "activeContacts": 5}, False),
        (ContactChanged, {"changedFields": ["name", "macAuthorized"], "status": "active"}, False),  # not enabled
    ],
)
def test_a_contact_that_counts_added_or_enabled_over_the_maximum_tells_the_managers(model, fields, told):
    event = detail(model, **fields)
    assert tells_managers(event.detail_type, event) is told
    outcome, mailer = notify(event)
    assert (outcome.sent, len(mailer.emails)) == ((2, 2) if told else (0, 0))


def test_each_manager_is_emailed_once_per_event():
    ledger, event = Ledger(), detail()
    first, mailer = notify(event, ledger=ledger)
    again, mailer_again = notify(event, ledger=ledger)
    assert [email.to_address for email in mailer.emails] == ["mia@support.example", "max@support.example"]
    assert (first.sent, again.sent, again.duplicates, mailer_again.emails) == (2, 0, 2, [])
    assert ledger.sent == {("dss.directory#acme#7#ContactAdded", "staff#u-mia"), ("dss.directory#acme#7#ContactAdded", "staff#u-max")}


def test_a_duplicate_reads_nothing_but_the_recipients():
    ledger = Ledger()
    notify(detail(), ledger=ledger)
    directory = Directory()
    notify(detail(), directory=directory, ledger=ledger)
    assert directory.reads == [("account", "acme"), ("managers", "emea")]


def test_one_refused_email_holds_back_neither_the_other_nor_its_retry():
    ledger, event = Ledger(), detail()
    with pytest.raises(NotificationDelayed):
        notify(event, ledger=ledger, mailer=Mailer(refuse=frozenset({"mia@support.example"})))
    assert ledger.sent == {("dss.directory#acme#7#ContactAdded", "staff#u-max")}
    outcome, mailer = notify(event, ledger=ledger)
    assert (outcome.sent, outcome.duplicates, [email.to_address for email in mailer.emails]) == (1, 1, ["mia@support.example"])


def test_the_manager_who_acted_is_not_emailed_and_one_address_gets_one_email():
    mia_acts = {"userId": "u-mia", "role": "support-managers", "contactId": None}
    twice = [*MANAGERS, StaffMember("u-max-2", "Max Manager", "MAX@support.example")]
    _, mailer = notify(detail(actor=mia_acts), directory=Directory(twice))
    assert [email.to_address for email in mailer.emails] == ["max@support.example"]
    assert "Mia Manager (Dedicated Support Services) added Dana Dev" in mailer.emails[0].text


def test_a_region_without_managers_is_logged_and_emails_nobody(caplog):
    with caplog.at_level(logging.WARNING):
        outcome, mailer = notify(detail(), directory=Directory(managers=[]))
    assert (outcome.sent, mailer.emails) == (0, [])
    assert "no support manager for the region" in caplog.text


def test_a_case_event_is_not_taken_for_a_contact_event():
    event = BusEvent.model_validate({"id": "e", "source": "dss.cases", "detail-type": "ContactAdded", "detail": {}})
    outcome = notify_contact_event(
        event, directory=Directory(), ledger=Ledger(), mailer=Mailer(), portal_url=PORTAL, now=NOW, claim_until=NOW
    )
    assert outcome.sent == 0


# --- what the email says --------------------------------------------------------------------------


def facts(name: str = "Acme Contact Centers", *, enabled_again: bool = False, contact: str = "Dana Dev") -> ContactLimitFacts:
    return ContactLimitFacts(Account("acme", name, "emea"), contact, "Alice Admin (Acme Contact Centers)", enabled_again)


def visible_text(markup: str) -> str:
    """What a reader of the HTML part sees: no tags, no hidden preheader, entities decoded, spaces collapsed."""
    markup = re.sub(r'<div style="display:none.*?</div>', "", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.mark.parametrize("enabled_again", [False, True])
def test_the_email_says_which_account_how_many_against_what_who_why_and_links_the_account(enabled_again):
    mail = render_contact_limit(detail(), facts(enabled_again=enabled_again), MIA, portal_url=PORTAL)
    assert mail.subject == "Account Acme Contact Centers: 6 active contacts, over the recommended maximum of 5"
    done = "enabled Dana Dev again on" if enabled_again else "added Dana Dev to"
    assert f"Alice Admin (Acme Contact Centers) {done} account Acme Contact Centers (acme): the account now has 6 active" in mail.text
    assert GUIDE_REASON == "access is best funnelled through a few of the customer's IT staff, ideally fewer than five"
    assert GUIDE_REASON in mail.text and GUIDE_REASON in visible_text(mail.html)
    assert "Open the account: https://support.example/accounts/acme" in mail.text
    assert set(re.findall(r'href="([^"]+)"', mail.html)) == {"https://support.example/accounts/acme"}
    assert "Reference ID" not in mail.text and "Reference ID" not in mail.html
    assert (mail.to_name, mail.to_address) == ("Mia Manager", "mia@support.example")


def test_the_plain_text_twin_carries_the_same_facts_as_the_html():
    content = compose_contact_limit(detail(), facts(), MIA, portal_url=PORTAL)
    mail = render_contact_limit(detail(), facts(), MIA, portal_url=PORTAL)
    shown = visible_text(mail.html)
    pieces = [content.title, content.subtitle, content.greeting, content.ask, content.link, *content.summary.split("\n")]
    pieces += [part for pair in content.facts for part in pair]
    for piece in pieces:
        assert " ".join(piece.split()) in shown, piece
        assert piece in mail.text, piece
    assert ("Active contacts", "6") in content.facts and ("Recommended maximum", "5") in content.facts
    markup = mail.html
    assert markup.startswith("<!DOCTYPE html>") and '<html lang="en"' in markup and 'role="presentation"' in markup
    assert "<style" not in markup.lower() and "<img" not in markup.lower()


def test_names_from_outside_are_escaped_in_html_and_kept_on_one_line_in_headers():
    mail = render_contact_limit(detail(), facts(f"Acme\r\nBcc: x@evil.example {HOSTILE}", contact=HOSTILE), MIA, portal_url=PORTAL)
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html
    assert "\n" not in mail.subject and "\r" not in mail.subject


def test_the_account_link_is_the_portals_account_page():
    assert account_link("https://support.example/", "acme") == "https://support.example/accounts/acme"
    assert account_link("https://support.example", "acme:eu/1") == "https://support.example/accounts/acme%3Aeu%2F1"
