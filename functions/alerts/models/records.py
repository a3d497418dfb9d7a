"""The alerts store's domain-level refusals (raised by the dal, turned into answers by the logic)."""

from __future__ import annotations


class IdempotencyKeyTaken(Exception):
    """Another request with the same Idempotency-Key committed first."""


class StaleIntegration(Exception):
    """The integration changed since it was read (or, on create, its id is taken): decide again."""


class ConcurrentChange(Exception):
    """Another processor changed the account's alerts or incidents meanwhile: read and decide again."""


class TooManyWrites(Exception):
    """The account's outcome needs more writes than one transaction holds: the processor splits its batch."""


class AwsAccountTaken(Exception):
    """An AWS account named for an integration already sends through another one."""
