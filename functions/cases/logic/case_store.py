"""What the cases logic needs from storage; functions/cases/dal implements it on DynamoDB."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from functions.cases.models.case import Case, CaseSummary, Status
from functions.cases.models.lifecycle import CaseUpdate, HistoryEntry
from functions.cases.models.records import Account
from functions.cases.models.requests import CaseQueue
from functions.shared.domain_event import DomainEvent
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest


class CaseStore(Protocol):
    def next_case_number(self) -> int: ...

    def read_before_create(
        self, idempotency_scope: str | None, account_id: str | None
    ) -> tuple[IdempotencyRecord | None, Account | None]: ...

    def read_for_change(self, case_number: str, idempotency_scope: str | None) -> tuple[Case | None, IdempotencyRecord | None]: ...

    def create_case(
        self,
        case: Case,
        history: HistoryEntry,
        events: list[DomainEvent],
        *,
        idempotency: IdempotentRequest | None,
        rate_limited: str | None,
        now: datetime,
    ) -> None:
        """Raises IdempotencyKeyTaken, TooManyChanges."""

    def commit_change(
        self,
        before_version: int,
        case: Case,
        history: HistoryEntry,
        update: CaseUpdate | None,
        events: list[DomainEvent],
        *,
        idempotency: tuple[IdempotentRequest, dict] | None = None,
        rate_limited: str | None = None,
        applied_event: str | None = None,
        frees_quota: str | None = None,
        now: datetime,
    ) -> None:
        """One transaction; raises StaleCase when the case is no longer at `before_version`, and
        IdempotencyKeyTaken, TooManyChanges, EventAlreadyApplied (`applied_event`, another domain's event
        key, marked on the case already). `frees_quota`: the entitlement marker a cancelled installation
        case lets go, deleted in it."""

    def read_before_monitoring_case(self, group_id: str, account_id: str) -> tuple[str | None, Account | None]:
        """The case number the incident opened (None: none yet) and the account."""

    def create_monitoring_case(self, case: Case, history: HistoryEntry, events: list[DomainEvent], *, group_id: str, now: datetime) -> None:
        """The case with its claim on the incident, in one transaction; raises MonitoringCaseExists, StaleCase."""

    def read_before_behind_ga_case(self, account_id: str) -> tuple[Case | None, str | None, Account | None]:
        """The account's last behind-GA case (None: none yet), the event key that opened it, and the account."""

    def create_behind_ga_case(
        self, case: Case, history: HistoryEntry, events: list[DomainEvent], *, event_key: str, replaces: str | None, now: datetime
    ) -> None:
        """The case with the account's behind-GA claim (taken from `replaces`, a case still closed, or new), in one
        transaction; raises BehindGaCaseOpen, StaleCase."""

    def changed_by_a_person(self, case_number: str) -> bool:
        """Whether anyone but the automation changed the case after its opening."""

    def get_account(self, account_id: str) -> Account | None: ...

    def list_updates(
        self, case_number: str, *, limit: int, start_key: dict | None, staff_view: bool = True
    ) -> tuple[list[CaseUpdate], dict | None]: ...

    def list_history(self, case_number: str, *, limit: int, start_key: dict | None) -> tuple[list[HistoryEntry], dict | None]: ...

    def get_case(self, case_number: str) -> Case | None: ...

    def list_cases(
        self, *, account_id: str, contact_id: str | None, status: Status | None, limit: int, start_key: dict | None
    ) -> tuple[list[CaseSummary], dict | None]: ...

    def list_queue(
        self, queue: CaseQueue, *, owner_id: str | None, region: str | None, limit: int, start_key: dict | None
    ) -> tuple[list[CaseSummary], dict | None]: ...
