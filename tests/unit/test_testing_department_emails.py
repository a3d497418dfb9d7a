"""The Testing Department's emails (a critical Windows update overdue for validation, the Patch Tuesday reminder):
what they say, in plain text and HTML alike, built for mail clients and escaped; and that no address configured
sends nothing and fails nothing."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

from functions.notifications.logic.notify_updates_event import notify_updates_event
from functions.notifications.logic.testing_department_email import render_testing_department
from functions.notifications.models.notifications import Recipient
from functions.shared.bus_event import BusEvent
from functions.shared.contracts import Actor, WindowsUpdatesReminder, WindowsUpdateValidationOverdue

PORTAL = "https://support.example/"
PAGE = "https://support.example/maintenance/windows-updates"
TESTING = Recipient("testing-department", "Testing Department", "testing@support.example")
AUTOMATION = Actor(user_id="automation", role="automation")
NOW = datetime(2026, 12, 8, 20, 0, tzinfo=UTC)


def overdue(**fields) -> WindowsUpdateValidationOverdue:
    values = {
        "event_key": "KB5034441#3#WindowsUpdateValidationOverdue",
        "occurred_at": NOW,
        "actor": AUTOMATION,
        "kb": "KB5034441",
        "title": "2026-12 Security Update for Windows Server <2022> & more",
        "classification": "Critical",
        "severity": "Important",
        "released_on": date(2026, 12, 1),
        "expected_on": date(2026, 12, 8),
        "status": "pending-validation",
    }
    return WindowsUpdateValidationOverdue(**(values | fields))


def reminder(pending: int = 4) -> WindowsUpdatesReminder:
    return WindowsUpdatesReminder(
        event_key="patch-tuesday#2026-12-08", occurred_at=NOW, actor=AUTOMATION, patch_tuesday=date(2026, 12, 8), pending=pending
    )


def visible_text(markup: str) -> str:
    markup = re.sub(r'<div style="display:none.*?</div>', "", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def test_the_overdue_email_names_the_update_its_dates_and_how_to_decide_it():
    mail = render_testing_department(overdue(), TESTING, portal_url=PORTAL)
    assert mail.to_address == "testing@support.example"
    assert mail.subject.startswith("Windows update KB5034441 overdue for validation (Critical) – 2026-12 Security Update")
    for body in (mail.text, visible_text(mail.html)):
        assert "Microsoft update KB5034441 (Critical, severity Important), released on Tuesday 1 December 2026" in body
        assert "expected to be validated or rejected by Tuesday 8 December 2026 and is still pending validation" in body
        assert "POST /maintenance/windows-updates/KB5034441/validate" in body
        assert "POST /maintenance/windows-updates/KB5034441/reject" in body
        assert PAGE in body and "Windows Server <2022> & more" in body
    assert "&lt;2022&gt; &amp; more" in mail.html and "<2022>" not in mail.html
    assert set(re.findall(r'href="([^"]+)"', mail.html)) == {PAGE}
    assert "Reference ID" not in mail.text


def test_an_overdue_update_without_a_severity_says_so():
    mail = render_testing_department(overdue(severity=None), TESTING, portal_url=PORTAL)
    assert "severity not given" in mail.text


def test_the_patch_tuesday_reminder_asks_to_record_the_months_updates_and_counts_the_pending():
    mail = render_testing_department(reminder(), TESTING, portal_url=PORTAL)
    assert mail.subject == "Patch Tuesday December 2026: record this month's Microsoft updates (4 pending validation)"
    for body in (mail.text, visible_text(mail.html)):
        assert "Today, Tuesday 8 December 2026, is Patch Tuesday" in body
        assert "4 recorded updates are still pending validation." in body
        assert "Record each of this month's Microsoft updates" in body and PAGE in body
    assert "No recorded update is still pending" in render_testing_department(reminder(0), TESTING, portal_url=PORTAL).text
    assert "1 recorded update is still pending" in render_testing_department(reminder(1), TESTING, portal_url=PORTAL).text


class Refuses:
    """A ledger and a mailer that must not be used."""

    def claim(self, *args, **kwargs):
        raise AssertionError("claimed")

    def mark_sent(self, *args, **kwargs):
        raise AssertionError("marked")

    def send(self, email):
        raise AssertionError("sent")


def test_no_address_configured_sends_nothing_and_fails_nothing(caplog):
    announced = overdue().domain_event()
    event = BusEvent.model_validate(
        {"id": "e-1", "source": announced.source, "detail-type": announced.detail_type, "detail": announced.detail, "time": NOW}
    )
    outcome = notify_updates_event(
        event, testing_department_email=None, ledger=Refuses(), mailer=Refuses(), portal_url=PORTAL, now=NOW, claim_until=NOW
    )
    assert outcome.sent == 0 and outcome.duplicates == 0
    assert "no Testing Department address configured" in caplog.text
