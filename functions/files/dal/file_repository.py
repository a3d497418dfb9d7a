"""The only code of the files domain that talks to DynamoDB. Maps SDK errors to domain errors."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from pynamodb.exceptions import DoesNotExist, GetError, QueryError, TransactGetError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition, size
from pynamodb.transactions import TransactGet, TransactWrite

from functions.files.models.errors import IdempotencyKeyTaken, OpenUploadsFull
from functions.files.models.files import CaseFile
from functions.files.models.limits import ALGORITHM
from functions.files.models.records import StoredFile, UploadRecord
from functions.shared.case_state import CaseState
from functions.shared.dal.case_view import CaseViewItem, case_key, read_case_state, to_case_state
from functions.shared.dal.errors import unavailable
from functions.shared.dal.idempotency import IdempotencyItem, idempotency_item, idempotency_key, to_record, unused
from functions.shared.dal.outbox import outbox_items
from functions.shared.dal.rate_limit import count_change
from functions.shared.domain_event import DomainEvent
from functions.shared.errors import BadRequest, ServiceUnavailable
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest
from functions.shared.observability import logger
from functions.shared.rate_limit import TooManyChanges

from .tables import (
    FILE_PREFIX,
    UPLOAD_PREFIX,
    FileItem,
    FilesTableItem,
    OpenUploadsItem,
    UploadItem,
    account_open_uploads_key,
    bind_files_tables,
    case_open_uploads_key,
    files_key,
)

BUSY = "The file records are busy; retry in a few seconds."
Item = TypeVar("Item", bound=FilesTableItem)
Found = TypeVar("Found")
# A transaction that lost to a concurrent one on the same items (two starts on one account) is tried again:
# its conditions are evaluated afresh, so a retry never exceeds a cap or writes twice.
TRANSACTION_ATTEMPTS = 5
BACKOFF_CAP_SECONDS = 0.1


def _upload_key(case_number: str, upload_id: str) -> tuple[str, str]:
    return files_key(case_number), f"{UPLOAD_PREFIX}{upload_id}"


def _file_key(case_number: str, file_id: str) -> tuple[str, str]:
    return files_key(case_number), f"{FILE_PREFIX}{file_id}"


def _to_upload(item: UploadItem) -> UploadRecord:
    return UploadRecord(
        upload_id=item.upload_id,
        case_number=item.case_number,
        file_id=item.file_id,
        object_key=item.object_key,
        s3_upload_id=item.s3_upload_id,
        file_name=item.file_name,
        size=int(item.size),
        content_type=item.content_type,
        checksum=item.checksum,
        part_size=int(item.part_size),
        part_count=int(item.part_count),
        created_at=item.created_at,
        expires_at=item.expires_at,
        created_by=item.created_by.as_dict(),
        completed_at=item.completed_at,
    )


def _upload_item(upload: UploadRecord) -> UploadItem:
    return UploadItem(
        *_upload_key(upload.case_number, upload.upload_id),
        upload_id=upload.upload_id,
        case_number=upload.case_number,
        file_id=upload.file_id,
        object_key=upload.object_key,
        s3_upload_id=upload.s3_upload_id,
        file_name=upload.file_name,
        size=upload.size,
        content_type=upload.content_type,
        checksum=upload.checksum,
        part_size=upload.part_size,
        part_count=upload.part_count,
        created_at=upload.created_at,
        created_by=upload.created_by,
        expires_at=upload.expires_at,
    )


def open_upload_entry(upload: UploadRecord) -> str:
    """An upload as its OPEN_UPLOADS items hold it: its id and when it expires (tables.py OpenUploadsItem)."""
    return f"{upload.upload_id}@{int(upload.expires_at.timestamp())}"


def _expired(entry: str, now: datetime) -> bool:
    return int(entry.rsplit("@", 1)[1]) <= now.timestamp()


def _open_uploads_keys(upload: UploadRecord, account_id: str) -> list[tuple[str, str]]:
    return [case_open_uploads_key(upload.case_number), account_open_uploads_key(account_id)]


def _to_file(item: FileItem) -> CaseFile:
    return CaseFile(
        file_id=item.file_id,
        case_number=item.case_number,
        file_name=item.file_name,
        size=int(item.size),
        content_type=item.content_type,
        checksum={"algorithm": ALGORITHM, "value": item.checksum},
        uploaded_by=item.uploaded_by.as_dict(),
        uploaded_at=item.uploaded_at,
    )


class FileRepository:
    def __init__(self, table_name: str):
        self._connection = bind_files_tables(table_name)

    def get_case_state(self, case_number: str) -> CaseState | None:
        return read_case_state(case_number)

    def read_for_start(self, case_number: str, idempotency_scope: str | None) -> tuple[CaseState | None, IdempotencyRecord | None]:
        """The case and, when the start has an Idempotency-Key, its record: one round trip either way."""
        if not idempotency_scope:
            return read_case_state(case_number), None
        try:
            with TransactGet(connection=self._connection) as transaction:
                case = transaction.get(CaseViewItem, *case_key(case_number))
                record = transaction.get(IdempotencyItem, *idempotency_key(idempotency_scope))
            found_case, found_record = _found(case.get), _found(record.get)
        except TransactGetError as error:
            raise unavailable("DynamoDB", BUSY) from error
        return (to_case_state(case_number, found_case) if found_case else None, to_record(found_record) if found_record else None)

    def save_upload(
        self,
        upload: UploadRecord,
        *,
        account_id: str,
        case_limit: int,
        account_limit: int,
        idempotency: tuple[IdempotentRequest, dict] | None,
        rate_limited: str | None,
        now: datetime,
    ) -> None:
        """The upload, its place among the case's and the account's open uploads (each under its cap), the
        Idempotency-Key's answer and the caller's change count: one transaction. Raises OpenUploadsFull,
        IdempotencyKeyTaken or TooManyChanges when its condition refuses it."""
        entry = open_upload_entry(upload)
        case_key_, account_key = _open_uploads_keys(upload, account_id)

        def writes(transaction: TransactWrite) -> None:
            transaction.save(_upload_item(upload), condition=UploadItem.pk.does_not_exist())
            if idempotency:
                request, answer = idempotency
                transaction.save(idempotency_item(request, upload.upload_id, answer), condition=unused(now))
            for key, limit in ((case_key_, case_limit), (account_key, account_limit)):
                transaction.update(
                    OpenUploadsItem(*key),
                    actions=[OpenUploadsItem.uploads.add({entry})],
                    condition=OpenUploadsItem.uploads.does_not_exist() | (size(OpenUploadsItem.uploads) < limit),
                )
            if rate_limited:
                count_change(transaction, rate_limited, now)

        # The cancellation reasons come in the order pynamodb sends the operations: its puts, then its updates.
        refusals: list[Exception | None] = [None, *([IdempotencyKeyTaken()] if idempotency else [])]
        refusals += [OpenUploadsFull("case"), OpenUploadsFull("account"), *([TooManyChanges(now)] if rate_limited else [])]
        failed = self._transact(writes)
        refused: dict[type, Exception] = {}
        for refusal, reason in zip(refusals, failed, strict=False):
            if refusal and reason == "ConditionalCheckFailed":
                refused.setdefault(type(refusal), refusal)
        # A concurrent request with the same key wins over any other refusal: this request gets its answer.
        for kind in (IdempotencyKeyTaken, TooManyChanges, OpenUploadsFull):
            if kind in refused:
                raise refused[kind]
        if failed:
            raise _cancelled("start", failed)

    def forget_expired_uploads(self, scope: str, case_number: str, account_id: str, now: datetime) -> int:
        """Takes the entries past their expiry out of the case's (scope "case") or the account's open uploads;
        how many there were."""
        key = case_open_uploads_key(case_number) if scope == "case" else account_open_uploads_key(account_id)
        try:
            item = OpenUploadsItem.get(*key, consistent_read=True)
        except DoesNotExist:
            return 0
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error
        expired = {entry for entry in item.uploads or set() if _expired(entry, now)}
        if expired:
            try:
                OpenUploadsItem(*key).update(actions=[OpenUploadsItem.uploads.delete(expired)])
            except UpdateError as error:
                raise unavailable("DynamoDB", BUSY) from error
        return len(expired)

    def get_upload(self, case_number: str, upload_id: str) -> UploadRecord | None:
        try:
            return _to_upload(UploadItem.get(*_upload_key(case_number, upload_id), consistent_read=True))
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def list_uploads(
        self, case_number: str, *, limit: int, start_key: dict | None, now: datetime
    ) -> tuple[list[UploadRecord], dict | None]:
        """One Query: a page of the case's unfinished, unexpired uploads, oldest first (upload ids sort by
        their start). Completing deletes an upload, but an expired one stays until DynamoDB's TTL deletes it
        (within days) and is filtered out, so a page may hold fewer than `limit` even when more follow."""
        unfinished = UploadItem.completed_at.does_not_exist() & (UploadItem.expires_at > now)
        items, next_key = self._page(UploadItem, case_number, UPLOAD_PREFIX, limit, start_key, unfinished)
        return [_to_upload(item) for item in items], next_key

    def delete_upload(self, upload: UploadRecord, account_id: str) -> None:
        """The upload forgotten and out of the open uploads, at once."""
        entry = open_upload_entry(upload)

        def writes(transaction: TransactWrite) -> None:
            transaction.delete(UploadItem(*_upload_key(upload.case_number, upload.upload_id)))
            for key in _open_uploads_keys(upload, account_id):
                transaction.update(OpenUploadsItem(*key), actions=[OpenUploadsItem.uploads.delete({entry})])

        if failed := self._transact(writes):
            raise _cancelled("abort", failed)

    def record_file(self, upload: UploadRecord, file: CaseFile, event: DomainEvent, *, account_id: str, now: datetime) -> bool:
        """The file item, the upload gone (from the listing and the open uploads) and the file's event (the
        outbox), in one transaction, only if the upload is still there and not completed yet. The file has
        the upload's id (uploads.py start_upload), so a retried completion finds it."""
        item = FileItem(
            *_file_key(file.case_number, file.file_id),
            file_id=file.file_id,
            case_number=file.case_number,
            upload_id=upload.upload_id,
            object_key=upload.object_key,
            file_name=file.file_name,
            size=file.size,
            content_type=file.content_type,
            checksum=file.checksum.value,
            uploaded_by=file.uploaded_by.model_dump(),
            uploaded_at=file.uploaded_at,
        )
        pending = UploadItem.pk.exists() & UploadItem.completed_at.does_not_exist()
        entry = open_upload_entry(upload)

        def writes(transaction: TransactWrite) -> None:
            transaction.delete(UploadItem(*_upload_key(upload.case_number, upload.upload_id)), condition=pending)
            transaction.save(item, condition=FileItem.pk.does_not_exist())
            for outbox_item in outbox_items(files_key(file.case_number), file.file_id, [event], now):
                transaction.save(outbox_item)
            for key in _open_uploads_keys(upload, account_id):
                transaction.update(OpenUploadsItem(*key), actions=[OpenUploadsItem.uploads.delete({entry})])

        failed = self._transact(writes)
        if "ConditionalCheckFailed" in failed:  # completed (or aborted) by another request meanwhile
            return False
        if failed:
            raise _cancelled("completion", failed)
        return True

    def get_file(self, case_number: str, file_id: str) -> StoredFile | None:
        try:
            item = FileItem.get(*_file_key(case_number, file_id), consistent_read=True)
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error
        return StoredFile(_to_file(item), item.object_key)

    def list_files(self, case_number: str, *, limit: int, start_key: dict | None) -> tuple[list[CaseFile], dict | None]:
        """One Query: a page of the case's files, oldest upload first (file ids sort by their upload's start)."""
        items, next_key = self._page(FileItem, case_number, FILE_PREFIX, limit, start_key)
        return [_to_file(item) for item in items], next_key

    def _transact(self, writes: Callable[[TransactWrite], None]) -> list[str | None]:
        """One TransactWriteItems of `writes(transaction)`; tried again when it lost to a concurrent
        transaction on the same items. The cancellation reasons of a refused one, item by item ([] when it
        committed)."""
        for attempt in range(TRANSACTION_ATTEMPTS):
            if attempt:
                time.sleep(random.uniform(0, min(BACKOFF_CAP_SECONDS, 0.01 * 2**attempt)))  # noqa: S311 (jitter, not crypto)
            try:
                with TransactWrite(connection=self._connection) as transaction:
                    writes(transaction)
                return []
            except TransactWriteError as error:
                reasons = [reason.code if reason else None for reason in (error.cancellation_reasons or [])]
                if "ConditionalCheckFailed" in reasons:
                    return reasons
                if "TransactionConflict" not in reasons:
                    raise unavailable("DynamoDB", BUSY) from error
        raise ServiceUnavailable(BUSY)

    def _page(
        self, model: type[Item], case_number: str, prefix: str, limit: int, start_key: dict | None, condition: Condition | None = None
    ) -> tuple[list[Item], dict | None]:
        """Exactly one strongly consistent Query of one prefix of the case's partition, for one item more
        than `limit`: the extra item (or DynamoDB's own LastEvaluatedKey when a filter or its 1 MB page cut
        the page short) tells whether a next page exists."""
        try:
            results = model.query(
                files_key(case_number),
                model.sk.startswith(prefix),
                filter_condition=condition,
                consistent_read=True,
                page_size=limit + 1,
                last_evaluated_key=start_key,
            )
            raw = next(results.page_iter).get("Items", [])
        except QueryError as error:
            if start_key and error.cause_response_code == "ValidationException":
                raise BadRequest("nextToken does not fit this listing; start again without it.", field="nextToken") from error
            raise unavailable("DynamoDB", BUSY) from error
        items = [model.from_raw_data(item) for item in raw[:limit]]
        if len(raw) > limit:
            return items, {"pk": raw[limit - 1]["pk"], "sk": raw[limit - 1]["sk"]}
        return items, results.page_iter.last_evaluated_key


def _cancelled(what: str, reasons: list[str | None]) -> ServiceUnavailable:
    logger.error("transaction cancelled", extra={"operation": what, "reasons": reasons})
    return ServiceUnavailable(BUSY)


def _found(read: Callable[[], Found]) -> Found | None:
    try:
        return read()
    except DoesNotExist:
        return None
