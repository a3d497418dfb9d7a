"""The only code of the files domain that talks to DynamoDB. Maps SDK errors to domain errors."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from pynamodb.exceptions import DeleteError, DoesNotExist, GetError, PutError, QueryError, TransactWriteError
from pynamodb.transactions import TransactWrite

from functions.files.models.files import CaseFile
from functions.files.models.limits import ALGORITHM
from functions.files.models.records import StoredFile, UploadRecord
from functions.shared.case_state import CaseState
from functions.shared.dal.case_view import read_case_state
from functions.shared.dal.outbox import outbox_items
from functions.shared.domain_event import DomainEvent
from functions.shared.errors import ServiceUnavailable
from functions.shared.observability import logger

from .tables import FILE_PREFIX, UPLOAD_PREFIX, FileItem, UploadItem, bind_files_tables, files_key

BUSY = "The file records are busy; retry in a few seconds."


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


def _unavailable(error: Exception) -> ServiceUnavailable:
    logger.exception("DynamoDB call failed")
    return ServiceUnavailable(BUSY)


class FileRepository:
    def __init__(self, table_name: str):
        self._connection = bind_files_tables(table_name)

    def get_case_state(self, case_number: str) -> CaseState | None:
        return read_case_state(case_number)

    def save_upload(self, upload: UploadRecord) -> None:
        try:
            _upload_item(upload).save(condition=UploadItem.pk.does_not_exist())
        except PutError as error:
            raise _unavailable(error) from error

    def get_upload(self, case_number: str, upload_id: str) -> UploadRecord | None:
        try:
            return _to_upload(UploadItem.get(*_upload_key(case_number, upload_id), consistent_read=True))
        except DoesNotExist:
            return None
        except GetError as error:
            raise _unavailable(error) from error

    def list_uploads(self, case_number: str) -> list[UploadRecord]:
        return [_to_upload(item) for item in self._query(UploadItem, case_number, UPLOAD_PREFIX)]

    def delete_upload(self, case_number: str, upload_id: str) -> None:
        try:
            UploadItem(*_upload_key(case_number, upload_id)).delete()
        except DeleteError as error:
            raise _unavailable(error) from error

    def record_file(self, upload: UploadRecord, file: CaseFile, event: DomainEvent, *, now: datetime) -> bool:
        """The file item, the upload marked completed and the file's event (the outbox), in one
        transaction, only if the upload is still there and not completed yet."""
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
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.update(
                    UploadItem(*_upload_key(upload.case_number, upload.upload_id)),
                    actions=[UploadItem.completed_at.set(file.uploaded_at)],
                    condition=pending,
                )
                transaction.save(item, condition=FileItem.pk.does_not_exist())
                for outbox_item in outbox_items(files_key(file.case_number), file.file_id, [event], now):
                    transaction.save(outbox_item)
        except TransactWriteError as error:
            reasons = [reason.code if reason else None for reason in (error.cancellation_reasons or [])]
            if "ConditionalCheckFailed" in reasons or "TransactionConflict" in reasons:
                return False
            raise _unavailable(error) from error
        return True

    def get_file(self, case_number: str, file_id: str) -> StoredFile | None:
        try:
            item = FileItem.get(*_file_key(case_number, file_id), consistent_read=True)
        except DoesNotExist:
            return None
        except GetError as error:
            raise _unavailable(error) from error
        return StoredFile(_to_file(item), item.object_key)

    def list_files(self, case_number: str) -> list[CaseFile]:
        return [_to_file(item) for item in self._query(FileItem, case_number, FILE_PREFIX)]

    def _query(self, model, case_number: str, prefix: str) -> list:
        """Every page of one prefix of the case's partition (strongly consistent)."""
        try:
            return list(model.query(files_key(case_number), model.sk.startswith(prefix), consistent_read=True))
        except QueryError as error:
            raise _unavailable(error) from error


@lru_cache(maxsize=1)
def file_repository(table_name: str) -> FileRepository:
    return FileRepository(table_name)
