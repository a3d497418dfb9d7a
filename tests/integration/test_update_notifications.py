"""The emails of platform updates end to end under moto: the events, built from their contract models as their
domains publish them, reach the real notifications handler as SQS batches (or through the bus, its rule and the
queue), which reads the directory's names from the table, and the emails land in moto's SES.

- a case the cases domain closed as Resolved in an installation case's transaction (CaseClosed with resolvedByCase):
  its contact gets one email that names the installation case and links it, and says how to reopen;
- the installation case's CaseCreated (opened by an engineer for a contact): the normal new-case email, which says
  what is installed and which cases it closed;
- the updates domain's WindowsUpdateValidationOverdue and WindowsUpdatesReminder: one email each to the Testing
  Department's address (TESTING_DEPARTMENT_EMAIL); none, and no failure, while no address is configured."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import boto3
import pytest

from functions.notifications.handlers.handle_case_events import lambda_handler
from functions.notifications.models.delivery import BATCH_SIZE, FUNCTION_TIMEOUT_SECONDS
from functions.shared.auth import AUTOMATION_ROLE, Group
from functions.shared.contracts import (
    Actor,
    CaseClosed,
    CaseCreated,
    EventDetail,
    InstallationNotice,
    WindowsUpdatesReminder,
    WindowsUpdateValidationOverdue,
)
from functions.shared.dal.secrets import secret_bytes
from functions.shared.environment import reset_environment
from functions.shared.reference_id import ReferenceIds
from local.event_sources import SqsEventSource

ALICE, CAROL = "alice@acme.example", "carol@acme.example"
TESTING = "testing@support.example"
ERIN_ENGINEER = Actor(user_id="u-erin", role=Group.ENGINEER.value)
AUTOMATION = Actor(user_id=AUTOMATION_ROLE, role=AUTOMATION_ROLE)  # a schedule of the updates domain
OCCURRED = datetime(2026, 12, 8, 20, 0, tzinfo=UTC)  # Tuesday 15:00 US Eastern
RESOLVED, INSTALLATION = "0002068177", "0002068200"  # Alice's case, and the installation case opened for Carol
SUBJECT = "Agents cannot log in after the Windows update"
# The closure's comment, as the cases domain posts it (functions/cases/logic/lifecycle.py close_by_installation).
COMMENT = (
    f"Closed as Resolved: the installation of KB5034441 (case {INSTALLATION}) resolves it. If the problem remains after the "
    "installation, reopen this case within 30 days with what you see."
)


def envelope(detail: EventDetail) -> str:
    """An event as the bus delivers it (the message body); each delivery is a new EventBridge event."""
    announced = detail.domain_event()
    return json.dumps(
        {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": announced.detail_type,
            "source": announced.source,
            "account": "123456789012",
            "time": "2026-12-08T20:00:00Z",
            "region": "us-east-1",
            "resources": [],
            "detail": announced.detail,
        }
    )


def case_fields(number: str, contact_id: str, **fields) -> dict:
    return {
        "case_number": number,
        "event_key": f"{number}#5#{fields.pop('detail_type', 'CaseClosed')}",
        "account_id": "acme",
        "contact_id": contact_id,
        "subject": SUBJECT,
        "priority": "4-Low",
        "owner_id": "u-erin",
        "actor": ERIN_ENGINEER,
        "occurred_at": OCCURRED,
        "by_customer": False,
        "version": 5,
        "channel": "portal",
        **fields,
    }


def resolved_case() -> CaseClosed:
    """Alice's case, closed as Resolved in the installation case's transaction (the engineer who requested it acts)."""
    return CaseClosed(
        **case_fields(
            RESOLVED, "c-alice", case_type="Support", status="Closed", sub_status="Resolved", changed_fields=["status", "subStatus"],
            purge_files_after=OCCURRED + timedelta(days=30), resolved_by_case=INSTALLATION, update_id="4",
            update_kind="closure-comment", excerpt=COMMENT,
        )
    )  # fmt: skip


def installation_case() -> CaseCreated:
    notice = InstallationNotice(kind="windows-update", reason="known-scr", target="KB5034441", resolves_cases=[RESOLVED])
    return CaseCreated(
        **case_fields(
            INSTALLATION, "c-carol", detail_type="CaseCreated", case_type="Service Request", status="Open",
            sub_status="Investigation", version=1, channel="phone", installation=notice,
        )
    )  # fmt: skip


def overdue() -> WindowsUpdateValidationOverdue:
    return WindowsUpdateValidationOverdue(
        event_key="KB5034441#2#WindowsUpdateValidationOverdue",
        occurred_at=OCCURRED,
        actor=AUTOMATION,
        kb="KB5034441",
        title="2026-12 Cumulative Update for Windows Server 2022",
        classification="Critical",
        severity="Critical",
        released_on=date(2026, 12, 1),
        expected_on=date(2026, 12, 8),
        status="pending-validation",
    )


def reminder() -> WindowsUpdatesReminder:
    return WindowsUpdatesReminder(
        event_key="windows-updates-reminder#2026-12-08", occurred_at=OCCURRED, actor=AUTOMATION, patch_tuesday=date(2026, 12, 8), pending=3
    )


def mails(local_aws, to: str | None = None) -> list[dict]:
    return [
        mail | {"subject": " ".join(mail["subject"].split()), "text": mail["text"].replace("\r\n", "\n")}
        for mail in local_aws.sent_mail(to)
    ]


def delivered(local_aws, *bodies: str) -> list[dict]:
    """The emails one batch of these events sent; every record handled."""
    before = len(mails(local_aws))
    assert local_aws.deliver(list(bodies)) == {"batchItemFailures": []}
    return mails(local_aws)[before:]


@pytest.fixture
def testing_department(local_aws, monkeypatch):
    monkeypatch.setenv("TESTING_DEPARTMENT_EMAIL", TESTING)
    reset_environment()
    return local_aws


def test_a_case_resolved_by_an_installation_emails_its_contact_once_naming_the_installation_case(local_aws):
    closed, opened = envelope(resolved_case()), envelope(installation_case())
    sent = delivered(local_aws, closed, opened, closed)  # the closure delivered twice, with the installation's creation

    (mail,) = [mail for mail in sent if ALICE in mail["to"]]
    ref = ReferenceIds(secret_bytes(local_aws.resources.reference_secret_arn)).reference_id(RESOLVED)
    portal = local_aws.resources.portal_url
    assert mail["subject"] == f"Case {RESOLVED}: closed, resolved by installation case {INSTALLATION} – {SUBJECT} [{ref}]"
    assert (
        f"Case {RESOLVED} was closed as Resolved because the installation made in case {INSTALLATION}, requested by "
        "Erin Engineer (Dedicated Support Services), resolves it." in mail["text"]
    )
    assert f"Installation case {INSTALLATION}: {portal}/cases/{INSTALLATION}\n" in mail["text"]
    assert f'<a href="{portal}/cases/{INSTALLATION}"' in mail["html"] and f'<a href="{portal}/cases/{RESOLVED}"' in mail["html"]
    assert "reopen this case within 30 days with new information" in mail["text"] and "within 30 days" in mail["html"]
    assert f"Closure comment:\n\n{COMMENT}\n" in mail["text"]  # the update is not in the table here: the event's excerpt
    assert "closed (Resolved)" not in mail["subject"] and mail["subject"].count("closed") == 1  # not the generic closure's

    # The installation case's contact hears of the new case: what it installs, and the case it closed.
    (new_case,) = [mail for mail in sent if CAROL in mail["to"]]
    assert new_case["subject"].startswith(f"Case {INSTALLATION}: opened for you – ")
    assert "It installs KB5034441 (Windows updates validated by the Testing Department" in new_case["text"]
    assert f"The installation resolves case {RESOLVED}, closed as Resolved when this case was opened." in new_case["text"]
    assert len(sent) == 2

    assert delivered(local_aws, closed, opened) == []  # delivered again later: nothing more


def test_the_testing_department_gets_the_overdue_and_the_reminder_emails_once_each(testing_department):
    local_aws, portal = testing_department, testing_department.resources.portal_url
    late, patch_tuesday = overdue(), reminder()
    sent = delivered(local_aws, envelope(late), envelope(patch_tuesday), envelope(late))

    assert [mail["to"] for mail in sent] == [[TESTING], [TESTING]]
    warning, monthly = sent
    assert warning["subject"].startswith("Windows update KB5034441 overdue for validation (Critical) – 2026-12 Cumulative Update")
    for words in (
        "Microsoft update KB5034441 (Critical, severity Critical), released on Tuesday 1 December 2026",
        "expected to be validated or rejected by Tuesday 8 December 2026 and is still pending validation",
        "POST /maintenance/windows-updates/KB5034441/validate",
        "POST /maintenance/windows-updates/KB5034441/reject",
        f"{portal}/maintenance/windows-updates",
        "Hello Testing Department,",
    ):
        assert words in warning["text"] and words in warning["html"], words
    assert monthly["subject"] == "Patch Tuesday December 2026: record this month's Microsoft updates (3 pending validation)"
    assert "3 recorded updates are still pending validation." in monthly["text"]
    assert f'<a href="{portal}/maintenance/windows-updates"' in monthly["html"]

    # Redelivered (new EventBridge envelopes, the same events): nothing more.
    assert delivered(local_aws, envelope(late), envelope(patch_tuesday)) == []


def test_without_a_testing_department_address_nothing_is_sent_and_nothing_fails(local_aws, monkeypatch, caplog):
    monkeypatch.delenv("TESTING_DEPARTMENT_EMAIL", raising=False)
    reset_environment()
    assert delivered(local_aws, envelope(overdue()), envelope(reminder())) == []
    assert caplog.text.count("no Testing Department address configured") == 2


def test_the_bus_routes_the_testing_departments_events_to_the_notifications_queue(testing_department):
    local_aws, resources = testing_department, testing_department.resources
    events = boto3.client("events")
    for detail in (overdue(), reminder()):
        announced = detail.domain_event()
        entry = {"Source": announced.source, "DetailType": announced.detail_type, "Detail": json.dumps(announced.detail)}
        assert events.put_events(Entries=[entry | {"EventBusName": resources.event_bus_name}])["FailedEntryCount"] == 0
    source = SqsEventSource(
        resources.notifications_queue_url,
        resources.notifications_queue_arn,
        lambda_handler,
        function_name="notifications",
        batch_size=BATCH_SIZE,
        timeout_seconds=FUNCTION_TIMEOUT_SECONDS,
    )
    while source.poll_once():
        pass

    assert [mail["to"] for mail in mails(local_aws)] == [[TESTING], [TESTING]]
