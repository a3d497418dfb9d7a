"""The emails: every kind says what is asked, carries the case number, its Reference ID and its link,
and nothing from outside reaches the HTML unescaped or a header unfolded."""

from __future__ import annotations

import html
import re

import pytest

from functions.notifications.logic.templates import SUPPORT_PHONE_NUMBERS, TEMPLATES, case_link, eastern, render
from functions.notifications.models.events import CaseEventDetail
from functions.notifications.models.notifications import Account, Contact, NotificationKind, Recipient

REF = "ref:ABCDEFGHIJKLMNOP"
PORTAL = "https://support.example/"
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


def detail(**fields) -> CaseEventDetail:
    base = {
        "caseNumber": "0002068177",
        "accountId": "acme",
        "contactId": "c-alice",
        "caseType": "Support",
        "priority": "4-Low",
        "status": "Open",
        "subStatus": "Investigation",
        "ownerId": "u-erin",
        "actor": {"userId": "u-alice", "role": "customer-contacts", "contactId": "c-alice"},
        "occurredAt": "2026-01-05T15:00:00.000Z",
        "escalation": "priority",
        "requestedPriority": "2-High",
        "region": "north-america",
        "reason": "Agents cannot work",
        "reminder": 1,
        "asked": "information",
        "askedAt": "2026-11-24T15:00:00.000Z",
        "autoCloseAt": "2026-12-08T15:00:00.000Z",
        "level": "owner",
        "responseDueAt": "2026-01-05T19:00:00.000Z",
        "responseRule": "4-Low: first response within 14 hours of business time",
    }
    return CaseEventDetail.model_validate(base | fields)


def account(name: str = "Acme Contact Centers", contact_name: str = "Alice Admin") -> Account:
    return Account("acme", name, "north-america", {"c-alice": Contact("c-alice", contact_name, "alice@acme.example")})


RECIPIENT = Recipient("staff#u-erin", "Erin Engineer", "erin@support.example")


def test_every_kind_has_a_template():
    assert set(TEMPLATES) == set(NotificationKind)


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_every_email_carries_case_number_reference_id_link_and_the_ask(kind):
    email = render(kind, detail(), account(), RECIPIENT, reference_id=REF, portal_url=PORTAL)
    link = "https://support.example/cases/0002068177"
    assert email.subject.startswith("Case 0002068177: ") and email.subject.endswith(f"[{REF}]")
    assert (email.to_name, email.to_address) == ("Erin Engineer", "erin@support.example")
    for body in (email.text, email.html):
        assert "0002068177" in body and REF in body
        assert TEMPLATES[kind].ask in body  # what is asked of the reader (our own text, no values)
    assert "What we ask of you: " in email.text
    assert f"Open the case: {link}" in email.text
    assert f'<a href="{link}">' in email.html
    assert "{" not in email.text + email.html  # every placeholder filled


def test_user_provided_values_are_escaped_in_html_and_verbatim_in_text():
    email = render(
        NotificationKind.MANAGEMENT_ESCALATION,
        detail(reason=HOSTILE, escalation="management", region="<emea>"),
        account(name="Acme & <Sons>", contact_name=HOSTILE),
        Recipient("staff#u-mike", "Mike <Manager>", "mike@support.example"),
        reference_id=REF,
        portal_url=PORTAL,
    )
    assert HOSTILE in email.text and "Acme & <Sons>" in email.text
    assert "<script>" not in email.html and "<b>" not in email.html and "<Sons>" not in email.html and "<emea>" not in email.html
    assert html.escape(HOSTILE) in email.html
    assert "Hello Mike &lt;Manager&gt;," in email.html
    assert "Acme &amp; &lt;Sons&gt;" in email.html


def test_braces_in_values_are_not_templates():
    email = render(
        NotificationKind.PRIORITY_RAISED, detail(reason="{case_number} {0} {"), account(), RECIPIENT, reference_id=REF, portal_url=PORTAL
    )
    assert "Reason given: {case_number} {0} {" in email.text


