"""The only code of the cases domain that talks to DynamoDB. Maps SDK errors to domain errors."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from pynamodb.exceptions import DoesNotExist, GetError, QueryError, TransactGetError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactGet, TransactWrite

from functions.cases.models.case import Case, CaseSummary, Status
from functions.cases.models.lifecycle import CaseUpdate, HistoryEntry
from functions.cases.models.records import Account, IdempotencyKeyTaken, StaleCase
from functions.shared.clock import from_iso, to_iso
from functions.shared.dal.case_view import PURGE_QUEUE, case_key
from functions.shared.dal.idempotency import idempotency_item, idempotency_key, to_record, unused
from functions.shared.dal.outbox import outbox_items
from functions.shared.dal.rate_limit import count_change
from functions.shared.domain_event import DomainEvent
from functions.shared.errors import BadRequest, ServiceUnavailable
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest
from functions.shared.observability import logger
from functions.shared.rate_limit import TooManyChanges
from functions.shared.retention import FILES_KEPT_AFTER_CLOSURE

from .tables import (
    ACCOUNT_PREFIX,
    CASE_NUMBER_COUNTER,
    HISTORY_PREFIX,
    UPDATE_PREFIX,
    AccountItem,
    CaseItem,
    CounterItem,
    HistoryItem,
    IdempotencyItem,
    UpdateItem,
    bind_tables,
)

NON_CLOSED, CLOSED = "NON_CLOSED", "CLOSED"
# A page of updates or history stops growing at about this many bytes of JSON, far below Lambda's 6 MB answer.
PAGE_BYTES = 1024 * 1024
FORM_FIELDS = (
    "case_sub_type", "environment_type", "business_impact", "end_user_account", "sold_to_account",
    "product_group", "product", "major_version", "patch_release", "problem_category", "os", "database",
    "owner_id", "closed_at", "response_due_at", "response_rule", "first_response_at",
    "mac_type", "mac_fields", "time_and_material", "timers", "files_purged_at",
)  # fmt: skip


def _phase(status: str) -> str:
    return CLOSED if status == Status.CLOSED.value else NON_CLOSED


def _purge_keys(case: Case) -> dict:
    """The purge index's attributes while the case's files await the purge; none otherwise, so reopening
    the case or marking its files purged takes it out of the index."""
    if case.status != Status.CLOSED or case.closed_at is None or case.files_purged_at is not None:
        return {}
    closed_at = from_iso(case.closed_at)
    due_at = closed_at + FILES_KEPT_AFTER_CLOSURE
    return {"purge_queue": PURGE_QUEUE, "purge_due_at": to_iso(due_at), "purge_closed_at": case.closed_at}


def _to_item(case: Case) -> CaseItem:
    pk, sk = case_key(case.case_number)
    account, contact, status = case.account_id, f"{case.account_id}#{case.contact_id}", case.status.value
    form = {name: _stored(value) for name in FORM_FIELDS if (value := getattr(case, name)) not in (None, [])}
    return CaseItem(
        pk,
        sk,
        account_status=f"{account}#{status}",
        account_phase=f"{account}#{_phase(status)}",
        contact_status=f"{contact}#{status}",
        contact_phase=f"{contact}#{_phase(status)}",
        modified_key=f"{case.modified_at}#{case.case_number}",
        case_number=case.case_number,
        case_type=case.case_type.value,
        account_id=case.account_id,
        contact_id=case.contact_id,
        opened_by=case.opened_by,
        channel=case.channel.value,
        status=status,
        sub_status=case.sub_status,
        priority=case.priority.value,
        subject=case.subject,
        description=case.description,
        security_threat=case.security_threat,
        form=form,
        created_at=case.created_at,
        modified_at=case.modified_at,
        version=case.version,
        **_purge_keys(case),
    )


def _stored(value):
    """A form value as DynamoDB stores it: enums by value, models (the timers) as maps."""
    if isinstance(value, list):
        return [_stored(element) for element in value]
    return value.model_dump() if isinstance(value, BaseModel) else getattr(value, "value", value)


def _common_fields(item: CaseItem) -> dict:
    return {
        "case_number": item.case_number,
        "case_type": item.case_type,
        "account_id": item.account_id,
        "contact_id": item.contact_id,
        "subject": item.subject,
        "status": item.status,
        "sub_status": item.sub_status,
        "priority": item.priority,
        "created_at": item.created_at,
        "modified_at": item.modified_at,
    }


def _to_case(item: CaseItem) -> Case:
    return Case(
        **_common_fields(item),
        opened_by=item.opened_by,
        channel=item.channel,
        description=item.description,
        security_threat=item.security_threat,
        version=item.version,
        **item.form.as_dict(),
    )


def _page_key(item: CaseItem, index_hash_attribute: str) -> dict:
    """The LastEvaluatedKey DynamoDB would return after `item` on that index."""
    return {
        "pk": {"S": item.pk},
        "sk": {"S": item.sk},
        "modified_key": {"S": item.modified_key},
        index_hash_attribute: {"S": getattr(item, index_hash_attribute)},
    }


class CaseRepository:
    def __init__(self, table_name: str):
        self._connection = bind_tables(table_name)

    def next_case_number(self) -> int:
        counter = CounterItem(CASE_NUMBER_COUNTER, "COUNTER")
        try:
            counter.update(actions=[CounterItem.value.add(1)])
        except UpdateError as error:
            raise _unavailable(error) from error
        return int(counter.value)

    def read_before_create(
        self, idempotency_scope: str | None, account_id: str | None
    ) -> tuple[IdempotencyRecord | None, Account | None]:
        """The Idempotency-Key's record and the account a case is opened for, each only when asked for,
        in one round trip."""
        keys = []
        if idempotency_scope:
            keys.append((IdempotencyItem, *idempotency_key(idempotency_scope)))
        if account_id:
            keys.append((AccountItem, f"{ACCOUNT_PREFIX}{account_id}", "ACCOUNT"))
        items = iter(self._read(keys))
        record = next(items) if idempotency_scope else None
        account = next(items) if account_id else None
        return (to_record(record) if record else None, _to_account(account) if account else None)

    def read_for_change(self, case_number: str, idempotency_scope: str | None) -> tuple[Case | None, IdempotencyRecord | None]:
        """The case and, when the change has an Idempotency-Key, its record: one round trip either way."""
        keys = [(CaseItem, *case_key(case_number))]
        if idempotency_scope:
            keys.append((IdempotencyItem, *idempotency_key(idempotency_scope)))
        case, *record = self._read(keys)
        return (_to_case(case) if case else None, to_record(record[0]) if record and record[0] else None)

    def get_account(self, account_id: str) -> Account | None:
        (account,) = self._read([(AccountItem, f"{ACCOUNT_PREFIX}{account_id}", "ACCOUNT")])
        return _to_account(account) if account else None

    def _read(self, keys: list[tuple]) -> list:
        """Strongly consistent reads, None where an item is missing: one GetItem for one key, one
        TransactGetItems for several."""
        try:
            if len(keys) == 1:
                model, pk, sk = keys[0]
                return [_found(lambda: model.get(pk, sk, consistent_read=True))]
            if not keys:
                return []
            with TransactGet(connection=self._connection) as transaction:
                futures = [transaction.get(model, pk, sk) for model, pk, sk in keys]
            return [_found(future.get) for future in futures]
        except (GetError, TransactGetError) as error:
            raise _unavailable(error) from error

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
            (_to_item(case), CaseItem.pk.does_not_exist(), None),
            (_history_item(case.case_number, history), None, None),
            *_outbox(case, events, now),
            *keys,
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
        now: datetime,
    ) -> None:
        """The changed case, its history entry, its update (if any), its events and the Idempotency-Key's
        answer (if any) in one transaction, only if nobody changed the case since `before_version` was read."""
        updates = [(_update_item(case.case_number, update), None, None)] if update else []
        keys = []
        if idempotency:
            request, answer = idempotency
            keys.append((idempotency_item(request, case.case_number, answer), unused(now), IdempotencyKeyTaken))
        self._transact(
            now,
            rate_limited,
            (_to_item(case), CaseItem.version == before_version, StaleCase),
            (_history_item(case.case_number, history), None, None),
            *updates,
            *_outbox(case, events, now),
            *keys,
        )

    def _transact(self, now: datetime, rate_limited: str | None, *writes: tuple) -> None:
        """One TransactWriteItems of (item, condition, the error its failed condition means), then the
        caller's change counted. A conflicting concurrent transaction on the case is a StaleCase."""
        try:
            with TransactWrite(connection=self._connection) as transaction:
                for item, condition, _ in writes:
                    transaction.save(item, condition=condition)
                if rate_limited:
                    count_change(transaction, rate_limited, now)
        except TransactWriteError as error:
            reasons = [reason.code if reason else None for reason in (error.cancellation_reasons or [])]
            refusals = [refusal for _, _, refusal in writes] + ([TooManyChanges] if rate_limited else [])
            failed = [refusal for refusal, reason in zip(refusals, reasons, strict=False) if reason == "ConditionalCheckFailed"]
            if failed and failed[0] is TooManyChanges:
                raise TooManyChanges(now) from error
            if failed and failed[0] is not None:
                raise failed[0]() from error
            if "TransactionConflict" in reasons:
                raise StaleCase() from error
            raise _unavailable(error) from error

    def list_updates(self, case_number: str, *, limit: int, start_key: dict | None) -> tuple[list[CaseUpdate], dict | None]:
        return self._page(UpdateItem, _to_update, case_number, UPDATE_PREFIX, limit, start_key)

    def list_history(self, case_number: str, *, limit: int, start_key: dict | None) -> tuple[list[HistoryEntry], dict | None]:
        return self._page(HistoryItem, _to_history, case_number, HISTORY_PREFIX, limit, start_key)

    def _page(self, model, convert, case_number: str, prefix: str, limit: int, start_key: dict | None) -> tuple[list, dict | None]:
        """One Query, oldest first; one item more than `limit` tells whether a next page exists. The page
        also ends before its answer would pass PAGE_BYTES (updates may hold 64 KiB of text each)."""
        pk, _ = case_key(case_number)
        try:
            items = list(
                model.query(pk, model.sk.startswith(prefix), limit=limit + 1, page_size=limit + 1, last_evaluated_key=start_key)
            )
        except QueryError as error:
            if start_key and error.cause_response_code == "ValidationException":
                raise BadRequest("nextToken does not fit this listing; start again without it.", field="nextToken") from error
            raise _unavailable(error) from error
        page, size = [], 0
        for item in items[:limit]:
            record = convert(item)
            size += len(record.model_dump_json(by_alias=True))
            if page and size > PAGE_BYTES:
                break
            page.append((item, record))
        more = len(page) < len(items)
        next_key = {"pk": {"S": page[-1][0].pk}, "sk": {"S": page[-1][0].sk}} if more else None
        return [record for _, record in page], next_key

    def get_case(self, case_number: str) -> Case | None:
        try:
            # Strongly consistent: a change is decided on it, and an ETag just returned must still match.
            return _to_case(CaseItem.get(*case_key(case_number), consistent_read=True))
        except DoesNotExist:
            return None
        except GetError as error:
            raise _unavailable(error) from error

    def list_cases(
        self, *, account_id: str, contact_id: str | None, status: Status | None, limit: int, start_key: dict | None
    ) -> tuple[list[CaseSummary], dict | None]:
        """One page of a view, newest modification first: exactly one Query.

        `contact_id` narrows to one contact's cases; `status` None means every non-closed status.
        Asks for one item more than `limit` to know, in the same Query, whether a next page exists.
        """
        owner = f"{account_id}#{contact_id}" if contact_id else account_id
        scope = "contact" if contact_id else "account"
        if status is None or status is Status.CLOSED:
            kind, partition = "phase", f"{owner}#{_phase(status.value if status else '')}"
        else:
            kind, partition = "status", f"{owner}#{status.value}"
        index = getattr(CaseItem, f"{scope}_{kind}_index")
        try:
            items = list(
                index.query(
                    partition, limit=limit + 1, page_size=limit + 1, last_evaluated_key=start_key, scan_index_forward=False
                )
            )
        except QueryError as error:
            if start_key and error.cause_response_code == "ValidationException":
                raise BadRequest("nextToken does not fit this view; start again without it.", field="nextToken") from error
            raise _unavailable(error) from error
        page = items[:limit]
        next_key = _page_key(page[-1], f"{scope}_{kind}") if len(items) > limit else None
        return [CaseSummary(**_common_fields(item)) for item in page], next_key


