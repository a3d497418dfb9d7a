"""Sending a change's emails: one refused email holds back neither the others nor its own retry; what the
emails say is gathered once, and only for an email actually sent; a case's managers hear of its
management escalations at most once per interval."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from functions.notifications.logic.notify_case_event import notify_case_event
from functions.notifications.models.notifications import Account, Contact, NotificationDelayed, PostedUpdate, StaffMember
from functions.shared.bus_event import BusEvent
from functions.shared.reference_id import ReferenceIds

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
DAY = timedelta(hours=24)
MANAGERS = [StaffMember("u-m1", "Mia", "mia@support.example"), StaffMember("u-m2", "Max", "max@support.example")]


class Directory:
    def __init__(self):
        self.staff_reads: list[str] = []

    def account(self, account_id):
        return Account(account_id, "Acme", "emea", {"c-alice": Contact("c-alice", "Alice Admin", "alice@acme.example")})

    def staff(self, user_id):
        self.staff_reads.append(user_id)
        return StaffMember(user_id, "Erin Engineer", "erin@support.example") if user_id == "u-erin" else None

    def region_managers(self, region):
        return MANAGERS


class Updates:
    def __init__(self, text: str | None = "No progress for a week; our agents are idle."):
        self.text, self.reads = text, 0

    def update(self, case_number, update_id):
        self.reads += 1
        return PostedUpdate("escalation-request", self.text, whole=True) if self.text else None


class Ledger:
    """The ledger's decisions as the table makes them (tests/integration/test_notifications.py runs the real one)."""

    def __init__(self):
        self.sent, self.withheld = set(), set()
        self.management: dict[str, tuple[str, datetime]] = {}  # case -> (event key, quiet until)

    def claim(self, key, recipient, *, now, until):
        return (key, recipient) not in self.sent

    def mark_sent(self, key, recipient, *, now):
        self.sent.add((key, recipient))

    def claim_management_email(self, case_number, event_key, *, occurred_at, interval):
        held = self.management.get(case_number)
        if held and held[0] != event_key and held[1] > occurred_at:
            return False
        self.management[case_number] = (event_key, occurred_at + interval)
        return True

    def record_withheld(self, event_key, *, now):
        recorded = event_key not in self.withheld
        self.withheld.add(event_key)
        return recorded


class Mailer:
    def __init__(self, refuse: set[str] = frozenset()):
        self.refuse, self.delivered, self.emails = refuse, [], []

    def send(self, email):
        if email.to_address in self.refuse:
            raise NotificationDelayed("SES refused")
        self.delivered.append(email.to_address)
        self.emails.append(email)
        return "message-id"


def escalation(version: int = 4, occurred_at: str = "2026-11-26T15:00:00.000Z", **fields) -> BusEvent:
    detail = {
        "eventKey": f"0000000001#{version}#CaseEscalated", "caseNumber": "0000000001", "accountId": "acme", "contactId": "c-alice",
        "caseType": "Support", "subject": "Agents cannot log in", "priority": "4-Low", "status": "Open", "byCustomer": True,
        "occurredAt": occurred_at, "ownerId": "u-erin",
        "actor": {"userId": "u-alice", "role": "customer-contacts", "contactId": "c-alice"},
        "escalation": "management", "region": "emea",
        "updateId": str(version), "updateKind": "escalation-request", "excerpt": "No progress for a week; our agents…",
    }  # fmt: skip
    return BusEvent.model_validate(
        {"id": f"evt-{version}", "source": "dss.cases", "detail-type": "CaseEscalated", "detail": detail | fields}
    )


EVENT = escalation()


def send(event, ledger, mailer, *, directory=None, updates=None, interval=DAY):
    return notify_case_event(
        event, directory=directory or Directory(), updates=updates or Updates(), ledger=ledger, mailer=mailer,
        references=ReferenceIds(b"k" * 32), portal_url="https://support.example", management_email_interval=interval,
        now=NOW, claim_until=NOW + timedelta(minutes=1),
    )  # fmt: skip


def test_a_refused_email_does_not_hold_back_the_others_and_is_retried_alone():
    ledger, first = Ledger(), Mailer(refuse={"mia@support.example"})
    with pytest.raises(NotificationDelayed):
        send(EVENT, ledger, first)
    assert first.delivered == ["max@support.example"]

    retry = Mailer()
    assert send(EVENT, ledger, retry).sent == 1  # the escalation holding the interval may still send
    assert retry.delivered == ["mia@support.example"]


def test_the_email_names_the_people_and_quotes_the_update_read_once_per_event():
    directory, updates, mailer = Directory(), Updates(), Mailer()
    send(EVENT, Ledger(), mailer, directory=directory, updates=updates)
    assert updates.reads == 1 and directory.staff_reads == ["u-erin"]  # the owner's name, for both managers
    email = mailer.emails[0]
    assert "Alice Admin (Acme) escalated case 0000000001" in email.text
    assert "Reason given:\n\nNo progress for a week; our agents are idle.\n" in email.text
    assert "Owner: Erin Engineer" in email.text and "u-erin" not in email.text + email.html
    assert email.subject.startswith("Case 0000000001: escalated to regional support management (emea) – Agents cannot log in [ref:")


