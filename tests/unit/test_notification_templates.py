"""The emails: every kind says what is asked, carries the case number, its Reference ID and its link,
and nothing from outside reaches the HTML unescaped or a header unfolded."""

from __future__ import annotations

import html
import re

import pytest

from functions.notifications.logic.templates import TEMPLATES, case_link, render
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
