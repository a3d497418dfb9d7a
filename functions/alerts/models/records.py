"""The alerts store's domain-level refusals (raised by the dal, turned into answers by the logic)."""

from __future__ import annotations


class IdempotencyKeyTaken(Exception):
    """Another request with the same Idempotency-Key committed first."""


class StaleIntegration(Exception):
    """The integration changed since it was read (or, on create, its id is taken): decide again."""