def test_line_breaks_never_reach_headers():
    email = render(
        NotificationKind.MANAGEMENT_ESCALATION,
        detail(escalation="management", region="emea\r\nBcc: victim@example.com"),
        account(),
        Recipient("staff#u-mike", "Mike\nBcc: victim@example.com", "mike@support.example"),
        reference_id=REF,
        portal_url=PORTAL,
    )
    assert "\n" not in email.subject and "\r" not in email.subject
    assert "\n" not in email.to_name


def test_the_acting_customer_is_named_to_support():
    email = render(NotificationKind.CUSTOMER_UPDATE, detail(), account(), RECIPIENT, reference_id=REF, portal_url=PORTAL)
    assert email.subject == f"Case 0002068177: update from Alice Admin [{REF}]"
    assert "Alice Admin (Acme Contact Centers) posted an update on case 0002068177." in email.text


def test_a_customer_email_asks_for_the_action_and_explains_the_status():
    email = render(
        NotificationKind.INFORMATION_REQUESTED,
        detail(actor={"userId": "u-erin", "role": "engineers"}, status="Awaiting Info"),
        account(),
        Recipient("contact#acme#c-alice", "Alice Admin", "alice@acme.example"),
        reference_id=REF,
        portal_url=PORTAL,
    )
    assert email.subject == f"Case 0002068177: information requested [{REF}]"
    assert "What we ask of you: Open the case, read what is asked and post the information as an update." in email.text
    assert re.search(r"Case 0002068177: Support, 4-Low, Awaiting Info \(Investigation\)", email.text)


def test_case_link_joins_the_portal_url():
    assert (
        case_link("https://p.example", "0000000001")
        == case_link("https://p.example/", "0000000001")
        == "https://p.example/cases/0000000001"
    )


AUTOMATION = {"userId": "automation", "role": "automation", "contactId": None}
ALICE = Recipient("contact#acme#c-alice", "Alice Admin", "alice@acme.example")
Kind = NotificationKind

NEW_KINDS = (
    Kind.FOLLOW_UP_INFORMATION_REMINDER,
    Kind.FOLLOW_UP_SOLUTION_REMINDER,
    Kind.AUTO_CLOSED,
    Kind.RESPONSE_OVERDUE,
    Kind.RESPONSE_OVERDUE_UNASSIGNED,
    Kind.RESPONSE_OVERDUE_TO_MANAGERS,
)


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        ("2026-12-08T15:00:00.000Z", "Tuesday 8 December 2026, 10:00 US Eastern"),  # EST, UTC-5
        ("2026-07-01T11:30:00Z", "Wednesday 1 July 2026, 07:30 US Eastern"),  # EDT, UTC-4
        ("2026-11-01T05:30:00Z", "Sunday 1 November 2026, 01:30 US Eastern"),  # the repeated hour, after the change
        ("2026-03-09T01:00:00+00:00", "Sunday 8 March 2026, 21:00 US Eastern"),  # the local date is the day before
    ],
)
def test_times_are_shown_in_us_eastern(moment, shown):
    assert eastern(detail(autoCloseAt=moment).auto_close_at) == shown


@pytest.mark.parametrize(
    ("asked", "reminder", "kind", "subject", "ask"),
    [
        (
            "information",
            1,
            Kind.FOLLOW_UP_INFORMATION_REMINDER,
            "reminder 1: information still needed",
            "post the information as an update",
        ),
        (
            "solution",
            2,
            Kind.FOLLOW_UP_SOLUTION_REMINDER,
            "reminder 2: please accept or reject the proposed solution",
            "accept it on the case (it closes as Resolved) or reject it with your reason",
        ),
    ],
)
def test_a_follow_up_reminder_says_what_is_asked_which_reminder_and_when_the_case_closes(asked, reminder, kind, subject, ask):
    event = detail(actor=AUTOMATION, byCustomer=False, status="Awaiting Info", asked=asked, reminder=reminder)
    email = render(kind, event, account(), ALICE, reference_id=REF, portal_url=PORTAL)
    assert email.subject == f"Case 0002068177: {subject} [{REF}]"
    for body in (email.text, email.html):
        assert f"This is reminder {reminder} of 2 of the automated follow-up." in body
        assert "the case will be closed automatically on Tuesday 8 December 2026, 10:00 US Eastern" in body
        assert "on Tuesday 24 November 2026, 10:00 US Eastern" in body  # when support asked
        assert ask in body
        assert "https://support.example/cases/0002068177" in body and REF in body
    assert email.text.startswith("Hello Alice Admin,")


