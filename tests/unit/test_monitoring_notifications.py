"""The notifications of monitoring: a case the desk opened from an incident emails its contact and the region's
support queue (one kind, each reader's words); the monitoring notes email nobody; a held incident is one notice
to the region's after-hours address, once per event, never to the customer. tests/integration/test_monitoring_cases.py
runs the same through the real handlers, table and SES."""

from __future__ import annotations

import html
import logging
import re
from datetime import UTC, datetime

from functions.notifications.logic.monitoring_email import HeldFacts, alerts_link, open_now_call, render_group_held
from functions.notifications.logic.notify_monitoring_event import notify_monitoring_event
from functions.notifications.logic.recipients import decide, plan
from functions.notifications.logic.templates import STAFF_TEMPLATES, TEMPLATES, render
from functions.notifications.models.events import CaseEventDetail, read_event
from functions.notifications.models.notifications import (
    Account,
    Contact,
    EmailFacts,
    NotificationKind,
    Recipient,
    SupportQueue,
)
from functions.shared.bus_event import BusEvent
from functions.shared.contracts import DetailType, MonitoringGroupHeld

Kind = NotificationKind
NOW = datetime(2026, 12, 8, 4, 0, tzinfo=UTC)  # Monday 23:00 US Eastern
PORTAL = "https://support.example/"
GROUP = "0123456789abcdef0123456789abcdef"
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'
AUTOMATION = {"userId": "automation", "role": "automation", "contactId": None}
ACME = Account("acme", "Acme Contact Centers", "north-america", {"c-alice": Contact("c-alice", "Alice Admin", "alice@acme.example")})


class Directory:
    def __init__(self, after_hours: str | None = "na-oncall@support.example", account: Account | None = ACME):
        self.after_hours, self.acct, self.reads = after_hours, account, []

    def account(self, account_id):
        self.reads.append(("account", account_id))
        return self.acct

    def staff(self, user_id):
        return None

    def region_managers(self, region):
        return []

    def region_queue(self, region):
        return SupportQueue(region, "na-queue@support.example")

    def region_after_hours(self, region):
        self.reads.append(("after-hours", region))
        return SupportQueue(region, self.after_hours) if self.after_hours else None


class Ledger:
    def __init__(self):
        self.sent: set[tuple[str, str]] = set()

    def claim(self, key, recipient, *, now, until):
        return (key, recipient) not in self.sent

    def mark_sent(self, key, recipient, *, now):
        self.sent.add((key, recipient))


class Mailer:
    def __init__(self):
        self.emails = []

    def send(self, email):
        self.emails.append(email)
        return "message-id"


def case_event(**fields) -> CaseEventDetail:
    base = {
        "eventKey": "0000000042#1#CaseCreated", "caseNumber": "0000000042", "accountId": "acme", "contactId": "c-alice",
        "caseType": "Support", "subject": "Monitoring: Disk C: 98% full on db01", "priority": "1-Prod Down", "status": "Open",
        "subStatus": "New", "actor": AUTOMATION, "occurredAt": "2026-12-07T15:00:00.000Z", "byCustomer": False,
        "monitoringGroupId": GROUP,
    }  # fmt: skip
    return CaseEventDetail.model_validate(base | fields)


def held(**fields) -> MonitoringGroupHeld:
    base = {
        "eventKey": f"{GROUP}#held", "groupId": GROUP, "accountId": "acme", "device": "db01", "alertCount": 3,
        "occurredAt": "2026-12-08T04:00:00.000Z", "summary": "Disk C: 98% full", "severity": "critical",
        "detectedAt": "2026-12-08T03:58:00.000Z", "opensAt": "2026-12-08T12:00:00.000Z",
    }  # fmt: skip
    return MonitoringGroupHeld.model_validate(base | fields)


def bus(model) -> BusEvent:
    return BusEvent.model_validate({"id": "e-1", "source": model.source, "detail-type": model.detail_type, "detail": model.to_bus()})


def notify(event: MonitoringGroupHeld, directory=None, ledger=None, mailer=None):
    directory, ledger, mailer = directory or Directory(), ledger or Ledger(), mailer or Mailer()
    outcome = notify_monitoring_event(
        bus(event), directory=directory, ledger=ledger, mailer=mailer, portal_url=PORTAL, now=NOW, claim_until=NOW
    )
    return outcome, mailer


