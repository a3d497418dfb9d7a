"""Sending a change's emails: one refused email holds back neither the others nor its own retry."""

from datetime import UTC, datetime, timedelta

import pytest

from functions.notifications.logic.notify_case_event import notify_case_event
from functions.notifications.models.events import CaseEvent
from functions.notifications.models.notifications import Account, NotificationDelayed, StaffMember
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


EVENT = CaseEvent.model_validate(
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
