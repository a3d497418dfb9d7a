"""What the intake rules read from the store besides cases, and the store's domain-level refusals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from functions.shared.dal.directory import ContactEntry


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    region: str
    contacts: dict[str, ContactEntry]  # contact id -> what the directory keeps of the contact
    emergency_contact_ids: tuple[str, ...] = field(default=())  # who is called on an alert, in order


class MonitoringCaseExists(Exception):
    """The incident's case was opened already (its claim item exists): a duplicate delivery, or a concurrent one."""


class BehindGaCaseOpen(Exception):
    """The account's behind-GA claim was taken by another case meanwhile."""


class EventAlreadyApplied(Exception):
    """The case already holds this event's change (its mark exists): a duplicate delivery."""


class IdempotencyKeyTaken(Exception):
    """Another request with the same Idempotency-Key committed first."""


class StaleCase(Exception):
    """The case changed since it was read: someone else's change committed first."""


@dataclass(frozen=True)
class QuotaMarker:
    """An entitlement an installation case uses (functions/cases/dal/tables.py QuotaItem)."""

    sort_key: str  # <kind>#<period's first day>#<slot>
    case_number: str  # "" until the case that takes it is numbered
    period: str  # what it is, in words: "Release upgrade, Q4 2026"
    requested_at: datetime


class QuotaTaken(Exception):
    """Another installation took the entitlement first."""


class ResolvedCaseChanged(Exception):
    """A case the installation closes changed since it was read."""

    def __init__(self, case_number: str):
        super().__init__(case_number)
        self.case_number = case_number
