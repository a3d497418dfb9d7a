"""What the directory's logic needs of its store (functions/directory/dal/account_repository.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from functions.directory.models.accounts import Account, AccountHistoryEntry, AccountSummary
from functions.directory.models.contacts import ContactRecord
from functions.shared.domain_event import DomainEvent
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest

Page = dict[str, Any] | None


class AccountStore(Protocol):
    def get_account(self, account_id: str) -> Account | None: ...

    def read_for_change(self, account_id: str, idempotency_scope: str | None) -> tuple[Account | None, IdempotencyRecord | None]: ...

    def create_account(
        self,
        account: Account,
        history: AccountHistoryEntry,
        events: list[DomainEvent],
        *,
        idempotency: tuple[IdempotentRequest, dict[str, Any]] | None,
        rate_limited: str,
        now: datetime,
    ) -> None: ...

    def commit_change(
        self,
        before_version: int,
        account: Account,
        history: AccountHistoryEntry,
        events: list[DomainEvent],
        *,
        idempotency: tuple[IdempotentRequest, dict[str, Any]] | None,
        rate_limited: str,
        now: datetime,
    ) -> None: ...

    def list_accounts(self, *, limit: int, start_key: Page) -> tuple[list[AccountSummary], Page]: ...

    def list_history(self, account_id: str, *, limit: int, start_key: Page) -> tuple[list[AccountHistoryEntry], Page]: ...


class ContactStore(Protocol):
    def get_contact(self, account_id: str, contact_id: str) -> ContactRecord | None: ...

    def read_for_change(
        self, account_id: str, contact_id: str | None, idempotency_scope: str | None
    ) -> tuple[Account | None, ContactRecord | None, IdempotencyRecord | None]: ...

    def email_owner(self, email: str) -> tuple[str, str] | None: ...

    def commit(
        self,
        account_before: Account,
        account: Account,
        contact_before: ContactRecord | None,
        contact: ContactRecord,
        history: AccountHistoryEntry,
        events: list[DomainEvent],
        *,
        idempotency: tuple[IdempotentRequest, dict[str, Any]] | None,
        rate_limited: str | None,
        now: datetime,
    ) -> None: ...

    def mark_sign_in_ready(self, contact: ContactRecord, cognito_sub: str) -> None: ...

    def record_pin_attempt(self, contact: ContactRecord, failures: int) -> None: ...

    def list_contacts(self, account_id: str, *, limit: int, start_key: Page) -> tuple[list[ContactRecord], Page]: ...
