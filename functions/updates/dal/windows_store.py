"""The Windows-update catalog's items (functions/updates/dal/tables.py): the update, its two listing lines, its outbox;
every change one transaction. Also the jobs' once-only notices of the catalog (overdue, Patch Tuesday)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, GetError, QueryError, TransactWriteError
from pynamodb.transactions import TransactWrite

from functions.shared.dal.errors import unavailable
from functions.shared.dal.idempotency import IdempotencyItem, idempotency_item, idempotency_key, to_record, unused
from functions.shared.dal.outbox import outbox_items
from functions.shared.dal.platform_view import windows_update_key
from functions.shared.dal.transactions import Write, write_change
from functions.shared.domain_event import DomainEvent
from functions.shared.errors import BadRequest
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest
from functions.shared.models import Actor
from functions.shared.update_rules import KbStatus
from functions.updates.dal.tables import (
    LISTED_ALL,
    LISTED_STATUS,
    MONTH_PREFIX,
    OVERDUE_SORT_KEY,
    PATCH_TUESDAY_PARTITION,
    WINDOWS_UPDATES_LISTING,
    ListingItem,
    MarkerItem,
    WindowsUpdateItem,
    windows_update_partition,
)
from functions.updates.models.errors import AlreadyDone, AlreadyExists, IdempotencyKeyTaken, NoLongerPending, StaleItem
from functions.updates.models.windows_updates import Classification, MsrcSeverity, WindowsUpdate, is_critical

BUSY = "The Windows-update catalog is busy; retry in a few seconds."
PENDING = KbStatus.PENDING_VALIDATION.value
REMINDERS_KEPT_FOR = timedelta(days=400)


class WindowsUpdates:
    def __init__(self, connection: Connection):
        self._connection = connection

    def read_idempotency(self, scope_key: str) -> IdempotencyRecord | None:
        try:
            return to_record(IdempotencyItem.get(*idempotency_key(scope_key), consistent_read=True))
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def windows_update(self, kb: str) -> WindowsUpdate | None:
        """One strongly consistent GetItem."""
        try:
            return _update(WindowsUpdateItem.get(*windows_update_key(kb), consistent_read=True))
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def windows_update_page(
        self, status: str | None, *, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[WindowsUpdate], dict[str, Any] | None]:
        """One Query of the listing (all, or one status), the newest release first; one item more than `limit` tells
        whether a next page exists."""
        prefix = f"{LISTED_STATUS}{status}#" if status else LISTED_ALL
        try:
            items = list(
                ListingItem.query(
                    WINDOWS_UPDATES_LISTING,
                    ListingItem.sk.startswith(prefix),
                    scan_index_forward=False,
                    limit=limit + 1,
                    page_size=limit + 1,
                    last_evaluated_key=start_key,
                )
            )
        except QueryError as error:
            if start_key and error.cause_response_code == "ValidationException":
                raise BadRequest("nextToken does not fit this listing; start again without it.", field="nextToken") from error
            raise unavailable("DynamoDB", BUSY) from error
        page = items[:limit]
        next_key = {"pk": {"S": page[-1].pk}, "sk": {"S": page[-1].sk}} if len(items) > limit else None
        return [WindowsUpdate.model_validate_json(item.body) for item in page], next_key

    def create_windows_update(
        self,
        update: WindowsUpdate,
        *,
        events: list[DomainEvent],
        now: datetime,
        rate_limited: str | None,
        idempotency: tuple[IdempotentRequest, dict[str, Any]] | None,
    ) -> None:
        """AlreadyExists when the KB is recorded already; IdempotencyKeyTaken when a concurrent request with the key won."""
        writes: list[Write] = [(_item(update), WindowsUpdateItem.pk.does_not_exist(), AlreadyExists)]
        writes += [(line, None, None) for line in _listing(update)]
        writes += [(item, None, None) for item in outbox_items(windows_update_partition(update.kb), str(update.version), events, now)]
        if idempotency:
            request, answer = idempotency
            writes.append((idempotency_item(request, update.kb, answer), unused(now), IdempotencyKeyTaken))
        write_change(self._connection, *writes, stale=StaleItem, busy=BUSY, now=now, rate_limited=rate_limited)

    def change_windows_update(
        self, after: WindowsUpdate, *, before: WindowsUpdate, events: list[DomainEvent], now: datetime, rate_limited: str | None
    ) -> None:
        """Conditional on the version read (StaleItem otherwise); the status listing line moves with the status."""
        writes: list[Write] = [(_item(after), WindowsUpdateItem.version == before.version, StaleItem)]
        writes += [(line, None, None) for line in _listing(after)]
        writes += [(item, None, None) for item in outbox_items(windows_update_partition(after.kb), str(after.version), events, now)]
        removals = [ListingItem(WINDOWS_UPDATES_LISTING, _status_key(before))] if before.status is not after.status else []
        write_change(self._connection, *writes, stale=StaleItem, busy=BUSY, now=now, rate_limited=rate_limited, removals=removals)

    def write_overdue(self, update: WindowsUpdate, *, event: DomainEvent, now: datetime) -> None:
        """The update's overdue notice, once: NoLongerPending if it was decided meanwhile, AlreadyDone if written before."""
        partition = windows_update_partition(update.kb)
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.condition_check(
                    WindowsUpdateItem,
                    partition,
                    windows_update_key(update.kb)[1],
                    WindowsUpdateItem.status == PENDING,
                )
                transaction.save(MarkerItem(partition, OVERDUE_SORT_KEY, written_at=now), condition=MarkerItem.pk.does_not_exist())
                for item in outbox_items(partition, "overdue", [event], now):
                    transaction.save(item)
        except TransactWriteError as error:
            _refusal(error, NoLongerPending, AlreadyDone)

    def pending_count(self) -> int:
        """The updates pending validation: a COUNT Query of their listing (a page per MB of keys)."""
        try:
            return int(ListingItem.count(WINDOWS_UPDATES_LISTING, ListingItem.sk.startswith(f"{LISTED_STATUS}{PENDING}#")))
        except QueryError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def write_reminder(self, month: str, *, event: DomainEvent, now: datetime) -> None:
        """That month's Patch Tuesday reminder, once (AlreadyDone if written before)."""
        marker = MarkerItem(PATCH_TUESDAY_PARTITION, f"{MONTH_PREFIX}{month}", written_at=now, expires_at=now + REMINDERS_KEPT_FOR)
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.save(marker, condition=MarkerItem.pk.does_not_exist())
                for item in outbox_items(PATCH_TUESDAY_PARTITION, month, [event], now):
                    transaction.save(item)
        except TransactWriteError as error:
            _refusal(error, AlreadyDone)


