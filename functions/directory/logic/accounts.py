"""Accounts: staff create and change them; a customer reads their own account, and another account is
404 to them (docs/architecture.md, Domain rules). Every change is idempotent, audited (who, when, from
-> to) and one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic.alias_generators import to_camel

from functions.directory.logic.ports import AccountStore
from functions.directory.models.accounts import (
    RECOMMENDED_MAX_CONTACTS,
    Account,
    AccountChanges,
    AccountFieldChange,
    AccountHistory,
    AccountHistoryEntry,
    AccountList,
    AccountSummary,
    Entitlements,
    NewAccount,
)
from functions.directory.models.records import AccountExists, IdempotencyKeyTaken, StaleAccount
from functions.shared.auth import Caller
from functions.shared.contracts import AccountChanged, AccountCreated, AccountEvent
from functions.shared.contracts import Actor as ContractActor
from functions.shared.domain_event import DomainEvent
from functions.shared.errors import BadRequest, Conflict, Forbidden, NotFound, ServiceUnavailable
from functions.shared.idempotency import IdempotentRequest, replayable
from functions.shared.models import Actor
from functions.shared.page_token import PageTokenCodec

MAX_ATTEMPTS = 3  # a change that lost a race is decided again on the account as it now is


@dataclass(frozen=True)
class Changed:
    account: Account
    replayed: bool = False


def get_account(account_id: str, caller: Caller, *, store: AccountStore) -> Account:
    return visible_account(account_id, store.get_account(account_id), caller)


def list_accounts(
    caller: Caller, *, limit: int, next_token: str | None, store: AccountStore, page_tokens: Callable[[], PageTokenCodec]
) -> AccountList:
    """Staff page through every account (one Query a page); a customer's list is their own account."""
    if not caller.is_staff:
        own = store.get_account(caller.account_id) if caller.account_id else None
        return AccountList(items=[AccountSummary(account_id=own.account_id, name=own.name, region=own.region)] if own else [])
    scope = f"{caller.user_id}|accounts"
    start_key = page_tokens().decode(next_token, scope=scope) if next_token else None
    items, next_key = store.list_accounts(limit=limit, start_key=start_key)
    return AccountList(items=items, next_token=page_tokens().encode(next_key, scope=scope) if next_key else None)


def account_history(
    account_id: str, caller: Caller, *, limit: int, next_token: str | None, store: AccountStore, page_tokens: Callable[[], PageTokenCodec]
) -> AccountHistory:
    staff_only(caller, "read an account's history")
    visible_account(account_id, store.get_account(account_id), caller)
    scope = f"{caller.user_id}|account-history|{account_id}"
    start_key = page_tokens().decode(next_token, scope=scope) if next_token else None
    items, next_key = store.list_history(account_id, limit=limit, start_key=start_key)
    return AccountHistory(items=items, next_token=page_tokens().encode(next_key, scope=scope) if next_key else None)


def create_account(
    request: NewAccount, caller: Caller, *, idempotency: IdempotentRequest | None, store: AccountStore, now: datetime
) -> Changed:
    staff_only(caller, "create an account")
    for _ in range(MAX_ATTEMPTS):
        existing, record = store.read_for_change(request.account_id, idempotency.scope_key if idempotency else None)
        if replay := replayable(record, idempotency, now):
            return Changed(Account.model_validate(replay.answer), replayed=True)
        if existing is not None:
            raise _exists(request.account_id)
        account = Account(
            account_id=request.account_id,
            name=request.name,
            region=request.region,
            entitlements=request.entitlements or Entitlements(),
            recommended_max_contacts=request.recommended_max_contacts or RECOMMENDED_MAX_CONTACTS,
            hard_max_contacts=request.hard_max_contacts,
            emergency_contact_ids=request.emergency_contact_ids or [],
            version=1,
            created_at=now,
            modified_at=now,
        )
        _check(account)
        history = entry("created", caller, now, _differences(None, account))
        try:
            store.create_account(
                account,
                history,
                _events(AccountCreated, account, history),
                idempotency=_answer(idempotency, account),
                rate_limited=caller.user_id,
                now=now,
            )
        except AccountExists:
            raise _exists(request.account_id) from None
        except IdempotencyKeyTaken:
            continue  # a concurrent request with the same key committed first: answer with its answer
        return Changed(account)
    raise ServiceUnavailable("The directory is being changed by many people at once; retry in a moment with the same Idempotency-Key.")


