"""Idempotency-Key on every change (POST and PATCH): the same key and body within 24 hours returns the
first answer and changes nothing; the same key with another request is a 409. Keys are scoped to the
caller. The key's record is written in the change's own transaction, so a committed change always has it,
and a refused change never does.

Not Powertools' idempotency utility: it writes its record in calls of its own around the handler, and a
change here is exactly one transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header

from functions.shared.auth import Caller
from functions.shared.errors import Conflict

IDEMPOTENCY_WINDOW = timedelta(hours=24)
REPLAYED_HEADER = "Idempotent-Replayed"

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[A-Za-z0-9_.:-]{1,128}$",
        description=(
            "Any unique string (a UUID). A retry with the same key and body within 24 hours returns the first answer "
            f"(with `{REPLAYED_HEADER}: true`) and changes nothing; the same key with another request is refused (409)."
        ),
    ),
]


@dataclass(frozen=True)
class IdempotentRequest:
    scope_key: str  # the caller's user id and the key
    request_hash: str  # what was asked: the operation, its path and its body
    expires_at: datetime


@dataclass(frozen=True)
class IdempotencyRecord:
    scope_key: str
    request_hash: str
    result_id: str
    expires_at: datetime
    answer: dict | None = None  # the first answer, for a replay


def idempotent_request(caller: Caller, key: str | None, operation: str, body: object, now: datetime) -> IdempotentRequest | None:
    if not key:
        return None
    asked = json.dumps({"operation": operation, "body": body}, sort_keys=True, separators=(",", ":"), default=str)
    return IdempotentRequest(f"{caller.user_id}#{key}", hashlib.sha256(asked.encode()).hexdigest(), now + IDEMPOTENCY_WINDOW)


def replayable(record: IdempotencyRecord | None, request: IdempotentRequest | None, now: datetime) -> IdempotencyRecord | None:
    """The record whose answer this request gets again; refuses a key reused for another request."""
    if record is None or request is None or record.expires_at <= now:
        return None
    if record.request_hash != request.request_hash:
        raise Conflict(
            "This Idempotency-Key was already used for a different request; use a new key for a new change.",
            field="Idempotency-Key",
            code="idempotency_key_reused",
        )
    return record