def _refusal(error: TransactWriteError, *refusals: type[Exception]) -> None:
    """The refusal of the first write whose condition failed (in the order written), else 503."""
    reasons = [reason.code if reason else None for reason in (error.cancellation_reasons or [])]
    for refusal, reason in zip(refusals, reasons, strict=False):
        if reason == "ConditionalCheckFailed":
            raise refusal() from error
    raise unavailable("DynamoDB", BUSY) from error


def _item(update: WindowsUpdate) -> WindowsUpdateItem:
    return WindowsUpdateItem(
        *windows_update_key(update.kb),
        kb=update.kb,
        title=update.title,
        classification=update.classification.value,
        released_on=update.released_on.isoformat(),
        expected_on=update.expected_on.isoformat(),
        status=update.status.value,
        rejection_reason=update.rejection_reason,
        severity=update.msrc_severity.value if update.msrc_severity else None,
        products=update.products,
        comment=update.comment,
        recorded_at=update.recorded_at,
        recorded_by=update.recorded_by.model_dump_json(),
        decided_at=update.decided_at,
        decided_by=update.decided_by.model_dump_json() if update.decided_by else None,
        version=update.version,
    )


def _update(item: WindowsUpdateItem) -> WindowsUpdate:
    return WindowsUpdate(
        kb=item.kb,
        title=item.title,
        classification=item.classification,
        msrc_severity=item.severity,
        products=list(item.products or []),
        released_on=date.fromisoformat(item.released_on),
        expected_on=date.fromisoformat(item.expected_on),
        status=KbStatus(item.status),
        critical=is_critical(Classification(item.classification), MsrcSeverity(item.severity) if item.severity else None),
        rejection_reason=item.rejection_reason,
        comment=item.comment,
        recorded_at=item.recorded_at,
        recorded_by=Actor.model_validate_json(item.recorded_by),
        decided_at=item.decided_at,
        decided_by=Actor.model_validate_json(item.decided_by) if item.decided_by else None,
        version=int(item.version),
    )


def _listing(update: WindowsUpdate) -> list[ListingItem]:
    body = update.model_dump_json(by_alias=True)
    return [
        ListingItem(WINDOWS_UPDATES_LISTING, f"{LISTED_ALL}{update.released_on.isoformat()}#{update.kb}", body=body),
        ListingItem(WINDOWS_UPDATES_LISTING, _status_key(update), body=body),
    ]


def _status_key(update: WindowsUpdate) -> str:
    return f"{LISTED_STATUS}{update.status.value}#{update.released_on.isoformat()}#{update.kb}"