def change_account(
    account_id: str, changes: AccountChanges, caller: Caller, *, idempotency: IdempotentRequest | None, store: AccountStore, now: datetime
) -> Changed:
    staff_only(caller, "change an account")
    for _ in range(MAX_ATTEMPTS):
        before, record = store.read_for_change(account_id, idempotency.scope_key if idempotency else None)
        before = visible_account(account_id, before, caller)
        if replay := replayable(record, idempotency, now):
            return Changed(Account.model_validate(replay.answer), replayed=True)
        sent = {name: getattr(changes, name) for name in changes.model_fields_set}
        cleared = [name for name, value in sent.items() if value is None and name not in NULLABLE]
        if cleared:
            raise BadRequest(f"{to_camel(cleared[0])} cannot be null; leave it out to keep it.", field=to_camel(cleared[0]))
        after = before.model_copy(update={**sent, "version": before.version + 1, "modified_at": now})
        differences = _differences(before, after)
        if not differences:
            return Changed(before)
        _check(after)
        history = entry("changed", caller, now, differences)
        try:
            store.commit_change(
                before.version,
                after,
                history,
                _events(AccountChanged, after, history),
                idempotency=_answer(idempotency, after),
                rate_limited=caller.user_id,
                now=now,
            )
        except (StaleAccount, IdempotencyKeyTaken):
            continue
        return Changed(after)
    raise ServiceUnavailable("The account is being changed by many people at once; retry in a moment with the same Idempotency-Key.")


def visible_account(account_id: str, account: Account | None, caller: Caller) -> Account:
    # Another account answers exactly like a missing one: its existence is not disclosed.
    if account is None or (not caller.is_staff and account.account_id != caller.account_id):
        raise NotFound(f"Account {account_id} was not found; check the id.", field="accountId")
    return account


def staff_only(caller: Caller, what: str) -> None:
    if not caller.is_staff:
        raise Forbidden(f"Only support engineers and managers may {what}; ask your Technical Account Manager.")


def _exists(account_id: str) -> Conflict:
    return Conflict(f"Account {account_id} already exists; change it with PATCH /accounts/{account_id}.", field="accountId")


def _check(account: Account) -> None:
    if account.hard_max_contacts is not None and account.hard_max_contacts < account.recommended_max_contacts:
        raise BadRequest(
            f"hardMaxContacts ({account.hard_max_contacts}) must be at least recommendedMaxContacts ({account.recommended_max_contacts}).",
            field="hardMaxContacts",
        )
    unknown = [contact_id for contact_id in account.emergency_contact_ids if contact_id not in account.contacts]
    if unknown:
        raise BadRequest(
            f"{unknown[0]} is not a contact of account {account.account_id}; add the contact first.", field="emergencyContactIds"
        )


NULLABLE = frozenset({"hard_max_contacts"})
AUDITED = ("name", "region", "entitlements", "recommended_max_contacts", "hard_max_contacts", "emergency_contact_ids")


def _differences(before: Account | None, after: Account) -> list[AccountFieldChange]:
    def shown(account: Account | None, name: str) -> Any:
        return account.model_dump(mode="json", by_alias=True, include={name}).get(to_camel(name)) if account else None

    return [
        AccountFieldChange(field=to_camel(name), from_value=shown(before, name), to_value=shown(after, name))
        for name in AUDITED
        if shown(before, name) != shown(after, name)
    ]


def entry(action: str, caller: Caller, now: datetime, changes: list[AccountFieldChange]) -> AccountHistoryEntry:
    return AccountHistoryEntry(action=action, actor=Actor.of(caller), at=now, changes=changes)


def _events(kind: type[AccountEvent], account: Account, history: AccountHistoryEntry) -> list[DomainEvent]:
    detail = kind(
        event_key=f"{account.account_id}#{account.version}#{kind.detail_type.value}",
        account_id=account.account_id,
        name=account.name,
        region=account.region,
        version=account.version,
        changed_fields=[change.field for change in history.changes],
        actor=ContractActor.model_validate(history.actor.model_dump()),
        occurred_at=history.at,
    )
    return [detail.domain_event()]


def _answer(idempotency: IdempotentRequest | None, account: Account) -> tuple[IdempotentRequest, dict[str, Any]] | None:
    return (idempotency, account.model_dump(mode="json", by_alias=True)) if idempotency else None
