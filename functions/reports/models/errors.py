"""What the reports dal tells its logic when a write's condition fails."""

from __future__ import annotations


class StaleSubscription(Exception):
    """The subscription changed (or was created, or deleted) since it was read: decide again."""


class IdempotencyKeyTaken(Exception):
    """A concurrent request with the same Idempotency-Key won: answer with its result."""


class ReportDelayed(Exception):
    """A report could not be sent now (SES, S3, DynamoDB): the dispatcher's next run, or the queue, tries again."""