def visible_text(markup: str) -> str:
    markup = re.sub(r'<div style="display:none.*?</div>', "", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


# --- a case opened from monitoring ------------------------------------------------------------------------


def test_a_monitoring_case_opened_emails_its_contact_and_the_regions_queue():
    event = case_event()
    assert decide(DetailType.CASE_CREATED, event) == (Kind.MONITORING_CASE_OPENED, ("contact", "queue"))
    decided = plan(DetailType.CASE_CREATED, event, Directory())
    assert decided is not None and decided.kind is Kind.MONITORING_CASE_OPENED
    assert [(recipient.key, recipient.email) for recipient in decided.recipients] == [
        ("contact#acme#c-alice", "alice@acme.example"),
        ("queue#north-america", "na-queue@support.example"),
    ]
    # Whoever opened it: an engineer's call from the alerts API emails the same two.
    by_engineer = case_event(actor={"userId": "u-erin", "role": "engineers", "contactId": None})
    assert decide(DetailType.CASE_CREATED, by_engineer) == (Kind.MONITORING_CASE_OPENED, ("contact", "queue"))
    # A case that is not monitoring's is as before: the contact hears of a case support opened for them.
    assert decide(DetailType.CASE_CREATED, case_event(monitoringGroupId=None)) == (Kind.CASE_OPENED, ("contact",))


def test_the_contact_and_the_queue_each_read_their_own_words():
    event, facts = case_event(), EmailFacts(actor_name="the Dedicated Support Services desk")
    contact = Recipient("contact#acme#c-alice", "Alice Admin", "alice@acme.example")
    queue = Recipient("queue#north-america", "north-america support queue", "na-queue@support.example")
    to_contact = render(Kind.MONITORING_CASE_OPENED, event, ACME, contact, facts, reference_id="ref:X", portal_url=PORTAL)
    to_queue = render(Kind.MONITORING_CASE_OPENED, event, ACME, queue, facts, reference_id="ref:X", portal_url=PORTAL)

    assert to_contact.subject == "Case 0000000042: opened from monitoring (1-Prod Down) – Monitoring: Disk C: 98% full on db01 [ref:X]"
    assert "Our monitoring detected a problem on your systems and opened case 0000000042 for you" in to_contact.text
    assert TEMPLATES[Kind.MONITORING_CASE_OPENED].ask in to_contact.text and "no owner" not in to_contact.text
    assert to_queue.subject.startswith("Case 0000000042: opened from monitoring (1-Prod Down), no owner – ")
    assert "Monitoring opened case 0000000042 (1-Prod Down) for Acme Contact Centers; it has no owner yet." in to_queue.text
    assert STAFF_TEMPLATES[Kind.MONITORING_CASE_OPENED].ask in to_queue.text
    assert "Account: Acme Contact Centers" in to_queue.text and "Account:" not in to_contact.text


def test_the_monitoring_notes_email_nobody():
    for kind in ("internal-note", "monitoring-note"):
        updated = case_event(eventKey="0000000042#2#CaseUpdated", updateId="2", updateKind=kind, excerpt="3 new alerts: ...")
        assert decide(DetailType.CASE_UPDATED, updated) is None


# --- a held incident ----------------------------------------------------------------------------------------


def test_a_held_incident_is_one_notice_to_the_regions_after_hours_address():
    ledger, directory = Ledger(), Directory()
    outcome, mailer = notify(held(), directory=directory, ledger=ledger)
    again, mailer_again = notify(held(), directory=directory, ledger=ledger)  # redelivered

    assert (outcome.sent, again.sent, again.duplicates, mailer_again.emails) == (1, 0, 1, [])
    (mail,) = mailer.emails
    assert (mail.to_address, mail.to_name) == ("na-oncall@support.example", "north-america after-hours support")
    assert ledger.sent == {(f"dss.alerts#{GROUP}#held", "after-hours#north-america")}
    assert mail.subject == "After hours: critical on db01 (Acme Contact Centers) – Disk C: 98% full"
    facts = [
        ("Device", "db01"),
        ("Summary", "Disk C: 98% full"),
        ("Severity", "critical"),
        ("Alerts", "3"),
        ("Detected", "Monday 7 December 2026, 22:58 US Eastern (EST)"),
        ("Case opens at", "Tuesday 8 December 2026, 07:00 US Eastern (EST)"),
        ("Open the case now", f"POST /alerts/groups/{GROUP}/case"),
    ]
    for separator, body in ((": ", mail.text), (" ", visible_text(mail.html))):  # the HTML's facts are a table
        for label, value in facts:
            assert f"{label}{separator}{value}" in body
        assert "https://support.example/alerts" in body
        assert "the customer has not been told" in body
    assert f"Open the alerts: {alerts_link(PORTAL)}" in mail.text
    assert open_now_call(GROUP) == f"POST /alerts/groups/{GROUP}/case"
    assert "alice@acme.example" not in mail.text  # nothing to the customer, nor about them


def test_a_region_without_an_after_hours_address_or_an_unknown_account_emails_nobody(caplog):
    caplog.set_level(logging.WARNING)
    outcome, mailer = notify(held(), directory=Directory(after_hours=None))
    assert (outcome.sent, mailer.emails) == (0, [])
    assert "no after-hours address for the region" in caplog.text
    outcome, mailer = notify(held(), directory=Directory(account=None))
    assert (outcome.sent, mailer.emails) == (0, [])


def test_what_comes_from_outside_is_escaped_and_kept_on_one_line_in_the_subject():
    account = Account("acme", HOSTILE, "north-america", {})
    mail = render_group_held(
        held(summary=f"{HOSTILE}\nSecond line", device="db01\r\nBcc: x@evil.example"),
        HeldFacts(account=account),
        Recipient("after-hours#na", "NA on call", "oncall@support.example"),
        portal_url=PORTAL,
    )
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html


def test_it_reads_the_held_incident_through_its_contract():
    detail = read_event(bus(held()))
    assert isinstance(detail, MonitoringGroupHeld) and detail.event_key == f"{GROUP}#held"