def test_a_duplicate_delivery_reads_nothing_for_its_emails():
    ledger, updates = Ledger(), Updates()
    send(EVENT, ledger, Mailer(), updates=updates)
    directory, again = Directory(), Updates()
    outcome = send(EVENT, ledger, Mailer(), directory=directory, updates=again)
    assert (outcome.sent, outcome.duplicates) == (0, 2)
    assert again.reads == 0 and directory.staff_reads == []


def test_an_update_that_cannot_be_read_is_quoted_from_the_events_excerpt():
    mailer = Mailer()
    send(EVENT, Ledger(), mailer, updates=Updates(text=None))
    assert "Reason given:\n\nNo progress for a week; our agents…\n" in mailer.emails[0].text


def test_management_escalations_email_the_managers_at_most_once_per_interval():
    ledger, mailer = Ledger(), Mailer()
    assert send(escalation(4, "2026-11-26T15:00:00.000Z"), ledger, mailer).sent == 2
    # 23 hours later: recorded (once, however often delivered), not emailed.
    later = escalation(6, "2026-11-27T14:00:00.000Z")
    assert send(later, ledger, mailer).withheld == 1
    assert send(later, ledger, mailer).withheld == 0  # a redelivery: already recorded
    assert ledger.withheld == {"0000000001#6#CaseEscalated"}
    # The first one delivered again still counts as sent, not withheld.
    assert send(escalation(4, "2026-11-26T15:00:00.000Z"), ledger, mailer).duplicates == 2
    # 24 hours after the first: the managers hear again.
    assert send(escalation(8, "2026-11-27T15:00:00.000Z"), ledger, mailer).sent == 2
    assert len(mailer.delivered) == 4
    # Another case has its own interval.
    other = escalation(4, "2026-11-27T16:00:00.000Z", caseNumber="0000000002", eventKey="0000000002#4#CaseEscalated")
    assert send(other, ledger, mailer).sent == 2


def test_without_an_interval_every_management_escalation_is_emailed():
    ledger, mailer = Ledger(), Mailer()
    for version in (4, 5, 6):
        send(escalation(version), ledger, mailer, interval=timedelta(0))
    assert len(mailer.delivered) == 6


def test_the_interval_applies_to_management_escalations_only():
    ledger, mailer = Ledger(), Mailer()
    send(escalation(4), ledger, mailer)
    for version in (5, 6):  # High requested twice: the managers and the owner hear of each
        send(escalation(version, escalation="priority", requestedPriority="2-High"), ledger, mailer)
    assert len(mailer.delivered) == 2 + 2 * 3


def reminder(number: int, **fields) -> BusEvent:
    detail = {
        **EVENT.detail, "eventKey": "0000000001#7#CaseFollowUpReminder", "byCustomer": False, "status": "Awaiting Info",
        "actor": {"userId": "automation", "role": "automation", "contactId": None},
        "updateId": None, "updateKind": None, "excerpt": None,
        "reminder": number, "asked": "information",
        "askedAt": "2026-11-24T15:00:00.000Z", "autoCloseAt": "2026-12-08T15:00:00.000Z",
    }  # fmt: skip
    return BusEvent.model_validate({"id": f"evt-r{number}", "source": "dss.cases", "detail-type": "CaseFollowUpReminder",
                                     "detail": detail | fields})  # fmt: skip


def test_each_reminder_of_an_ask_is_sent_once_even_under_one_event_key():
    ledger, mailer = Ledger(), Mailer()
    for event in (reminder(1), reminder(1), reminder(2), reminder(2, eventKey="0000000001#8#CaseFollowUpReminder")):
        send(event, ledger, mailer)
    assert mailer.delivered == ["alice@acme.example", "alice@acme.example"]
    # A new ask is a new ladder: its reminder 1 is news again.
    send(reminder(1, askedAt="2026-12-01T15:00:00.000Z"), ledger, mailer)
    assert len(mailer.delivered) == 3


@pytest.mark.parametrize(
    ("detail_type", "missing"),
    [
        ("CaseFollowUpReminder", {"autoCloseAt": None}),
        ("CaseFollowUpReminder", {"asked": "something-else"}),
        ("CaseFollowUpReminder", {"reminder": 3}),
        ("CaseFollowUpReminder", {"askedAt": "2026-11-24T15:00:00"}),  # no zone: not a moment
        ("CaseResponseOverdue", {"level": None}),
        ("CaseFollowUpReminder", {"updateId": "../7"}),  # not an update id
    ],
)
def test_a_timer_event_without_what_its_email_says_fails_to_its_queue(detail_type, missing):
    event = reminder(1, **({"level": "owner", "responseDueAt": "2026-11-24T15:00:00.000Z"} | missing))
    with pytest.raises(ValidationError):
        send(event.model_copy(update={"detail_type": detail_type}), Ledger(), Mailer())
