"""What the reports domain reads and keeps, before it becomes an answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from functions.shared.dal.directory import ContactEntry


@dataclass(frozen=True)
class CaseRow:
    """A case as the report indexes project it (functions/cases/dal/tables.py REPORT_PROJECTION)."""

    case_number: str
    subject: str
    case_type: str
    priority: str
    status: str
    sub_status: str | None
    contact_id: str
    owner_id: str | None
    created_at: datetime
    closed_at: datetime | None
    first_response_at: datetime | None
    response_due_at: datetime | None
    next_automated_action: dict[str, Any] | None


@dataclass(frozen=True)
class Tally:
    """Cases opened and closed in one bucket (a week, a month, a quarter) of an account, kept from the case events."""

    opened: int = 0
    closed: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.opened + other.opened, self.closed + other.closed)


@dataclass
class ReadCount:
    """What a report read: Query calls and the items they evaluated (the bench's and the tests' budget)."""

    queries: int = 0
    items: int = 0
    by_section: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AccountFacts:
    """What a report needs of the directory's account: its name, and its contacts (who may receive at once)."""

    account_id: str
    name: str
    contacts: dict[str, ContactEntry]

    def contact_with(self, email: str) -> str | None:
        """The id of the account's contact (not disabled) with this address."""
        return next((contact_id for contact_id, entry in self.contacts.items() if entry.may_sign_in and entry.email.lower() == email), None)


class Claim(StrEnum):
    """A claim on one email (functions/reports/dal/report_store.py claim_send)."""

    CLAIMED = "claimed"  # this invocation sends it
    SENT = "sent"  # sent already
    BUSY = "busy"  # another invocation's claim holds it (it sends it, or its claim ends)
