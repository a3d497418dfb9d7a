"""What the updates dal tells its logic when a write's condition fails or a collaborator is down."""

from __future__ import annotations


class StaleItem(Exception):
    """The item changed (or was created) since it was read: decide again."""


class AlreadyExists(Exception):
    """The item to create is there already."""


class IdempotencyKeyTaken(Exception):
    """A concurrent request with the same Idempotency-Key won: answer with its result."""


class AlreadyDone(Exception):
    """A job's marker says this run (this KB's overdue notice, this month's reminder, this week's check) was written."""


class NoLongerPending(Exception):
    """The Windows update was decided since it was read."""