def test_the_auto_closed_email_is_the_final_one_and_says_to_phone_to_reopen():
    closed = detail(actor=AUTOMATION, byCustomer=False, status="Closed", subStatus="Auto-closed")
    email = render(Kind.AUTO_CLOSED, closed, account(), ALICE, reference_id=REF, portal_url=PORTAL)
    by_support = render(Kind.CLOSED_BY_SUPPORT, closed, account(), ALICE, reference_id=REF, portal_url=PORTAL)
    assert email.subject == f"Case 0002068177: closed automatically (no answer) [{REF}]"
    assert email.subject != by_support.subject
    for body in (email.text, email.html):
        assert "closed automatically (Auto-closed)" in body
        assert "after the automated follow-up" in body and "10 business days" in body
        assert f"call Dedicated Support Services at {SUPPORT_PHONE_NUMBERS}" in body
        assert "can be reopened only by phone" in body and "open a new case" in body
        assert "reopen the case within 30 days" not in body  # the normal closure's advice does not apply
    assert "1-866-794-3423 or 1-317-715-8686" in email.text


@pytest.mark.parametrize(
    ("kind", "owner", "subject", "ask"),
    [
        (Kind.RESPONSE_OVERDUE, "u-erin", "first response overdue (2-High)", "Answer the customer on the case now."),
        (Kind.RESPONSE_OVERDUE_UNASSIGNED, None, "first response overdue (2-High), no owner", "Assign the case now"),
        (
            Kind.RESPONSE_OVERDUE_TO_MANAGERS,
            None,
            "first response overdue (2-High), escalated to regional support management (north-america)",
            "assign the case if it has no owner, or follow up with its owner",
        ),
    ],
)
def test_a_response_escalation_says_the_target_was_missed_when_by_which_rule_and_what_to_do(kind, owner, subject, ask):
    event = detail(actor=AUTOMATION, byCustomer=False, priority="2-High", ownerId=owner, responseDueAt="2026-01-05T19:00:00.000Z")
    email = render(kind, event, account(), RECIPIENT, reference_id=REF, portal_url=PORTAL)
    assert email.subject == f"Case 0002068177: {subject} [{REF}]"
    for body in (email.text, email.html):
        assert "The first response target of case 0002068177 (2-High, Acme Contact Centers) was missed" in body
        assert "was due Monday 5 January 2026, 14:00 US Eastern" in body
        assert "Response target: 4-Low: first response within 14 hours of business time" in body
        assert ask in body
    if kind is Kind.RESPONSE_OVERDUE_TO_MANAGERS:
        assert "owner: none (unassigned)" in email.text


def test_values_in_the_new_emails_are_escaped_in_html():
    fields = {"responseRule": HOSTILE, "region": "<emea>", "ownerId": "<u-x>", "subStatus": "Auto-closed"}
    hostile = detail(actor=AUTOMATION, byCustomer=False, **fields)
    sneaky = account(name="Acme & <Sons>", contact_name=HOSTILE)
    for kind in NEW_KINDS:
        recipient = Recipient("queue#emea", "<emea> support queue", "emea-queue@support.example")
        email = render(kind, hostile, sneaky, recipient, reference_id=REF, portal_url=PORTAL)
        assert "<script>" not in email.html and "<b>" not in email.html and "<Sons>" not in email.html
        assert "<emea>" not in email.html and "<u-x>" not in email.html
        assert "Hello &lt;emea&gt; support queue," in email.html
    overdue = render(Kind.RESPONSE_OVERDUE_TO_MANAGERS, hostile, sneaky, RECIPIENT, reference_id=REF, portal_url=PORTAL)
    assert f"Response target: {html.escape(HOSTILE)}" in overdue.html and f"Response target: {HOSTILE}" in overdue.text
    assert "(4-Low, Acme &amp; &lt;Sons&gt;)" in overdue.html and "owner: &lt;u-x&gt;" in overdue.html
