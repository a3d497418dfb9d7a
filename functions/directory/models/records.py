"""The directory store's domain-level refusals (raised by the dal, turned into answers by the logic)."""

from __future__ import annotations


class AccountExists(Exception):
    """An account with this id is already in the directory."""


class IdempotencyKeyTaken(Exception):
    """Another request with the same Idempotency-Key committed first."""


class StaleAccount(Exception):
    """The account changed since it was read: someone else's change committed first."""


class StaleRegion(Exception):
    """The region changed since it was read: someone else's change committed first."""


class EmailTaken(Exception):
    """The email address is another contact's (the pool signs in by email: one address, one contact)."""


class IdentityTaken(Exception):
    """The user pool has a user with this email that is another contact's."""


class IdentityUnavailable(Exception):
    """Cognito refused or failed a call; the step can be retried."""
