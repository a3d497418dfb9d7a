"""Sending a change's emails: one refused email holds back neither the others nor its own retry."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from functions.notifications.logic.notify_case_event import notify_case_event
from functions.notifications.models.notifications import Account, Contact, NotificationDelayed, StaffMember
from functions.shared.bus_event import BusEvent
from functions.shared.reference_id import ReferenceIds

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
MANAGERS = [StaffMember("u-m1", "Mia", "mia@support.example"), StaffMember("u-m2", "Max", "max@support.example")]


class Directory:
    def account(self, account_id):
        return Account(account_id, "Acme", "emea")

    def staff(self, user_id):
        return None

    def region_managers(self, region):
        return MANAGERS


class Ledger:
    def __init__(self):
        self.sent = set()

    def claim(self, key, recipient, *, now, until):
        return (key, recipient) not in self.sent

    def mark_sent(self, key, recipient, *, now):
        self.sent.add((key, recipient))


class Mailer:
    def __init__(self, refuse: set[str]):
        self.refuse, self.delivered = refuse, []

    def send(self, email):
        if email.to_address in self.refuse:
            raise NotificationDelayed("SES refused")
        self.delivered.append(email.to_address)
        return "message-id"


EVENT = BusEvent.model_validate(
    {
        "id": "evt-1",
        "source": "dss.cases",
        "detail-type": "CaseEscalated",
        "detail": {
            "eventKey": "0000000001#4#CaseEscalated", "caseNumber": "0000000001", "accountId": "acme", "contactId": "c-alice",
            "caseType": "Support", "priority": "4-Low", "status": "Open", "byCustomer": True, "occurredAt": "2026-11-26T15:00:00.000Z",
            "actor": {"userId": "u-alice", "role": "customer-contacts", "contactId": "c-alice"},
            "escalation": "management", "region": "emea", "reason": "No progress.",
        },
    }
)  # fmt: skip


def send(ledger, mailer):
    return notify_case_event(
        EVENT, directory=Directory(), ledger=ledger, mailer=mailer, references=ReferenceIds(b"k" * 32),
        portal_url="https://support.example", now=NOW, claim_until=NOW + timedelta(minutes=1),
    )  # fmt: skip


def test_a_refused_email_does_not_hold_back_the_others_and_is_retried_alone():
    ledger, first = Ledger(), Mailer(refuse={"mia@support.example"})
    with pytest.raises(NotificationDelayed):
        send(ledger, first)
    assert first.delivered == ["max@support.example"]

    retry = Mailer(refuse=set())
    send(ledger, retry)
    assert retry.delivered == ["mia@support.example"]


class ContactDirectory(Directory):
    def account(self, account_id):
        return Account(account_id, "Acme", "emea", {"c-alice": Contact("c-alice", "Alice", "alice@acme.example")})


def reminder(number: int, **fields) -> BusEvent:
    detail = {
        **EVENT.detail, "eventKey": "0000000001#7#CaseFollowUpReminder", "byCustomer": False, "status": "Awaiting Info",
        "actor": {"userId": "automation", "role": "automation", "contactId": None},
        "reminder": number, "asked": "information",
        "askedAt": "2026-11-24T15:00:00.000Z", "autoCloseAt": "2026-12-08T15:00:00.000Z",
    }  # fmt: skip
    return BusEvent.model_validate({"id": f"evt-r{number}", "source": "dss.cases", "detail-type": "CaseFollowUpReminder",
                                     "detail": detail | fields})  # fmt: skip


def deliver(event, ledger, mailer):
    return notify_case_event(
        event, directory=ContactDirectory(), ledger=ledger, mailer=mailer, references=ReferenceIds(b"k" * 32),
        portal_url="https://support.example", now=NOW, claim_until=NOW + timedelta(minutes=1),
    )  # fmt: skip


def test_each_reminder_of_an_ask_is_sent_once_even_under_one_event_key():
    ledger, mailer = Ledger(), Mailer(refuse=set())
    for event in (reminder(1), reminder(1), reminder(2), reminder(2, eventKey="0000000001#8#CaseFollowUpReminder")):
        deliver(event, ledger, mailer)
    assert mailer.delivered == ["alice@acme.example", "alice@acme.example"]
    # A new ask is a new ladder: its reminder 1 is news again.
    deliver(reminder(1, askedAt="2026-12-01T15:00:00.000Z"), ledger, mailer)
    assert len(mailer.delivered) == 3


@pytest.mark.parametrize(
    ("detail_type", "missing"),
    [
        ("CaseFollowUpReminder", {"autoCloseAt": None}),
        ("CaseFollowUpReminder", {"asked": "something-else"}),
        ("CaseFollowUpReminder", {"reminder": 3}),
        ("CaseFollowUpReminder", {"askedAt": "2026-11-24T15:00:00"}),  # no zone: not a moment
        ("CaseResponseOverdue", {"level": None}),
    ],
)
def test_a_timer_event_without_what_its_email_says_fails_to_its_queue(detail_type, missing):
    event = reminder(1, **({"level": "owner", "responseDueAt": "2026-11-24T15:00:00.000Z"} | missing))
    with pytest.raises(ValidationError):
        deliver(event.model_copy(update={"detail_type": detail_type}), Ledger(), Mailer(refuse=set()))
