"""The emails of a maintenance window (functions/notifications/logic/notify_maintenance_event.py, maintenance_email.py):
its start and its end each email the maintenance case's contact once, clear in plain text and in HTML (the case, its
Reference ID and link, the times in US Eastern, what was silenced, what to do); its scheduling and cancelling email
nobody; a closed, missing or other account's case, or a contact the directory does not know, emails nobody.
tests/integration/test_maintenance_cases.py runs the same through the real handlers, table and SES."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

from functions.alerts.models import maintenance as alerts_maintenance
from functions.notifications.logic import maintenance_email
from functions.notifications.logic.maintenance_email import render_maintenance
from functions.notifications.logic.notify_maintenance_event import notify_maintenance_event
from functions.notifications.models.delivery import SUBSCRIBED_MONITORING_DETAIL_TYPES
from functions.notifications.models.events import read_event
from functions.notifications.models.notifications import Account, CaseContact, Contact, Recipient
from functions.shared.bus_event import BusEvent
from functions.shared.contracts import (
    MaintenanceWindowCancelled,
    MaintenanceWindowEnded,
    MaintenanceWindowEvent,
    MaintenanceWindowScheduled,
    MaintenanceWindowStarted,
)
from tests.unit.test_monitoring_notifications import HOSTILE, Ledger, Mailer, visible_text

NOW = datetime(2026, 12, 12, 13, 0, tzinfo=UTC)
PORTAL = "https://support.example/"
REF = "ref:ABCDEFGHIJKLMNOP"
WINDOW_ID = "0123456789abcdef0123456789abcdef"
AUTOMATION = {"userId": "automation", "role": "automation"}
ALICE = Contact("c-alice", "Alice Admin", "alice@acme.example")
ACME = Account("acme", "Acme Contact Centers", "north-america", {"c-alice": ALICE})
TO_ALICE = Recipient("contact#acme#c-alice", "Alice Admin", "alice@acme.example")


def event(model: type[MaintenanceWindowEvent], version: int = 2, **fields) -> MaintenanceWindowEvent:
    detail = {
        "eventKey": f"alerts:{WINDOW_ID}:{version}:{model.detail_type.value}", "windowId": WINDOW_ID, "accountId": "acme",
        "caseNumber": "0000000042", "startsAt": "2026-12-12T13:00:00.000Z", "endsAt": "2026-12-12T17:00:00.000Z",
        "devices": ["ic-01", "ic-02"], "actor": AUTOMATION, "occurredAt": "2026-12-12T13:00:00.000Z",
    }  # fmt: skip
    return model.model_validate(detail | fields)


def started(**fields) -> MaintenanceWindowStarted:
    found = event(MaintenanceWindowStarted, **fields)
    assert isinstance(found, MaintenanceWindowStarted)
    return found


def ended(**fields) -> MaintenanceWindowEnded:
    lines = [
        {"dedupKey": f"ic-01/check-{n}", "device": "ic-01", "severity": "error", "summary": f"Check {n} failing",
         "firstTriggeredAt": "2026-12-12T13:05:00.000Z"}
        for n in range(2)
    ]  # fmt: skip
    counts = {"suppressedCount": 37, "suppressedAlerts": lines, "stillFiringCount": 1, "occurredAt": "2026-12-12T17:10:00.000Z"}
    found = event(MaintenanceWindowEnded, 3, **(counts | fields))
    assert isinstance(found, MaintenanceWindowEnded)
    return found


class Cases:
    def __init__(self, case: CaseContact | None = CaseContact("0000000042", "acme", "c-alice", closed=False)):
        self.found, self.reads = case, []

    def case(self, case_number):
        self.reads.append(case_number)
        return self.found


class Directory:
    def __init__(self, account: Account | None = ACME):
        self.found = account

    def account(self, account_id):
        return self.found


class References:
    def reference_id(self, case_number):
        return REF


def notify(detail, *, cases=None, directory=None, ledger=None, mailer=None):
    return notify_maintenance_event(
        detail,
        cases=cases or Cases(),
        directory=directory or Directory(),
        ledger=ledger if ledger is not None else Ledger(),
        mailer=mailer if mailer is not None else Mailer(),
        references=References(),  # type: ignore[arg-type]
        portal_url=PORTAL,
        now=NOW,
        claim_until=NOW + timedelta(minutes=1),
    )


def test_the_start_and_the_end_email_the_case_contact_once_each():
    ledger, mailer = Ledger(), Mailer()
    for detail in (started(), ended(), started(), ended()):  # each delivered twice
        notify(detail, ledger=ledger, mailer=mailer)

    assert [email.to_address for email in mailer.emails] == ["alice@acme.example"] * 2
    assert ledger.sent == {
        (f"dss.alerts#alerts:{WINDOW_ID}:2:MaintenanceWindowStarted", "contact#acme#c-alice"),
        (f"dss.alerts#alerts:{WINDOW_ID}:3:MaintenanceWindowEnded", "contact#acme#c-alice"),
    }


def test_the_start_says_what_is_silenced_until_when_and_what_to_do():
    mail = render_maintenance(started(), TO_ALICE, reference_id=REF, portal_url=PORTAL)

    assert mail.subject == f"Case 0000000042: maintenance mode is on until Saturday 12 December 2026, 12:00 US Eastern (EST) [{REF}]"
    for body in (mail.text, visible_text(mail.html)):
        assert "Maintenance mode is on" in body and "Hello Alice Admin," in body
        assert (
            "As your case 0000000042 asked, monitoring of ic-01, ic-02 is in maintenance mode from Saturday 12 December 2026, "
            "08:00 US Eastern (EST) until Saturday 12 December 2026, 12:00 US Eastern (EST): alerts are recorded but notify "
            "nobody, neither the support team nor you."
        ) in body
        assert "Alerts still firing 10 minutes after the end go to the support team as usual." in body
        assert "If the maintenance will last beyond Saturday 12 December 2026, 12:00 US Eastern (EST), tell us on the case" in body
        assert "Saturday 12 December 2026, 12:10 US Eastern (EST)" in body  # when alerts still firing reach support
        assert REF in body and "https://support.example/cases/0000000042" in body
    assert "Devices: ic-01, ic-02" in mail.text
    every = render_maintenance(started(devices=None), TO_ALICE, reference_id=REF, portal_url=PORTAL)
    assert "monitoring of all your devices is in maintenance mode" in every.text and "Devices: All devices of the account" in every.text


def test_the_end_says_what_was_recorded_and_what_went_to_the_support_team():
    mail = render_maintenance(ended(), TO_ALICE, reference_id=REF, portal_url=PORTAL)

    assert mail.subject == f"Case 0000000042: maintenance mode has ended – 37 alerts silenced [{REF}]"
    for body in (mail.text, visible_text(mail.html)):
        assert "37 alert events were recorded and silenced while it was on." in body
        assert "1 alert was still firing at the end and was handed to the support team, as new alerts." in body
        assert "The first 2 alerts recorded" in body
        assert "[error] ic-01: Check 1 failing (first fired Saturday 12 December 2026, 08:05 US Eastern (EST))" in body
        assert "Alert events silenced" in body and "Still firing at the end" in body
    quiet = render_maintenance(
        ended(suppressedCount=0, suppressedAlerts=[], stillFiringCount=0), TO_ALICE, reference_id=REF, portal_url=PORTAL
    )
    assert quiet.subject.startswith("Case 0000000042: maintenance mode has ended – nothing silenced")
    assert "no monitoring alert fired while it was on." in quiet.text and "monitoring notifies as usual again" in quiet.text
    assert "alerts recorded" not in quiet.text


def test_text_from_outside_is_escaped_in_the_html_and_kept_on_one_line_in_headers():
    hostile = Recipient("contact#acme#c-alice", f"Alice\r\nBcc: x@evil.example {HOSTILE}", "alice@acme.example")
    line = {"dedupKey": "k", "device": "ic-01", "severity": "critical", "summary": HOSTILE, "firstTriggeredAt": "2026-12-12T13:05:00.000Z"}
    mail = render_maintenance(ended(suppressedAlerts=[line]), hostile, reference_id=REF, portal_url=PORTAL)

    assert "<script>" not in mail.html and html.escape(HOSTILE) in mail.html
    assert "\n" not in mail.to_name and "\r" not in mail.to_name and "\n" not in mail.subject
    assert 'lang="en"' in mail.html


def test_scheduling_and_cancelling_email_nobody_and_are_not_taken_off_the_bus():
    assert set(SUBSCRIBED_MONITORING_DETAIL_TYPES) == {"MonitoringGroupHeld", "MaintenanceWindowStarted", "MaintenanceWindowEnded"}
    for model in (MaintenanceWindowScheduled, MaintenanceWindowCancelled):
        envelope = BusEvent.model_validate(
            {"id": "e1", "source": "dss.alerts", "detail-type": model.detail_type.value, "detail": event(model).to_bus()}
        )
        assert read_event(envelope) is None
    for detail in (started(), ended()):
        envelope = BusEvent.model_validate(
            {"id": "e1", "source": "dss.alerts", "detail-type": detail.detail_type.value, "detail": detail.to_bus()}
        )
        assert read_event(envelope) == detail


def test_a_closed_missing_or_other_accounts_case_or_an_unknown_contact_emails_nobody():
    for cases, directory in (
        (Cases(CaseContact("0000000042", "acme", "c-alice", closed=True)), Directory()),
        (Cases(None), Directory()),
        (Cases(CaseContact("0000000042", "globex", "c-gina", closed=False)), Directory()),
        (Cases(CaseContact("0000000042", "acme", "c-gone", closed=False)), Directory()),
        (Cases(), Directory(None)),
    ):
        mailer = Mailer()
        assert notify(started(), cases=cases, directory=directory, mailer=mailer).sent == 0
        assert mailer.emails == []


def test_the_settle_time_is_the_alerts_domains():
    assert maintenance_email.END_SETTLE == alerts_maintenance.END_SETTLE
