"""What the updates logic needs of its collaborators (the dal implements them: functions/updates/dal/)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from functions.shared.domain_event import DomainEvent
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest
from functions.updates.models.platforms import GatewayCatalog, Platform
from functions.updates.models.windows_updates import WindowsUpdate

StartKey = dict[str, Any] | None


class WindowsUpdateStore(Protocol):
    def read_idempotency(self, scope_key: str) -> IdempotencyRecord | None: ...

    def windows_update(self, kb: str) -> WindowsUpdate | None: ...

    def windows_update_page(
        self, status: str | None, *, limit: int, start_key: StartKey
    ) -> tuple[list[WindowsUpdate], dict[str, Any] | None]: ...

    def create_windows_update(
        self,
        update: WindowsUpdate,
        *,
        events: list[DomainEvent],
        now: datetime,
        rate_limited: str | None,
        idempotency: tuple[IdempotentRequest, dict[str, Any]] | None,
    ) -> None: ...

    def change_windows_update(
        self, after: WindowsUpdate, *, before: WindowsUpdate, events: list[DomainEvent], now: datetime, rate_limited: str | None
    ) -> None: ...

    def write_overdue(self, update: WindowsUpdate, *, event: DomainEvent, now: datetime) -> None: ...

    def pending_count(self) -> int: ...

    def write_reminder(self, month: str, *, event: DomainEvent, now: datetime) -> None: ...


class ValidationScheduler(Protocol):
    def ensure_validation_due(self, kb: str, due_on: date) -> None:
        """A one-time schedule invoking the validation-due job at `due_on` 00:00 US Eastern; one already there is kept."""
        ...


class PlatformStore(Protocol):
    def account_exists(self, account_id: str) -> bool: ...

    def catalog(self, gateway_type: str) -> GatewayCatalog | None: ...

    def catalogs(self, gateway_types: set[str] | None = None) -> dict[str, GatewayCatalog]:
        """By type: the ones named (one BatchGetItem), or every one (one Query of the listing)."""
        ...

    def save_catalog(
        self, after: GatewayCatalog, *, before: GatewayCatalog | None, events: list[DomainEvent], now: datetime, rate_limited: str | None
    ) -> None: ...

    def platform(self, account_id: str) -> Platform | None: ...

    def save_platform(
        self, after: Platform, *, before: Platform | None, events: list[DomainEvent], now: datetime, rate_limited: str | None
    ) -> None: ...

    def platform_page(self, start_key: StartKey) -> tuple[list[Platform], dict[str, Any] | None]: ...

    def write_behind_ga(self, account_id: str, week: str, *, event: DomainEvent, now: datetime) -> None: ...