def _record_key(case_number: str, prefix: str, version: str) -> tuple[str, str]:
    return case_key(case_number)[0], f"{prefix}{int(version):010d}"


def _history_item(case_number: str, entry: HistoryEntry) -> HistoryItem:
    return HistoryItem(
        *_record_key(case_number, HISTORY_PREFIX, entry.entry_id),
        action=entry.action,
        actor=entry.actor.model_dump(exclude_none=True),
        at=entry.at,
        changes=[change.model_dump(by_alias=True) for change in entry.changes],
    )


def _update_item(case_number: str, update: CaseUpdate) -> UpdateItem:
    return UpdateItem(
        *_record_key(case_number, UPDATE_PREFIX, update.update_id),
        update_kind=update.kind.value,
        author=update.author.model_dump(exclude_none=True),
        text=update.text,
        created_at=update.created_at,
    )


def _to_history(item: HistoryItem) -> HistoryEntry:
    return HistoryEntry(
        entry_id=str(int(item.sk.removeprefix(HISTORY_PREFIX))),
        action=item.action,
        actor=item.actor.as_dict(),
        at=item.at,
        changes=[change.as_dict() if hasattr(change, "as_dict") else change for change in item.changes],
    )


def _to_update(item: UpdateItem) -> CaseUpdate:
    return CaseUpdate(
        update_id=str(int(item.sk.removeprefix(UPDATE_PREFIX))),
        kind=item.update_kind,
        author=item.author.as_dict(),
        text=item.text,
        created_at=item.created_at,
    )


def _outbox(case: Case, events: list[DomainEvent], now: datetime) -> list[tuple]:
    """The change's events as outbox items in the case's partition, named by the version the change made."""
    return [(item, None, None) for item in outbox_items(case_key(case.case_number)[0], f"{case.version:010d}", events, now)]


def _to_account(item: AccountItem) -> Account:
    return Account(item.account_id, item.name, item.region, item.contacts.as_dict())


def _found(read):
    try:
        return read()
    except DoesNotExist:
        return None


def _unavailable(error: Exception) -> ServiceUnavailable:
    logger.exception("DynamoDB call failed")
    return ServiceUnavailable("The case store is busy; retry in a few seconds.")

