"""The Testing Department's Windows-update catalog (docs/architecture.md, "Platform updates"; the guide: only validated
Microsoft updates are applied). The Testing Department records each KB pending validation, then validates or rejects
it; everyone signed in reads the catalog. A critical update gets a one-time schedule at its expected date that flags it
overdue if it is still pending then."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from functions.shared import models
from functions.shared.auth import Caller
from functions.shared.contracts import Actor, WindowsUpdateEvent, WindowsUpdateRecorded, WindowsUpdateRejected, WindowsUpdateValidated
from functions.shared.domain_event import DomainEvent
from functions.shared.errors import Conflict, Forbidden, NotFound, PreconditionFailed, ServiceUnavailable
from functions.shared.idempotency import IdempotentRequest, replayable
from functions.shared.page_token import PageTokenCodec
from functions.shared.quarters import EASTERN
from functions.shared.update_rules import KbStatus, expected_validation
from functions.updates.logic.ports import ValidationScheduler, WindowsUpdateStore
from functions.updates.models.errors import AlreadyExists, IdempotencyKeyTaken, StaleItem
from functions.updates.models.windows_updates import (
    NewWindowsUpdate,
    RejectRequest,
    ValidateRequest,
    WindowsUpdate,
    WindowsUpdateList,
    is_critical,
)

MAX_ATTEMPTS = 3  # a lost race (another decision on the same KB) is decided again
PATH = "/maintenance/windows-updates"


@dataclass(frozen=True)
class Changed:
    answer: WindowsUpdate
    replayed: bool = False


def testing_department(caller: Caller, what: str) -> None:
    if not caller.is_testing_department:
        raise Forbidden(
            f"Only the Testing Department {what} Windows updates; ask them, or read the catalog with GET {PATH}.",
            code="testing_department_required",
        )


def record_update(
    request: NewWindowsUpdate,
    caller: Caller,
    *,
    idempotency: IdempotentRequest | None,
    store: WindowsUpdateStore,
    scheduler: ValidationScheduler,
    validation_days: int,
    now: datetime,
) -> Changed:
    testing_department(caller, "records")
    if idempotency and (replay := replayable(store.read_idempotency(idempotency.scope_key), idempotency, now)):
        return Changed(WindowsUpdate.model_validate(replay.answer), replayed=True)
    existing = store.windows_update(request.kb)
    if existing is not None:
        raise _exists(existing)
    update = WindowsUpdate(
        kb=request.kb,
        title=request.title,
        classification=request.classification,
        msrc_severity=request.msrc_severity,
        products=request.products,
        released_on=request.released_on,
        expected_on=expected_validation(request.released_on, validation_days),
        status=KbStatus.PENDING_VALIDATION,
        critical=is_critical(request.classification, request.msrc_severity),
        recorded_at=now,
        recorded_by=Actor.of(caller),
        version=1,
    )
    due_at = datetime.combine(update.expected_on, datetime.min.time(), EASTERN)
    if update.critical and due_at > now:  # one recorded after its expected date is overdue already: nothing to wait for
        scheduler.ensure_validation_due(update.kb, update.expected_on)  # before the commit: see dal/scheduler.py
    answer = (idempotency, update.model_dump(mode="json", by_alias=True)) if idempotency else None
    try:
        store.create_windows_update(
            update, events=[_event(WindowsUpdateRecorded, update, caller, now)], now=now, rate_limited=caller.user_id, idempotency=answer
        )
    except AlreadyExists:  # recorded by a concurrent request
        raise _exists(store.windows_update(request.kb) or update) from None
    except IdempotencyKeyTaken:
        if idempotency and (replay := replayable(store.read_idempotency(idempotency.scope_key), idempotency, now)):
            return Changed(WindowsUpdate.model_validate(replay.answer), replayed=True)
        raise ServiceUnavailable("The update is being recorded by the same request; retry in a moment.") from None
    return Changed(update)


def get_update(kb: str, *, store: WindowsUpdateStore) -> WindowsUpdate:
    update = store.windows_update(kb)
    if update is None:
        raise NotFound(f"{kb} is not in the Windows-update catalog; list it with GET {PATH}.", field="kb")
    return update


def list_updates(
    status: KbStatus | None,
    caller: Caller,
    *,
    limit: int,
    next_token: str | None,
    store: WindowsUpdateStore,
    page_tokens: Callable[[], PageTokenCodec],
) -> WindowsUpdateList:
    scope = f"{caller.user_id}|windows-updates|{status.value if status else 'all'}"
    start_key = page_tokens().decode(next_token, scope=scope) if next_token else None
    items, next_key = store.windows_update_page(status.value if status else None, limit=limit, start_key=start_key)
    return WindowsUpdateList(items=items, next_token=page_tokens().encode(next_key, scope=scope) if next_key else None)


def validate_update(
    kb: str, request: ValidateRequest, caller: Caller, *, if_match: frozenset[int] | None, store: WindowsUpdateStore, now: datetime
) -> WindowsUpdate:
    def validated(before: WindowsUpdate) -> tuple[WindowsUpdate, list[DomainEvent]]:
        after = _decided(before, caller, now, status=KbStatus.VALIDATED, comment=request.comment)
        return after, [_event(WindowsUpdateValidated, after, caller, now)]

    testing_department(caller, "validates")
    return _decide(kb, validated, caller, if_match=if_match, store=store, now=now)


def reject_update(
    kb: str, request: RejectRequest, caller: Caller, *, if_match: frozenset[int] | None, store: WindowsUpdateStore, now: datetime
) -> WindowsUpdate:
    def rejected(before: WindowsUpdate) -> tuple[WindowsUpdate, list[DomainEvent]]:
        after = _decided(before, caller, now, status=KbStatus.REJECTED, rejection_reason=request.reason)
        return after, [_event(WindowsUpdateRejected, after, caller, now, reason=request.reason)]

    testing_department(caller, "rejects")
    return _decide(kb, rejected, caller, if_match=if_match, store=store, now=now)


def _decide(
    kb: str,
    decide: Callable[[WindowsUpdate], tuple[WindowsUpdate, list[DomainEvent]]],
    caller: Caller,
    *,
    if_match: frozenset[int] | None,
    store: WindowsUpdateStore,
    now: datetime,
) -> WindowsUpdate:
    for _ in range(MAX_ATTEMPTS):
        before = get_update(kb, store=store)
        if if_match is not None and before.version not in if_match:
            raise PreconditionFailed(
                f"{kb} changed since you read it (it is at version {before.version}, {before.status.value}); read it again and decide.",
                field="If-Match",
            )
        if before.status is not KbStatus.PENDING_VALIDATION:
            raise Conflict(
                f"{kb} is {before.status.value}, not pending validation: only a pending update is validated or rejected.",
                code="not_pending_validation",
            )
        after, events = decide(before)
        try:
            store.change_windows_update(after, before=before, events=events, now=now, rate_limited=caller.user_id)
        except StaleItem:
            continue
        return after
    raise ServiceUnavailable(f"{kb} kept changing while it was being decided; retry in a moment.")


def _decided(before: WindowsUpdate, caller: Caller, now: datetime, **changes: Any) -> WindowsUpdate:
    return before.model_copy(update={**changes, "decided_at": now, "decided_by": Actor.of(caller), "version": before.version + 1})


def _exists(existing: WindowsUpdate) -> Conflict:
    return Conflict(
        f"{existing.kb} is already in the catalog ({existing.status.value}, recorded {existing.recorded_at:%Y-%m-%d}); read it with "
        f"GET {PATH}/{existing.kb}, or validate or reject it.",
        field="kb",
        code="kb_exists",
    )


def _event(kind: type[WindowsUpdateEvent], update: WindowsUpdate, caller: Caller, now: datetime, **extra: Any) -> DomainEvent:
    return windows_update_event(kind, update, Actor.of(caller), now, **extra)


def windows_update_event(
    kind: type[WindowsUpdateEvent], update: WindowsUpdate, actor: models.Actor, now: datetime, **extra: Any
) -> DomainEvent:
    """The update after the change; its key names the version and the kind, so each notice has its own."""
    return kind(
        event_key=f"{update.kb}#{update.version}#{kind.detail_type.value}",
        occurred_at=now,
        actor=actor,
        kb=update.kb,
        title=update.title,
        classification=update.classification.value,
        severity=update.msrc_severity.value if update.msrc_severity else None,
        released_on=update.released_on,
        expected_on=update.expected_on,
        status=update.status.value,
        **extra,
    ).domain_event()
