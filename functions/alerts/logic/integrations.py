"""Monitoring integrations: staff create one per sender of a customer account, rotate its key (the previous
one keeps working for ROTATION_OVERLAP) and disable it. Customers never see an integration's credentials.
Every change is idempotent with an Idempotency-Key and one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from functions.alerts.logic.credentials import MAX_GENERATION, mint_routing_key, new_integration_id, webhook_secret
from functions.alerts.models.integrations import (
    ROTATION_OVERLAP,
    Integration,
    IntegrationAnswer,
    IntegrationCredentials,
    IntegrationList,
    IntegrationStatus,
    NewIntegration,
)
from functions.alerts.models.records import AwsAccountTaken, IdempotencyKeyTaken, StaleIntegration
from functions.shared.auth import Caller
from functions.shared.errors import Conflict, Forbidden, NotFound, ServiceUnavailable
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest, replayable
from functions.shared.models import Actor
from functions.shared.page_token import PageTokenCodec

MAX_ATTEMPTS = 3  # a change that lost a race is decided again on the integration as it now is


class IntegrationStore(Protocol):
    def account_exists(self, account_id: str) -> bool: ...

    def get_integration(self, integration_id: str, *, consistent: bool = True) -> Integration | None: ...

    def read_for_change(
        self, integration_id: str, idempotency_scope: str | None
    ) -> tuple[Integration | None, IdempotencyRecord | None]: ...

    def save(
        self,
        integration: Integration,
        *,
        before_version: int,
        idempotency: tuple[IdempotentRequest, dict] | None,
        rate_limited: str,
        now: datetime,
    ) -> None: ...

    def list_integrations(self, account_id: str, *, limit: int, start_key: dict | None) -> tuple[list[Integration], dict | None]: ...


@dataclass(frozen=True)
class Changed:
    answer: IntegrationAnswer
    replayed: bool = False


def create_integration(
    request: NewIntegration,
    caller: Caller,
    *,
    idempotency: IdempotentRequest | None,
    store: IntegrationStore,
    master_key: Callable[[], bytes],
    now: datetime,
) -> Changed:
    _staff_only(caller, "create a monitoring integration")
    if not store.account_exists(request.account_id):
        raise NotFound(f"Account {request.account_id} does not exist; check the account id.", field="accountId")
    for _ in range(MAX_ATTEMPTS):
        integration_id = new_integration_id()
        if idempotency:  # a retry answers with the integration its first try created
            _, record = store.read_for_change(integration_id, idempotency.scope_key)
            if replay := replayable(record, idempotency, now):
                return _replayed(replay, master_key)
        integration = Integration(
            integration_id=integration_id,
            account_id=request.account_id,
            name=request.name,
            status=IntegrationStatus.ACTIVE,
            generation=0,
            created_by=Actor.of(caller),
            created_at=now,
            modified_at=now,
            version=1,
            aws_account_ids=request.aws_account_ids or [],
        )
        try:
            store.save(integration, before_version=0, idempotency=_answer(idempotency, integration), rate_limited=caller.user_id, now=now)
        except AwsAccountTaken:
            raise Conflict(
                "One of awsAccountIds already sends through another integration; disable that one or leave the account out.",
                code="aws_account_taken",
                field="awsAccountIds",
            ) from None
        except (StaleIntegration, IdempotencyKeyTaken):
            continue  # an id taken (never in practice) or a concurrent retry with the same key: decide again
        return Changed(with_credentials(integration, master_key()))
    raise ServiceUnavailable("The integration could not be saved; retry in a moment with the same Idempotency-Key.")


def rotate_integration(
    integration_id: str,
    caller: Caller,
    *,
    idempotency: IdempotentRequest | None,
    store: IntegrationStore,
    master_key: Callable[[], bytes],
    now: datetime,
) -> Changed:
    """A new key generation; the previous one is accepted for ROTATION_OVERLAP more (the one before it, no longer)."""
    _staff_only(caller, "rotate a monitoring integration's key")

    def rotated(before: Integration) -> Integration:
        if before.status is not IntegrationStatus.ACTIVE:
            raise Conflict(f"Integration {integration_id} is disabled; create a new one instead.", code="integration_disabled")
        if before.generation >= MAX_GENERATION:
            raise Conflict(f"Integration {integration_id} has used every key generation; create a new one.", code="integration_exhausted")
        return before.model_copy(update={"generation": before.generation + 1, "previous_generation_valid_until": now + ROTATION_OVERLAP})

    return _change(integration_id, rotated, caller, idempotency=idempotency, store=store, master_key=master_key, now=now)


def disable_integration(
    integration_id: str,
    caller: Caller,
    *,
    idempotency: IdempotentRequest | None,
    store: IntegrationStore,
    master_key: Callable[[], bytes],
    now: datetime,
) -> Changed:
    """Every key of the integration stops working (the intake's cache: within its staleness bound)."""
    _staff_only(caller, "disable a monitoring integration")

    def disabled(before: Integration) -> Integration:
        return before.model_copy(update={"status": IntegrationStatus.DISABLED, "previous_generation_valid_until": None})

    return _change(integration_id, disabled, caller, idempotency=idempotency, store=store, master_key=master_key, now=now)


def get_integration(integration_id: str, caller: Caller, *, store: IntegrationStore, master_key: Callable[[], bytes]) -> IntegrationAnswer:
    integration = _visible(integration_id, store.get_integration(integration_id), caller)
    return with_credentials(integration, master_key()) if caller.is_staff else IntegrationAnswer(**integration.model_dump())


def list_integrations(
    account_id: str,
    caller: Caller,
    *,
    limit: int,
    next_token: str | None,
    store: IntegrationStore,
    page_tokens: Callable[[], PageTokenCodec],
) -> IntegrationList:
    """An account's integrations (no credentials): staff for any account, a customer for their own."""
    if not caller.is_staff and account_id != caller.account_id:
        raise NotFound(f"Account {account_id} is not one of yours.", field="accountId")
    scope = f"{caller.user_id}|integrations|{account_id}"
    start_key = page_tokens().decode(next_token, scope=scope) if next_token else None
    items, next_key = store.list_integrations(account_id, limit=limit, start_key=start_key)
    return IntegrationList(items=items, next_token=page_tokens().encode(next_key, scope=scope) if next_key else None)


def with_credentials(integration: Integration, master: bytes) -> IntegrationAnswer:
    integration_id, generation = integration.integration_id, integration.generation
    credentials = IntegrationCredentials(
        routing_key=mint_routing_key(master, integration_id, generation),
        webhook_url_path=f"/alerts/v1/integrations/{integration_id}/events",
        webhook_secret=webhook_secret(master, integration_id, generation),
    )
    shown = credentials if integration.status is IntegrationStatus.ACTIVE else None
    return IntegrationAnswer(**integration.model_dump(), credentials=shown)


def _change(
    integration_id: str,
    decide: Callable[[Integration], Integration],
    caller: Caller,
    *,
    idempotency: IdempotentRequest | None,
    store: IntegrationStore,
    master_key: Callable[[], bytes],
    now: datetime,
) -> Changed:
    for _ in range(MAX_ATTEMPTS):
        before, record = store.read_for_change(integration_id, idempotency.scope_key if idempotency else None)
        before = _visible(integration_id, before, caller)
        if replay := replayable(record, idempotency, now):
            return _replayed(replay, master_key)
        after = decide(before).model_copy(update={"version": before.version + 1, "modified_at": now})
        try:
            store.save(after, before_version=before.version, idempotency=_answer(idempotency, after), rate_limited=caller.user_id, now=now)
        except AwsAccountTaken:
            raise Conflict(
                "One of awsAccountIds already sends through another integration; disable that one or leave the account out.",
                code="aws_account_taken",
                field="awsAccountIds",
            ) from None
        except (StaleIntegration, IdempotencyKeyTaken):
            continue
        return Changed(with_credentials(after, master_key()))
    raise ServiceUnavailable("The integration is being changed by others at once; retry in a moment with the same Idempotency-Key.")


def _answer(idempotency: IdempotentRequest | None, integration: Integration) -> tuple[IdempotentRequest, dict] | None:
    # The integration without credentials: a replay derives them again, so no secret is stored.
    return (idempotency, integration.model_dump(mode="json")) if idempotency else None


def _replayed(replay: IdempotencyRecord, master_key: Callable[[], bytes]) -> Changed:
    return Changed(with_credentials(Integration.model_validate(replay.answer), master_key()), replayed=True)


def _visible(integration_id: str, integration: Integration | None, caller: Caller) -> Integration:
    if integration is None or not (caller.is_staff or integration.account_id == caller.account_id):
        raise NotFound(f"Integration {integration_id} does not exist; list your account's with GET /alerts/integrations.")
    return integration


def _staff_only(caller: Caller, what: str) -> None:
    if not caller.is_staff:
        raise Forbidden(f"Only support staff can {what}; ask your support team.")
