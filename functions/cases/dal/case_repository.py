"""The only code of the cases domain that talks to DynamoDB. Maps SDK errors to domain errors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from pynamodb.exceptions import DoesNotExist, GetError, QueryError, TransactGetError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model
from pynamodb.transactions import TransactGet

from functions.cases.models.case import Case, CaseSummary, Status
from functions.cases.models.lifecycle import STAFF_ONLY_KINDS, CaseUpdate, HistoryEntry, PreparedChange
from functions.cases.models.records import (
    Account,
    BehindGaCaseOpen,
    EventAlreadyApplied,
    IdempotencyKeyTaken,
    MonitoringCaseExists,
    QuotaMarker,
    QuotaTaken,
    ResolvedCaseChanged,
    StaleCase,
)
from functions.cases.models.requests import CaseQueue
from functions.shared.auth import AUTOMATION_ROLE
from functions.shared.dal.case_view import case_key
from functions.shared.dal.errors import unavailable
from functions.shared.dal.idempotency import idempotency_item, idempotency_key, to_record, unused
from functions.shared.dal.outbox import outbox_items
from functions.shared.dal.platform_view import (
    GatewayCatalogViewItem,
    PlatformFacts,
    PlatformViewItem,
    WindowsUpdateViewItem,
    gateway_catalog_key,
    platform_key,
    windows_update_key,
)
from functions.shared.dal.transactions import Check, Write, write_change
from functions.shared.domain_event import DomainEvent
from functions.shared.errors import BadRequest
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest
from functions.shared.update_rules import WindowsUpdate

from .case_items import common_fields, history_item, page_key, phase, to_account, to_case, to_history, to_item, to_update, update_item
from .tables import (
    ACCOUNT_PREFIX,
    APPLIED_KEPT_FOR,
    APPLIED_PREFIX,
    BEHIND_GA_PREFIX,
    BEHIND_GA_SORT_KEY,
    CASE_NUMBER_COUNTER,
    HISTORY_PREFIX,
    MONITORING_CASE_SORT_KEY,
    MONITORING_PREFIX,
    OWNER_PREFIX,
    QUOTA_PREFIX,
    REGION_PREFIX,
    RESPONSE_PENDING,
    UNASSIGNED,
    UPDATE_PREFIX,
    WAITING,
    AccountItem,
    AppliedEventItem,
    BehindGaCaseItem,
    CaseItem,
    CounterItem,
    HistoryItem,
    IdempotencyItem,
    MonitoringCaseItem,
    QuotaItem,
    TableItem,
    UpdateItem,
    bind_tables,
)

BUSY = "The case store is busy; retry in a few seconds."
# A page of updates or history stops growing at about this many bytes of JSON, far below Lambda's 6 MB answer.
PAGE_BYTES = 1024 * 1024
TRANSACT_GET_KEYS = 25
HISTORY_PAGE = 100  # a case's history entries read per Query when looking for a person's change
Record = TypeVar("Record", CaseUpdate, HistoryEntry)


class CaseRepository:
    def __init__(self, table_name: str):
        self._connection = bind_tables(table_name)

    def next_case_number(self) -> int:
        counter = CounterItem(CASE_NUMBER_COUNTER, "COUNTER")
        try:
            counter.update(actions=[CounterItem.value.add(1)])
        except UpdateError as error:
            raise unavailable("DynamoDB", BUSY) from error
        return int(counter.value)

    def read_before_create(self, idempotency_scope: str | None, account_id: str | None) -> tuple[IdempotencyRecord | None, Account | None]:
        """The Idempotency-Key's record and the account a case is opened for, each only when asked for,
        in one round trip."""
        keys: list[tuple[type[Model], str, str]] = []
        if idempotency_scope:
            keys.append((IdempotencyItem, *idempotency_key(idempotency_scope)))
        if account_id:
            keys.append((AccountItem, f"{ACCOUNT_PREFIX}{account_id}", "ACCOUNT"))
        items = iter(self._read(keys))
        record = next(items) if idempotency_scope else None
        account = next(items) if account_id else None
        return (to_record(record) if record else None, to_account(account) if account else None)

    def read_for_change(self, case_number: str, idempotency_scope: str | None) -> tuple[Case | None, IdempotencyRecord | None]:
        """The case and, when the change has an Idempotency-Key, its record: one round trip either way."""
        keys: list[tuple[type[Model], str, str]] = [(CaseItem, *case_key(case_number))]
        if idempotency_scope:
            keys.append((IdempotencyItem, *idempotency_key(idempotency_scope)))
        case, *record = self._read(keys)
        return (to_case(case) if case else None, to_record(record[0]) if record and record[0] else None)

    def read_before_monitoring_case(self, group_id: str, account_id: str) -> tuple[str | None, Account | None]:
        """The case a monitoring incident opened (None: none yet) and the account it is for, in one round trip."""
        claim, account = self._read(
            [(MonitoringCaseItem, *monitoring_case_key(group_id)), (AccountItem, f"{ACCOUNT_PREFIX}{account_id}", "ACCOUNT")]
        )
        return (claim.case_number if claim else None, to_account(account) if account else None)

    def read_before_behind_ga_case(self, account_id: str) -> tuple[Case | None, str | None, Account | None]:
        claim, account = self._read(
            [(BehindGaCaseItem, *behind_ga_key(account_id)), (AccountItem, f"{ACCOUNT_PREFIX}{account_id}", "ACCOUNT")]
        )
        case = self.get_case(claim.case_number) if claim else None
        return case, claim.event_key if claim else None, to_account(account) if account else None

    def create_behind_ga_case(
        self, case: Case, history: HistoryEntry, events: list[DomainEvent], *, event_key: str, replaces: str | None, now: datetime
    ) -> None:
        claim = BehindGaCaseItem(*behind_ga_key(case.account_id), case_number=case.case_number, event_key=event_key, created_at=now)
        taken = BehindGaCaseItem.pk.does_not_exist() if replaces is None else BehindGaCaseItem.case_number == replaces
        # The case it replaces must still be closed: reopened meanwhile, it is the account's open one.
        still_closed = [(CaseItem, case_key(replaces), CaseItem.status == Status.CLOSED.value, BehindGaCaseOpen)] if replaces else []
        self._transact(
            now,
            None,
            (to_item(case), CaseItem.pk.does_not_exist(), None),
            (claim, taken, BehindGaCaseOpen),
            (history_item(case.case_number, history), None, None),
            *_outbox(case, events, now),
            checks=still_closed,
        )

    def get_account(self, account_id: str) -> Account | None:
        (account,) = self._read([(AccountItem, f"{ACCOUNT_PREFIX}{account_id}", "ACCOUNT")])
        return to_account(account) if account else None

    def _read(self, keys: list[tuple[type[Model], str, str]]) -> list[Any]:
        """Strongly consistent reads, None where an item is missing: one GetItem for one key, one
        TransactGetItems for up to 25."""
        try:
            if len(keys) == 1:
                model, pk, sk = keys[0]
                return [_found(lambda: model.get(pk, sk, consistent_read=True))]
            if not keys:
                return []
            found = []
            # moto takes 25 keys per TransactGetItems (AWS's limit until 2022, 100 since); a read of more is several, and
            # the write that follows is conditional on what each read said.
            for start in range(0, len(keys), TRANSACT_GET_KEYS):
                with TransactGet(connection=self._connection) as transaction:
                    futures = [transaction.get(model, pk, sk) for model, pk, sk in keys[start : start + TRANSACT_GET_KEYS]]
                found += [_found(future.get) for future in futures]
            return found
        except (GetError, TransactGetError) as error:
            raise unavailable("DynamoDB", BUSY) from error

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
        """Writes the case, its first history entry, its events and, when given, its Idempotency-Key in one
        transaction (counting the change against `rate_limited`, the caller's user id)."""
        keys = [(idempotency_item(idempotency, case.case_number), unused(now), IdempotencyKeyTaken)] if idempotency else []
        self._transact(
            now,
            rate_limited,
            (to_item(case), CaseItem.pk.does_not_exist(), None),
            (history_item(case.case_number, history), None, None),
            *_outbox(case, events, now),
            *keys,
        )

    def create_monitoring_case(self, case: Case, history: HistoryEntry, events: list[DomainEvent], *, group_id: str, now: datetime) -> None:
        """Writes a monitoring incident's case, its claim on the incident (MonitoringCaseExists: the incident
        has its case already), its first history entry and its events in one transaction."""
        claim = MonitoringCaseItem(
            *monitoring_case_key(group_id), group_id=group_id, case_number=case.case_number, account_id=case.account_id, created_at=now
        )
        self._transact(
            now,
            None,
            (to_item(case), CaseItem.pk.does_not_exist(), None),
            (claim, MonitoringCaseItem.pk.does_not_exist(), MonitoringCaseExists),
            (history_item(case.case_number, history), None, None),
            *_outbox(case, events, now),
        )

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
        """The changed case, its history entry, its update (if any), its events, the Idempotency-Key's answer
        (if any), the mark of another domain's event it applies (if any: EventAlreadyApplied when the case
        has it already) and the entitlement marker a cancelled installation case lets go (if any) in one
        transaction, only if nobody changed the case since `before_version` was read."""
        updates = [(update_item(case.case_number, update), None, None)] if update else []
        keys: list[tuple] = []
        if idempotency:
            request, answer = idempotency
            keys.append((idempotency_item(request, case.case_number, answer), unused(now), IdempotencyKeyTaken))
        if applied_event:
            mark = AppliedEventItem(
                case_key(case.case_number)[0],
                f"{APPLIED_PREFIX}{applied_event}",
                event_key=applied_event,
                applied_at=now,
                expires_at=now + APPLIED_KEPT_FOR,
            )
            keys.append((mark, AppliedEventItem.pk.does_not_exist(), EventAlreadyApplied))
        freed = [QuotaItem(*quota_key(case.account_id, frees_quota))] if frees_quota else []
        self._transact(
            now,
            rate_limited,
            (to_item(case), CaseItem.version == before_version, StaleCase),
            (history_item(case.case_number, history), None, None),
            *updates,
            *_outbox(case, events, now),
            *keys,
            removals=freed,
        )

    def read_before_installation(
        self, idempotency_scope: str | None, account_id: str, case_numbers: list[str]
    ) -> tuple[IdempotencyRecord | None, Account | None, dict[str, Case]]:
        """The Idempotency-Key's record, the account and the cases an installation closes: one TransactGetItems
        (at most 48 cases, 50 keys)."""
        keys: list[tuple[type[Model], str, str]] = [(AccountItem, f"{ACCOUNT_PREFIX}{account_id}", "ACCOUNT")]
        keys += [(CaseItem, *case_key(number)) for number in case_numbers]
        if idempotency_scope:
            keys.append((IdempotencyItem, *idempotency_key(idempotency_scope)))
        account, *rest = self._read(keys)
        record = rest.pop() if idempotency_scope else None
        cases = {number: to_case(item) for number, item in zip(case_numbers, rest, strict=True) if item is not None}
        return (to_record(record) if record else None, to_account(account) if account else None, cases)

    def quota_markers(self, account_id: str, prefix: str) -> list[QuotaMarker]:
        """The account's entitlement markers of one period (one Query, a handful of items)."""
        try:
            items = QuotaItem.query(f"{QUOTA_PREFIX}{account_id}", QuotaItem.sk.startswith(prefix), consistent_read=True)
            return [QuotaMarker(item.sk, item.case_number, item.period, item.requested_at) for item in items]
        except QueryError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def platform(self, account_id: str) -> PlatformFacts | None:
        (item,) = self._read([(PlatformViewItem, *platform_key(account_id))])
        return item.facts() if item else None

    def windows_updates(self, kbs: list[str]) -> dict[str, WindowsUpdate]:
        items = self._read([(WindowsUpdateViewItem, *windows_update_key(kb)) for kb in kbs])
        return {item.kb: item.decided() for item in items if item is not None}

    def gateway_catalogs(self, gateway_types: set[str]) -> dict[str, list[str]]:
        items = self._read([(GatewayCatalogViewItem, *gateway_catalog_key(gateway_type)) for gateway_type in sorted(gateway_types)])
        return {item.gateway_type: list(item.updates) for item in items if item is not None}

    def create_installation(
        self,
        case: Case,
        history: HistoryEntry,
        events: list[DomainEvent],
        closures: list[PreparedChange],
        *,
        quota: QuotaMarker | None,
        idempotency: tuple[IdempotentRequest, dict[str, Any]] | None,
        rate_limited: str,
        now: datetime,
    ) -> None:
        """The installation case, its entitlement marker and every case it closes, in one transaction: a closed case
        changed since it was read refuses it all (ResolvedCaseChanged, naming it)."""
        writes: list[Write] = [
            (to_item(case), CaseItem.pk.does_not_exist(), None),
            (history_item(case.case_number, history), None, None),
            *_outbox(case, events, now),
        ]
        if quota:
            marker = QuotaItem(
                *quota_key(case.account_id, quota.sort_key), case_number=case.case_number, period=quota.period, requested_at=now
            )
            writes.append((marker, QuotaItem.pk.does_not_exist(), QuotaTaken))
        for closure in closures:
            closed = closure.after
            writes += [
                (to_item(closed), CaseItem.version == closure.before_version, partial(ResolvedCaseChanged, closed.case_number)),
                (history_item(closed.case_number, closure.history), None, None),
                *([(update_item(closed.case_number, closure.update), None, None)] if closure.update else []),
                *_outbox(closed, closure.events, now),
            ]
        if idempotency:
            request, answer = idempotency
            writes.append((idempotency_item(request, case.case_number, answer), unused(now), IdempotencyKeyTaken))
        self._transact(now, rate_limited, *writes)

    def _transact(
        self, now: datetime, rate_limited: str | None, *writes: Write, removals: Sequence[Model] = (), checks: Sequence[Check] = ()
    ) -> None:
        write_change(
            self._connection, *writes, stale=StaleCase, busy=BUSY, now=now, rate_limited=rate_limited, removals=removals, checks=checks
        )

    def list_updates(
        self, case_number: str, *, limit: int, start_key: dict | None, staff_view: bool = True
    ) -> tuple[list[CaseUpdate], dict | None]:
        """`staff_view` False: without the updates only staff read (internal notes), which the Query filters out
        (a page holding some reads on until it is full)."""
        hidden = None if staff_view else _not_staff_only()
        return self._page(UpdateItem, to_update, case_number, UPDATE_PREFIX, limit, start_key, hidden)

    def list_history(self, case_number: str, *, limit: int, start_key: dict | None) -> tuple[list[HistoryEntry], dict | None]:
        return self._page(HistoryItem, to_history, case_number, HISTORY_PREFIX, limit, start_key)

    def _page(
        self,
        model: type[TableItem],
        convert: Callable[[Any], Record],
        case_number: str,
        prefix: str,
        limit: int,
        start_key: dict | None,
        filter_condition: Condition | None = None,
    ) -> tuple[list[Record], dict | None]:
        """One Query, oldest first; one item more than `limit` tells whether a next page exists. The page
        also ends before its answer would pass PAGE_BYTES (updates may hold 64 KiB of text each). A filter
        makes it read on (another Query) while what it left out keeps the page short of full."""
        pk, _ = case_key(case_number)
        try:
            query = model.query(
                pk,
                model.sk.startswith(prefix),
                filter_condition=filter_condition,
                limit=limit + 1,
                page_size=limit + 1,
                last_evaluated_key=start_key,
            )
            items = list(query)
        except QueryError as error:
            if start_key and error.cause_response_code == "ValidationException":
                raise BadRequest("nextToken does not fit this listing; start again without it.", field="nextToken") from error
            raise unavailable("DynamoDB", BUSY) from error
        page: list[tuple[TableItem, Record]] = []
        size = 0
        for item in items[:limit]:
            record = convert(item)
            size += len(record.model_dump_json(by_alias=True))
            if page and size > PAGE_BYTES:
                break
            page.append((item, record))
        more = len(page) < len(items)
        next_key = {"pk": {"S": page[-1][0].pk}, "sk": {"S": page[-1][0].sk}} if more else None
        return [record for _, record in page], next_key

    def changed_by_a_person(self, case_number: str) -> bool:
        """Whether anyone but the automation changed the case after its opening (posted an update, took it,
        set a field, closed or reopened it): its history entries after the first, by their actor's role. One
        strongly consistent Query of up to HISTORY_PAGE entries, and another for each HISTORY_PAGE more while none is
        a person's."""
        pk, _ = case_key(case_number)
        after_opening = HistoryItem.sk.between(f"{HISTORY_PREFIX}{2:010d}", f"{HISTORY_PREFIX}{'9' * 10}")
        try:
            found = HistoryItem.query(
                pk,
                after_opening,
                filter_condition=HistoryItem.actor["role"] != AUTOMATION_ROLE,
                consistent_read=True,
                limit=1,
                page_size=HISTORY_PAGE,  # entries evaluated per Query (the filter leaves out the automation's)
                attributes_to_get=["pk", "sk"],
            )
            return next(iter(found), None) is not None
        except QueryError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def get_case(self, case_number: str) -> Case | None:
        try:
            # Strongly consistent: a change is decided on it, and an ETag just returned must still match.
            return to_case(CaseItem.get(*case_key(case_number), consistent_read=True))
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def list_cases(
        self, *, account_id: str, contact_id: str | None, status: Status | None, limit: int, start_key: dict | None
    ) -> tuple[list[CaseSummary], dict | None]:
        """One page of a view, newest modification first: exactly one Query.

        `contact_id` narrows to one contact's cases; `status` None means every non-closed status.
        """
        owner = f"{account_id}#{contact_id}" if contact_id else account_id
        scope = "contact" if contact_id else "account"
        if status is None or status is Status.CLOSED:
            kind, partition = "phase", f"{owner}#{phase(status.value if status else '')}"
        else:
            kind, partition = "status", f"{owner}#{status.value}"
        return self._index_page(getattr(CaseItem, f"{scope}_{kind}_index"), partition, limit=limit, start_key=start_key)

    def list_queue(
        self, queue: CaseQueue, *, owner_id: str | None, region: str | None, limit: int, start_key: dict | None
    ) -> tuple[list[CaseSummary], dict | None]:
        """One page of a staff queue (functions/cases/dal/tables.py): exactly one Query. The first responses due
        come soonest due first, every other queue newest activity first."""
        index, partition = {
            CaseQueue.UNASSIGNED: (CaseItem.owner_queue_index, UNASSIGNED),
            CaseQueue.MINE: (CaseItem.owner_queue_index, f"{OWNER_PREFIX}{owner_id}"),
            CaseQueue.WAITING_ON_CUSTOMER: (CaseItem.waiting_queue_index, WAITING),
            CaseQueue.REGION: (CaseItem.region_queue_index, f"{REGION_PREFIX}{region}"),
            CaseQueue.RESPONSE_DUE: (CaseItem.response_queue_index, RESPONSE_PENDING),
        }[queue]
        soonest_first = queue is CaseQueue.RESPONSE_DUE
        return self._index_page(index, partition, limit=limit, start_key=start_key, newest_first=not soonest_first)

    def _index_page(
        self, index: Any, partition: str, *, limit: int, start_key: dict | None, newest_first: bool = True
    ) -> tuple[list[CaseSummary], dict | None]:
        """Exactly one Query; asks for one item more than `limit` to know, in the same Query, whether a next page exists."""
        try:
            query = index.query(
                partition, limit=limit + 1, page_size=limit + 1, last_evaluated_key=start_key, scan_index_forward=not newest_first
            )
            items = list(query)
        except QueryError as error:
            if start_key and error.cause_response_code == "ValidationException":
                raise BadRequest("nextToken does not fit this list; start again without it.", field="nextToken") from error
            raise unavailable("DynamoDB", BUSY) from error
        page = items[:limit]
        keys = {attribute.is_hash_key: attribute.attr_name for attribute in index.Meta.attributes.values()}
        next_key = page_key(page[-1], keys[True], keys[False]) if len(items) > limit else None
        return [CaseSummary(**common_fields(item)) for item in page], next_key


def behind_ga_key(account_id: str) -> tuple[str, str]:
    return f"{BEHIND_GA_PREFIX}{account_id}", BEHIND_GA_SORT_KEY


def quota_key(account_id: str, sort_key: str) -> tuple[str, str]:
    return f"{QUOTA_PREFIX}{account_id}", sort_key


def monitoring_case_key(group_id: str) -> tuple[str, str]:
    return f"{MONITORING_PREFIX}{group_id}", MONITORING_CASE_SORT_KEY


def _not_staff_only() -> Condition:
    kinds = sorted(kind.value for kind in STAFF_ONLY_KINDS)
    condition: Condition = UpdateItem.update_kind != kinds[0]
    for kind in kinds[1:]:
        condition &= UpdateItem.update_kind != kind
    return condition


def _outbox(case: Case, events: list[DomainEvent], now: datetime) -> list[tuple]:
    """The change's events as outbox items in the case's partition, named by the version the change made."""
    return [(item, None, None) for item in outbox_items(case_key(case.case_number)[0], f"{case.version:010d}", events, now)]


def _found(read: Callable[[], Any]) -> Any:
    try:
        return read()
    except DoesNotExist:
        return None
