"""The emails: every kind says what happened and who did it (by name), quotes the words the change posted,
says what is asked and what happens next (with dates in US Eastern), shows the case with its subject and
links it; the HTML is built for mail clients, the plain text carries the same facts, and nothing from
outside reaches the HTML unescaped or a header unfolded."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from functions.notifications.logic.email_facts import actor, gather_facts
from functions.notifications.logic.templates import SUPPORT_PHONE_NUMBERS, TEMPLATES, case_link, compose, eastern, render
from functions.notifications.models.events import CaseEventDetail
from functions.notifications.models.notifications import Account, Contact, NotificationKind, PostedUpdate, Recipient, StaffMember

Kind = NotificationKind
REF = "ref:ABCDEFGHIJKLMNOP"
PORTAL = "https://support.example/"
LINK = "https://support.example/cases/0002068177"
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'
SUBJECT = "Agents cannot log in after the Windows update"
DAY = timedelta(hours=24)
ERIN = {"userId": "u-erin", "role": "engineers", "contactId": None}
ALICE_ACTS = {"userId": "u-alice", "role": "customer-contacts", "contactId": "c-alice"}
AUTOMATION = {"userId": "automation", "role": "automation", "contactId": None}
ENGINEER = Recipient("staff#u-erin", "Erin Engineer", "erin@support.example")
MANAGER = Recipient("staff#u-mike", "Mike Manager", "mike@support.example")
ALICE = Recipient("contact#acme#c-alice", "Alice Admin", "alice@acme.example")
# Who reads each kind (recipients.py): the contact, or support staff.
TO_CONTACT = {
    Kind.CASE_OPENED, Kind.SUPPORT_UPDATE, Kind.INFORMATION_REQUESTED, Kind.SOLUTION_PROPOSED, Kind.CLOSED_BY_SUPPORT,
    Kind.REOPENED_BY_SUPPORT, Kind.FOLLOW_UP_INFORMATION_REMINDER, Kind.FOLLOW_UP_SOLUTION_REMINDER, Kind.AUTO_CLOSED,
    Kind.PRIORITY_RAISED, Kind.MONITORING_CASE_OPENED, Kind.RESOLVED_BY_INSTALLATION,
}  # fmt: skip


def detail(**fields) -> CaseEventDetail:
    base = {
        "caseNumber": "0002068177",
        "accountId": "acme",
        "contactId": "c-alice",
        "caseType": "Support",
        "subject": SUBJECT,
        "priority": "4-Low",
        "status": "Open",
        "subStatus": "Investigation",
        "ownerId": "u-erin",
        "actor": ALICE_ACTS,
        "occurredAt": "2026-01-05T15:00:00.000Z",  # Monday 10:00 US Eastern
        "updateId": "7",
        "updateKind": "comment",
        "excerpt": "Agents still cannot log in.",
        "escalation": "priority",
        "requestedPriority": "2-High",
        "region": "north-america",
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


class Directory:
    def __init__(self, staff: dict[str, str] | None = None):
        self.names = {"u-erin": "Erin Engineer", "u-mike": "Mike Manager"} if staff is None else staff

    def staff(self, user_id):
        name = self.names.get(user_id)
        return StaffMember(user_id, name, f"{user_id}@support.example") if name else None


class Updates:
    """The update items: by update id, or none (deleted)."""

    def __init__(self, texts: dict[str, PostedUpdate] | None = None):
        self.texts, self.reads = texts or {}, []

    def update(self, case_number, update_id):
        self.reads.append((case_number, update_id))
        return self.texts.get(update_id)


def whole(text: str, kind: str = "comment") -> Updates:
    return Updates({"7": PostedUpdate(kind, text, whole=True)})


def email(kind, event=None, recipient=None, *, updates=None, directory=None, account_=None, interval=DAY):
    event = event or detail()
    recipient = recipient or (ALICE if kind in TO_CONTACT else ENGINEER)
    account_ = account_ or account()
    facts = gather_facts(
        kind, event, account_, directory=directory or Directory(), updates=updates or Updates(),
        for_staff=not recipient.is_contact, management_email_interval=interval,
    )  # fmt: skip
    return render(kind, event, account_, recipient, facts, reference_id=REF, portal_url=PORTAL)


def visible_text(markup: str) -> str:
    """What a reader of the HTML part sees: no tags, no hidden preheader, entities decoded, spaces collapsed."""
    markup = re.sub(r'<div style="display:none.*?</div>', "", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def test_every_kind_has_a_template():
    assert set(TEMPLATES) == set(NotificationKind)


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_every_email_carries_case_number_subject_reference_id_link_and_the_ask(kind):
    mail = email(kind)
    assert mail.subject.startswith("Case 0002068177: ") and mail.subject.endswith(f" – {SUBJECT} [{REF}]")
    for body in (mail.text, visible_text(mail.html)):
        assert "0002068177" in body and REF in body and SUBJECT in body
        assert TEMPLATES[kind].ask in body  # what is asked of the reader (our own text, no values)
        assert "{" not in body  # every placeholder filled
    assert "What we ask of you: " in mail.text
    assert f"Open the case: {LINK}" in mail.text
    assert f'<a href="{LINK}"' in mail.html and f">{LINK}</a>" in mail.html  # a button, and the address in text


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_the_html_is_built_for_mail_clients(kind):
    markup = email(kind).html
    assert markup.startswith("<!DOCTYPE html>") and '<html lang="en"' in markup
    assert "<style" not in markup.lower() and "<link" not in markup.lower()  # inline styles only
    assert "<img" not in markup.lower() and "src=" not in markup.lower() and "url(" not in markup.lower()  # nothing to load
    assert set(re.findall(r'href="([^"]+)"', markup)) == {LINK}  # no other resource, no tracking
    assert 'role="presentation"' in markup  # layout tables, not read out as data tables
    # The preheader: the first thing in the body, hidden, saying what happened.
    preheader = re.search(r'<body[^>]*>\s*<div style="display:none;[^"]*mso-hide:all;">([^<]*)</div>', markup)
    assert preheader and "case 0002068177" in preheader.group(1).lower()


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_the_plain_text_twin_carries_the_same_facts(kind):
    event, updates = detail(), whole("Line one of the update.\nLine two <with> markup & more.")
    mail = email(kind, event, updates=updates)
    recipient = ALICE if kind in TO_CONTACT else ENGINEER
    facts = gather_facts(
        kind, event, account(), directory=Directory(), updates=updates, for_staff=not recipient.is_contact,
        management_email_interval=DAY,
    )  # fmt: skip
    content = compose(kind, event, account(), recipient, facts, reference_id=REF, portal_url=PORTAL)
    pieces = [content.title, content.subtitle, content.greeting, content.ask, content.link, content.reference_id]
    pieces += content.summary.split("\n") + [content.words_label, *content.words.split("\n")]
    pieces += [part for pair in content.next_steps + content.facts for part in pair]
    shown = visible_text(mail.html)
    for piece in pieces:
        assert " ".join(piece.split()) in shown, piece
        assert piece.lower() in mail.text.lower(), piece
    assert content.title.lower() in mail.subject.lower()


def test_the_words_the_change_posted_are_quoted_whole_from_the_update():
    text = "Please send the IC server logs from this morning.\n\nAnd the station's trace: " + "x" * 3000
    updates = whole(text, "information-request")
    event = detail(actor=ERIN, byCustomer=False, status="Awaiting Info", updateKind="information-request", excerpt=text[:999] + "…")
    mail = email(Kind.INFORMATION_REQUESTED, event, updates=updates)
    assert updates.reads == [("0002068177", "7")]
    assert f"What support asks:\n\n{text}\n" in mail.text
    assert "read it in full on the case" not in mail.text
    assert "Please send the IC server logs from this morning.<br>\n<br>\nAnd the station" in mail.html
    assert "x" * 3000 in mail.html


def test_without_the_update_the_excerpt_is_quoted_and_said_to_be_partial():
    excerpt = "y" * 999 + "…"
    mail = email(Kind.CUSTOMER_UPDATE, detail(excerpt=excerpt), updates=Updates())  # the update item is gone
    assert f"The update:\n\n{excerpt}\n\n(This is the beginning of the text; read it in full on the case.)" in mail.text
    assert "read it in full on the case" in mail.html
    short = email(Kind.CUSTOMER_UPDATE, detail(excerpt="Any news?"), updates=Updates())
    assert "The update:\n\nAny news?\n" in short.text and "read it in full" not in short.text


@pytest.mark.parametrize(
    ("kind", "update_kind", "label"),
    [
        (Kind.SOLUTION_PROPOSED, "solution-proposal", "The proposed solution"),
        (Kind.SOLUTION_REJECTED, "solution-rejection", "Why the solution was rejected"),
        (Kind.CLOSED_BY_CUSTOMER, "closure-comment", "Closure comment"),
        (Kind.CLOSED_BY_CUSTOMER, "solution-acceptance", "Comment on accepting the solution"),
        (Kind.CLOSED_BY_SUPPORT, "closure-comment", "Closure comment"),
        (Kind.REOPENED_BY_CUSTOMER, "reopen-information", "The new information"),
        (Kind.MANAGEMENT_ESCALATION, "escalation-request", "Reason given"),
        (Kind.URGENT_PRIORITY_REQUESTED, "escalation-request", "Reason given"),
        (Kind.PRIORITY_RAISED, "escalation-request", "Reason given"),
        (Kind.SUPPORT_UPDATE, "comment", "The update"),
    ],
)
def test_each_kind_of_words_is_introduced_for_what_it_is(kind, update_kind, label):
    mail = email(kind, detail(updateKind=update_kind), updates=whole("The words that matter.", update_kind))
    assert f"{label}:\n\nThe words that matter.\n" in mail.text
    assert f">{label}</p>" in mail.html and "The words that matter.</td>" in mail.html


def test_an_event_from_before_excerpts_quotes_its_reason_and_one_without_words_quotes_nothing():
    legacy = detail(updateId=None, updateKind=None, excerpt=None, reason="No progress for a week.", subject=None)
    mail = email(Kind.MANAGEMENT_ESCALATION, legacy, MANAGER)
    assert "Reason given:\n\nNo progress for a week.\n" in mail.text
    assert mail.subject == f"Case 0002068177: escalated to regional support management (north-america) [{REF}]"
    bare = email(Kind.CASE_OPENED, detail(actor=ERIN, updateId=None, updateKind=None, excerpt=None))
    assert "The update" not in bare.text and "border-left" not in bare.html


def test_who_acted_is_named_never_a_user_id():
    to_owner = email(Kind.CUSTOMER_UPDATE)
    assert to_owner.subject.startswith("Case 0002068177: update from Alice Admin – ")
    assert "Alice Admin (Acme Contact Centers) posted an update on case 0002068177." in to_owner.text
    asked = email(Kind.INFORMATION_REQUESTED, detail(actor=ERIN, updateKind="information-request"))
    assert "Erin Engineer (Dedicated Support Services) needs information from you" in asked.text
    for mail in (to_owner, asked):
        assert "u-erin" not in mail.text + mail.html and "u-alice" not in mail.text + mail.html


@pytest.mark.parametrize(
    ("who", "directory", "named"),
    [
        (ERIN, Directory(), ("Erin Engineer", "Dedicated Support Services")),
        (ERIN, Directory(staff={}), ("a support engineer", None)),  # left the directory
        ({"userId": "u-x", "role": "support-managers"}, Directory(staff={}), ("a support manager", None)),
        (AUTOMATION, Directory(), ("the Dedicated Support Services desk", None)),
        (ALICE_ACTS, Directory(), ("Alice Admin", "Acme Contact Centers")),
        ({"userId": "u-z", "role": "customer-contacts", "contactId": "c-zed"}, Directory(), ("a contact of Acme Contact Centers", None)),
    ],
)
def test_the_actors_name_and_the_fallbacks(who, directory, named):
    assert actor(detail(actor=who), account(), directory) == named


def test_a_sentence_that_starts_with_a_fallback_name_starts_with_a_capital():
    mail = email(Kind.SUPPORT_UPDATE, detail(actor=ERIN), directory=Directory(staff={}))
    assert "A support engineer posted an update on case 0002068177." in mail.text


def test_staff_read_the_owner_account_and_contact_by_name_and_customers_do_not_see_them():
    overdue = email(Kind.RESPONSE_OVERDUE_TO_MANAGERS, detail(actor=AUTOMATION, byCustomer=False), MANAGER)
    assert "owner: Erin Engineer." in overdue.text and "Owner: Erin Engineer" in overdue.text
    assert "Account: Acme Contact Centers" in overdue.text and "Contact: Alice Admin" in overdue.text
    unassigned = email(Kind.RESPONSE_OVERDUE_TO_MANAGERS, detail(actor=AUTOMATION, ownerId=None), MANAGER)
    assert "owner: none (unassigned)." in unassigned.text
    departed = email(Kind.MANAGEMENT_ESCALATION, detail(ownerId="u-gone"), MANAGER)
    assert "Owner: an engineer no longer in the directory" in departed.text
    to_contact = email(Kind.SUPPORT_UPDATE, detail(actor=ERIN))
    assert "Owner:" not in to_contact.text and "Account:" not in to_contact.text


def test_an_information_request_says_when_the_follow_up_reminds_and_closes():
    asked = detail(actor=ERIN, byCustomer=False, status="Awaiting Info", updateKind="information-request")
    mail = email(Kind.INFORMATION_REQUESTED, asked)
    # Asked Monday 5 January 2026, 10:00: 2, 5 and 10 business days later (Monday 19 January is a holiday).
    expected = [
        "- Reminder 1, if there is no answer by then: Wednesday 7 January 2026, 10:00 US Eastern (EST)",
        "- Reminder 2, if there is still no answer: Monday 12 January 2026, 10:00 US Eastern (EST)",
        "- The case is closed automatically (Auto-closed) if there is no answer by: Tuesday 20 January 2026, 10:00 US Eastern (EST)",
    ]
    assert "What happens next:\n" + "\n".join(expected) + "\n" in mail.text
    shown = visible_text(mail.html)
    for line in expected:
        what, when = line[2:].rsplit(": ", 1)
        assert f"{what} {when}" in shown
    proposed = email(Kind.SOLUTION_PROPOSED, asked.model_copy(update={"update_kind": "solution-proposal"}))
    assert "\n".join(expected) in proposed.text


def test_a_prod_down_case_has_no_follow_up_so_its_request_shows_no_dates():
    mail = email(Kind.INFORMATION_REQUESTED, detail(actor=ERIN, priority="1-Prod Down", updateKind="information-request"))
    assert "What happens next" not in mail.text and "What happens next" not in mail.html


def test_a_request_made_outside_business_hours_counts_from_the_next_opening():
    saturday = detail(actor=ERIN, occurredAt="2026-07-04T02:30:00Z", updateKind="information-request")  # Fri 3 July 22:30 EDT
    mail = email(Kind.INFORMATION_REQUESTED, saturday)  # Friday 3 July 2026 is a holiday: Monday 6 July 07:00 counts
    assert "Reminder 1, if there is no answer by then: Wednesday 8 July 2026, 07:00 US Eastern (EDT)" in mail.text


@pytest.mark.parametrize(
    ("asked", "reminder", "kind", "subject", "ask", "steps"),
    [
        (
            "information",
            1,
            Kind.FOLLOW_UP_INFORMATION_REMINDER,
            "reminder 1: information still needed",
            "post the information as an update",
            [
                # Asked Tuesday 24 November 2026: 5 business days later (Thanksgiving, 26 November, is a holiday).
                "Reminder 2, if there is still no answer: Wednesday 2 December 2026, 10:00 US Eastern (EST)",
                "The case is closed automatically (Auto-closed) if there is no answer by: Tuesday 8 December 2026, 10:00 US Eastern (EST)",
            ],
        ),
        (
            "solution",
            2,
            Kind.FOLLOW_UP_SOLUTION_REMINDER,
            "reminder 2: please accept or reject the proposed solution",
            "accept it on the case (it closes as Resolved) or reject it with your reason",
            ["The case is closed automatically (Auto-closed) if there is no answer by: Tuesday 8 December 2026, 10:00 US Eastern (EST)"],
        ),
    ],
)
def test_a_follow_up_reminder_says_what_is_asked_which_reminder_and_what_comes_next(asked, reminder, kind, subject, ask, steps):
    event = detail(actor=AUTOMATION, byCustomer=False, status="Awaiting Info", asked=asked, reminder=reminder, updateId=None, excerpt=None)
    mail = email(kind, event)
    assert mail.subject == f"Case 0002068177: {subject} – {SUBJECT} [{REF}]"
    for body in (mail.text, visible_text(mail.html)):
        assert f"This is reminder {reminder} of 2 of the automated follow-up." in body
        assert "the case will be closed automatically on Tuesday 8 December 2026, 10:00 US Eastern (EST)" in body
        assert "on Tuesday 24 November 2026, 10:00 US Eastern (EST)" in body  # when support asked
        assert ask in body
    assert "What happens next:\n" + "\n".join(f"- {step}" for step in steps) + "\n\n" in mail.text
    assert mail.text.startswith(f"{subject[0].upper()}{subject[1:]}\nCase 0002068177: {SUBJECT}\n\nHello Alice Admin,\n")


def test_the_auto_closed_email_is_the_final_one_and_says_to_phone_to_reopen():
    closed = detail(
        actor=AUTOMATION, byCustomer=False, status="Closed", subStatus="Auto-closed", updateKind="closure-comment",
        occurredAt="2026-12-08T15:00:00.000Z",
    )  # fmt: skip
    mail = email(Kind.AUTO_CLOSED, closed)
    by_support = email(Kind.CLOSED_BY_SUPPORT, closed)
    assert mail.subject == f"Case 0002068177: closed automatically (no answer) – {SUBJECT} [{REF}]"
    assert mail.subject != by_support.subject
    for body in (mail.text, visible_text(mail.html)):
        assert "closed automatically (Auto-closed)" in body
        assert "after the automated follow-up" in body and "10 business days" in body
        assert f"call Dedicated Support Services at {SUPPORT_PHONE_NUMBERS}" in body
        assert "can be reopened only by phone" in body and "open a new case" in body
        assert "reopen the case within 30 days" not in body  # the normal closure's advice does not apply
    assert "- It can be reopened, by phone only, until: Thursday 7 January 2027, 10:00 US Eastern (EST)" in mail.text


def test_a_closure_by_support_says_until_when_it_can_be_reopened():
    closed = detail(actor=ERIN, status="Closed", subStatus="Resolved", updateKind="closure-comment", occurredAt="2026-06-01T14:00:00Z")
    mail = email(Kind.CLOSED_BY_SUPPORT, closed, updates=whole("Fixed by the patch.", "closure-comment"))
    assert "Erin Engineer (Dedicated Support Services) closed case 0002068177 (Resolved)." in mail.text
    assert "Closure comment:\n\nFixed by the patch.\n" in mail.text
    assert (
        "- It can be reopened with new information until (its files are deleted then): Wednesday 1 July 2026, 10:00 US Eastern (EDT)"
        in mail.text
    )


def test_a_management_escalation_tells_the_managers_until_when_further_ones_are_not_emailed():
    event = detail(escalation="management", updateKind="escalation-request")
    mail = email(Kind.MANAGEMENT_ESCALATION, event, MANAGER, updates=whole("No progress for a week.", "escalation-request"))
    assert (
        "Alice Admin (Acme Contact Centers) escalated case 0002068177 (4-Low, Open) to the support management of region north-america."
        in mail.text
    )
    assert "Reason given:\n\nNo progress for a week.\n" in mail.text
    assert (
        "- Further management escalations of this case are recorded on it but not emailed until: "
        "Tuesday 6 January 2026, 10:00 US Eastern (EST)" in mail.text
    )
    assert "Further management escalations" not in email(Kind.MANAGEMENT_ESCALATION, event, MANAGER, interval=timedelta(0)).text


def test_user_provided_values_are_escaped_in_html_and_verbatim_in_text():
    event = detail(escalation="management", region="<emea>", subject=HOSTILE, updateKind="escalation-request")
    mail = email(
        Kind.MANAGEMENT_ESCALATION, event, Recipient("staff#u-mike", "Mike <Manager>", "mike@support.example"),
        updates=whole(HOSTILE + "\n</td></tr></table><a href='https://evil.example'>x</a>", "escalation-request"),
        account_=account(name="Acme & <Sons>", contact_name=HOSTILE), directory=Directory({"u-erin": "<i>Erin</i>"}),
    )  # fmt: skip
    assert HOSTILE in mail.text and "Acme & <Sons>" in mail.text and "<i>Erin</i>" in mail.text
    for raw in ("<script>", "<b>", "<Sons>", "<emea>", "<i>", "evil.example'>", "<Manager>"):
        assert raw not in mail.html, raw
    assert html.escape(HOSTILE) in mail.html
    assert "Hello Mike &lt;Manager&gt;," in mail.html
    assert "Acme &amp; &lt;Sons&gt;" in mail.html
    assert set(re.findall(r'href="([^"]+)"', mail.html)) == {LINK}


def test_braces_in_values_are_not_templates():
    mail = email(Kind.PRIORITY_RAISED, detail(subject="{case_number} {0} {"), updates=whole("{reason} {0} {", "escalation-request"))
    assert "Subject: {case_number} {0} {" in mail.text and "Reason given:\n\n{reason} {0} {" in mail.text


def test_line_breaks_never_reach_headers_and_a_long_subject_is_shortened_there():
    event = detail(escalation="management", region="emea\r\nBcc: victim@example.com", subject="Down\r\nBcc: x@example.com " + "z" * 300)
    mail = email(Kind.MANAGEMENT_ESCALATION, event, Recipient("staff#u-mike", "Mike\nBcc: victim@example.com", "mike@support.example"))
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert "\n" not in mail.to_name
    assert "… [ref:" in mail.subject and len(mail.subject) < 200
    assert "z" * 300 in mail.text  # the body has the subject whole


def test_case_link_joins_the_portal_url():
    assert (
        case_link("https://p.example", "0000000001")
        == case_link("https://p.example/", "0000000001")
        == "https://p.example/cases/0000000001"
    )


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        ("2026-12-08T15:00:00.000Z", "Tuesday 8 December 2026, 10:00 US Eastern (EST)"),  # UTC-5
        ("2026-07-01T11:30:00Z", "Wednesday 1 July 2026, 07:30 US Eastern (EDT)"),  # UTC-4
        ("2026-11-01T05:30:00Z", "Sunday 1 November 2026, 01:30 US Eastern (EDT)"),  # the repeated hour, before the change
        ("2026-11-01T06:30:00Z", "Sunday 1 November 2026, 01:30 US Eastern (EST)"),  # and after it
        ("2026-03-09T01:00:00+00:00", "Sunday 8 March 2026, 21:00 US Eastern (EDT)"),  # the local date is the day before
    ],
)
def test_times_are_shown_in_us_eastern_with_the_zone_named(moment, shown):
    assert eastern(detail(autoCloseAt=moment).auto_close_at) == shown


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
    event = detail(actor=AUTOMATION, byCustomer=False, priority="2-High", ownerId=owner, updateId=None, excerpt=None)
    mail = email(kind, event)
    assert mail.subject == f"Case 0002068177: {subject} – {SUBJECT} [{REF}]"
    for body in (mail.text, visible_text(mail.html)):
        assert "The first response target of case 0002068177 (2-High, Acme Contact Centers) was missed" in body
        assert "was due Monday 5 January 2026, 14:00 US Eastern (EST)" in body
        assert "Response target: 4-Low: first response within 14 hours of business time" in body
        assert ask in body
    if kind is Kind.RESPONSE_OVERDUE_TO_MANAGERS:
        assert "owner: none (unassigned)" in mail.text


def test_a_case_resolved_by_an_installation_says_which_installation_links_it_and_how_to_reopen():
    event = detail(actor=ERIN, status="Closed", subStatus="Resolved", resolvedByCase="0000000123", updateId=None, excerpt=None)
    mail = email(Kind.RESOLVED_BY_INSTALLATION, event)
    installation = "https://support.example/cases/0000000123"
    assert mail.subject == f"Case 0002068177: closed, resolved by installation case 0000000123 – {SUBJECT} [{REF}]"
    for body in (mail.text, visible_text(mail.html)):
        assert (
            "Case 0002068177 was closed as Resolved because the installation made in case 0000000123, requested by "
            "Erin Engineer (Dedicated Support Services), resolves it." in body
        )
        assert "reopen this case within 30 days with new information" in body
        assert "Resolved by" in body and "installation case 0000000123" in body
        assert "It can be reopened with new information until" in body
    assert f"Installation case 0000000123: {installation}\n" in mail.text
    assert set(re.findall(r'href="([^"]+)"', mail.html)) == {LINK, installation}


def test_an_installation_case_opened_for_the_contact_says_what_it_installs_and_which_cases_it_closed():
    installation = {
        "kind": "windows-update",
        "reason": "known-scr",
        "target": "KB5034441, KB5034439",
        "resolvesCases": ["0000000123", "0000000124"],
    }
    event = detail(actor=ERIN, caseType="Service Request", installation=installation, updateId=None, excerpt=None)
    mail = email(Kind.CASE_OPENED, event)
    for body in (mail.text, visible_text(mail.html)):
        assert "opened case 0002068177 for you: Service Request" in body
        assert "It installs KB5034441, KB5034439 (Windows updates validated by the Testing Department, for a service problem" in body
        assert "The installation resolves cases 0000000123, 0000000124, closed as Resolved when this case was opened." in body
        assert "Installs" in body and "Resolves" in body


def test_every_installation_kind_and_reason_reads_as_words():
    from functions.notifications.logic.templates import UPDATE_KINDS, UPDATE_REASONS
    from functions.shared.update_rules import UpdateKind, UpdateReason

    assert set(UPDATE_KINDS) == {kind.value for kind in UpdateKind}
    assert set(UPDATE_REASONS) == {reason.value for reason in UpdateReason}
