"""The only code of the directory domain that talks to DynamoDB. A change is one transaction: the account
(conditional on its version), its listing line, its history entry, its events (the outbox), the
Idempotency-Key's answer and the caller's change count."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, GetError, TransactGetError
from pynamodb.transactions import TransactGet

from functions.directory.dal.tables import (
    ACCOUNTS_PARTITION,
    HISTORY_PREFIX,
    AccountListingItem,
    AccountRecordItem,
    DirectoryHistoryItem,
    account_key,
    bind_directory_tables,
    listing_key,
)
from functions.directory.dal.transactions import BUSY, history_item
from functions.directory.models.accounts import Account, AccountHistoryEntry, AccountSummary, Entitlements
from functions.directory.models.records import AccountExists, IdempotencyKeyTaken, StaleAccount
from functions.shared.dal.errors import unavailable
from functions.shared.dal.idempotency import IdempotencyItem, idempotency_item, idempotency_key, to_record, unused
from functions.shared.dal.outbox import outbox_items
from functions.shared.dal.pages import query_page
from functions.shared.dal.transactions import Write, write_change
from functions.shared.domain_event import DomainEvent
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest


class AccountRepository:
    def __init__(self, table_name: str) -> None:
        self._connection = bind_directory_tables(table_name)

    def get_account(self, account_id: str) -> Account | None:
        try:
            return to_account(AccountRecordItem.get(*account_key(account_id), consistent_read=True))
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def read_for_change(self, account_id: str, idempotency_scope: str | None) -> tuple[Account | None, IdempotencyRecord | None]:
        """The account and the Idempotency-Key's record in one round trip."""
        try:
            with TransactGet(connection=self._connection) as transaction:
                account = transaction.get(AccountRecordItem, *account_key(account_id))
                record = transaction.get(IdempotencyItem, *idempotency_key(idempotency_scope)) if idempotency_scope else None
        except TransactGetError as error:
            raise unavailable("DynamoDB", BUSY) from error
        return (
            found_or_none(lambda: to_account(account.get())),
            found_or_none(lambda: to_record(record.get())) if record else None,
        )

    def create_account(
        self,
        account: Account,
        history: AccountHistoryEntry,
        events: list[DomainEvent],
        *,
        idempotency: tuple[IdempotentRequest, dict] | None,
        rate_limited: str,
        now: datetime,
    ) -> None:
        write_change(
            self._connection,
            (to_item(account), AccountRecordItem.pk.does_not_exist(), AccountExists),
            *self._change_writes(account, history, events, idempotency, now),
            stale=StaleAccount,
            busy=BUSY,
            now=now,
            rate_limited=rate_limited,
        )

    def commit_change(
        self,
        before_version: int,
        account: Account,
        history: AccountHistoryEntry,
        events: list[DomainEvent],
        *,
        idempotency: tuple[IdempotentRequest, dict] | None,
        rate_limited: str,
        now: datetime,
    ) -> None:
        unchanged = AccountRecordItem.version == before_version if before_version else AccountRecordItem.version.does_not_exist()
        writes = self._change_writes(account, history, events, idempotency, now)
        write_change(
            self._connection,
            (to_item(account), unchanged, StaleAccount),
            *writes,
            stale=StaleAccount,
            busy=BUSY,
            now=now,
            rate_limited=rate_limited,
        )

    @staticmethod
    def _change_writes(
        account: Account,
        history: AccountHistoryEntry,
        events: list[DomainEvent],
        idempotency: tuple[IdempotentRequest, dict] | None,
        now: datetime,
    ) -> list[Write]:
        writes: list[Write] = [
            (
                AccountListingItem(
                    *listing_key(account.account_id), account_id=account.account_id, name=account.name, region=account.region
                ),
                None,
                None,
            ),
            (history_item(account_key(account.account_id)[0], account.version, history), None, None),
            *((item, None, None) for item in outbox_items(account_key(account.account_id)[0], f"{account.version:010d}", events, now)),
        ]
        if idempotency:
            request, answer = idempotency
            writes.append((idempotency_item(request, account.account_id, answer), unused(now), IdempotencyKeyTaken))
        return writes

    def list_accounts(self, *, limit: int, start_key: dict[str, Any] | None) -> tuple[list[AccountSummary], dict[str, Any] | None]:
        items, next_key = query_page(AccountListingItem, ACCOUNTS_PARTITION, "ACCOUNT#", limit, start_key, busy=BUSY)
        return [AccountSummary(account_id=item.account_id, name=item.name, region=item.region) for item in items], next_key

    def list_history(
        self, account_id: str, *, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[AccountHistoryEntry], dict[str, Any] | None]:
        items, next_key = query_page(DirectoryHistoryItem, account_key(account_id)[0], HISTORY_PREFIX, limit, start_key, busy=BUSY)
        return [to_history(item) for item in items], next_key


def to_item(account: Account) -> AccountRecordItem:
    item = AccountRecordItem(
        *account_key(account.account_id),
        account_id=account.account_id,
        name=account.name,
        region=account.region,
        entitlements=account.entitlements.model_dump(),
        recommended_max_contacts=account.recommended_max_contacts,
        hard_max_contacts=account.hard_max_contacts,
        emergency_contact_ids=account.emergency_contact_ids,
        version=account.version,
        created_at=account.created_at,
        modified_at=account.modified_at,
    )
    item.contacts = account.contacts
    return item


def to_account(item: AccountRecordItem) -> Account:
    return Account(
        account_id=item.account_id,
        name=item.name,
        region=item.region,
        entitlements=Entitlements.model_validate(map_as_dict(item.entitlements)),
        recommended_max_contacts=int(item.recommended_max_contacts or 5),
        hard_max_contacts=int(item.hard_max_contacts) if item.hard_max_contacts is not None else None,
        emergency_contact_ids=list(item.emergency_contact_ids or []),
        version=int(item.version or 0),
        created_at=item.created_at,
        modified_at=item.modified_at,
        contacts=map_as_dict(item.contacts),
    )


def to_history(item: DirectoryHistoryItem) -> AccountHistoryEntry:
    return AccountHistoryEntry(
        action=item.action,
        contact_id=item.contact_id,
        actor=item.actor.as_dict(),
        at=item.at,
        changes=[change.as_dict() if hasattr(change, "as_dict") else change for change in item.changes],
    )


def found_or_none(read: Any) -> Any:
    try:
        return read()
    except DoesNotExist:
        return None


def map_as_dict(value: Any) -> dict[str, Any]:
    """A raw MapAttribute reads back as a MapAttribute, or as a dict when the item was built here."""
    return dict(value.as_dict() if hasattr(value, "as_dict") else value or {})
