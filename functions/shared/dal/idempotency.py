"""The Idempotency-Key records (functions/shared/idempotency.py): `IDEMPOTENCY#<user>#<key>`, written in
the transaction of the change they answer for, gone by TTL after their window."""

from __future__ import annotations

import json
from datetime import datetime

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

from functions.shared.dal.table import TableMeta
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest

IDEMPOTENCY_PREFIX, IDEMPOTENCY_SORT_KEY = "IDEMPOTENCY#", "IDEMPOTENCY"


class IdempotencyItem(Model):
    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    request_hash = UnicodeAttribute()
    result_id = UnicodeAttribute()
    answer = UnicodeAttribute(null=True)  # the first answer as JSON, for a replay
    expires_at = TTLAttribute()  # the table's one TTL attribute


IDEMPOTENCY_MODELS: tuple[type[Model], ...] = (IdempotencyItem,)


def idempotency_key(scope_key: str) -> tuple[str, str]:
    return f"{IDEMPOTENCY_PREFIX}{scope_key}", IDEMPOTENCY_SORT_KEY


def idempotency_item(request: IdempotentRequest, result_id: str, answer: dict | None = None) -> IdempotencyItem:
    return IdempotencyItem(
        *idempotency_key(request.scope_key),
        request_hash=request.request_hash,
        result_id=result_id,
        answer=json.dumps(answer, separators=(",", ":")) if answer is not None else None,
        expires_at=request.expires_at,
    )


def unused(now: datetime) -> Condition:
    """The condition on writing a record: none yet, or one past its window (TTL deletes lazily)."""
    return IdempotencyItem.pk.does_not_exist() | (IdempotencyItem.expires_at <= now)


def to_record(item: IdempotencyItem) -> IdempotencyRecord:
    return IdempotencyRecord(
        item.pk.removeprefix(IDEMPOTENCY_PREFIX),
        item.request_hash,
        item.result_id,
        item.expires_at,
        json.loads(item.answer) if item.answer else None,
    )
