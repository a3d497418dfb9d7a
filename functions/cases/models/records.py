"""What the intake rules read from the store besides cases, and the store's domain-level refusals."""

from __future__ import annotations

from dataclasses import dataclass, field
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


class EventAlreadyApplied(Exception):
    """The case already holds this event's change (its mark exists): a duplicate delivery."""


class IdempotencyKeyTaken(Exception):
    """Another request with the same Idempotency-Key committed first."""


class StaleCase(Exception):
    """The case changed since it was read: someone else's change committed first."""
