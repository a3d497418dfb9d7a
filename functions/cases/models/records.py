"""What the intake rules read from the store besides cases, and the store's domain-level refusals."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    region: str
    contacts: dict  # contact id -> {"name", "email", "macAuthorized"}


class IdempotencyKeyTaken(Exception):
    """Another request with the same Idempotency-Key committed first."""


class StaleCase(Exception):
    """The case changed since it was read: someone else's change committed first."""
