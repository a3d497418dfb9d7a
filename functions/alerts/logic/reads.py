"""An account's alerts and incidents as the API shows them: staff see any account's, a customer their own
account's only (the account comes from the claims; another account's is not found). A page is one Query."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from functions.alerts.models.alerts import Alert, AlertGroup, AlertState, GroupStatus
from functions.alerts.models.views import AlertAnswer, AlertGroupAnswer, AlertGroupList, AlertList
from functions.shared.auth import Caller
from functions.shared.errors import NotFound, ValidationFailed
from functions.shared.page_token import PageTokenCodec


class AlertReader(Protocol):
    def list_alerts(
        self, account_id: str, *, state: str | None, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[Alert], dict | None]: ...

    def list_groups(
        self, account_id: str, *, state: str | None, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[AlertGroup], dict | None]: ...

    def read_group(self, group_id: str) -> AlertGroup | None: ...

    def read_account_group(self, account_id: str, group_id: str) -> AlertGroup | None: ...


def whose(account_id: str | None, caller: Caller, what: str) -> str:
    """The account a listing is of: staff name it; a customer's is their own (naming another is not found)."""
    if caller.is_staff:
        if not account_id:
            raise ValidationFailed(f"accountId: required for staff; give the account whose {what} to list.", field="accountId")
        return account_id
    assert caller.account_id is not None  # a customer caller always has one (functions/shared/auth.py)
    if account_id is not None and account_id != caller.account_id:
        raise NotFound(
            f"Account {account_id} is not one of yours; leave accountId out to list your own account's {what}.", field="accountId"
        )
    return caller.account_id


def list_alerts(
    account_id: str | None,
    caller: Caller,
    *,
    state: AlertState | None,
    limit: int,
    next_token: str | None,
    store: AlertReader,
    page_tokens: Callable[[], PageTokenCodec],
) -> AlertList:
    """An account's alerts by dedup key, optionally only those firing or resolved."""
    account = whose(account_id, caller, "alerts")
    scope = f"{caller.user_id}|alerts|{account}|{state or ''}"
    start_key = page_tokens().decode(next_token, scope=scope) if next_token else None
    alerts, next_key = store.list_alerts(account, state=state.value if state else None, limit=limit, start_key=start_key)
    return AlertList(
        items=[alert_answer(alert) for alert in alerts], next_token=page_tokens().encode(next_key, scope=scope) if next_key else None
    )


def list_groups(
    account_id: str | None,
    caller: Caller,
    *,
    state: GroupStatus | None,
    limit: int,
    next_token: str | None,
    store: AlertReader,
    page_tokens: Callable[[], PageTokenCodec],
) -> AlertGroupList:
    """An account's incidents, newest first, optionally only those of one status."""
    account = whose(account_id, caller, "incidents")
    scope = f"{caller.user_id}|alert-groups|{account}|{state or ''}"
    start_key = page_tokens().decode(next_token, scope=scope) if next_token else None
    groups, next_key = store.list_groups(account, state=state.value if state else None, limit=limit, start_key=start_key)
    return AlertGroupList(
        items=[group_answer(group) for group in groups], next_token=page_tokens().encode(next_key, scope=scope) if next_key else None
    )


def get_group(group_id: str, caller: Caller, *, store: AlertReader) -> AlertGroupAnswer:
    """One incident: staff find any by its id; a customer's read is under their own account's key."""
    if caller.is_staff:
        group = store.read_group(group_id)
    else:
        assert caller.account_id is not None
        group = store.read_account_group(caller.account_id, group_id)
    if group is None:
        raise NotFound(f"Incident {group_id} does not exist among yours; list them with GET /alerts/groups.")
    return group_answer(group)


def alert_answer(alert: Alert) -> AlertAnswer:
    return AlertAnswer.model_validate(alert.model_dump())


def group_answer(group: AlertGroup) -> AlertGroupAnswer:
    return AlertGroupAnswer.model_validate(group.model_dump())
