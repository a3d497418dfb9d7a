"""Completing an upload: every part present with its exact size, the whole file's CRC32 checked before
S3 assembles it (when S3 reports the parts' checksums) and on the stored object after, then the file
recorded on the case and announced. A checksum mismatch discards the upload: the client starts again.
A completion retried after S3 assembled the object but before the file was recorded finishes the job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from functions.files.logic.access import case_open_for_uploads
from functions.files.logic.checksums import combined_crc32, from_base64, to_base64
from functions.files.logic.events import file_added
from functions.files.logic.parts import part_length
from functions.files.logic.ports import FileStorage, FileStore
from functions.files.models.errors import (
    ChecksumMismatch,
    ChecksumRejected,
    ObjectMissing,
    PartSizeMismatch,
    PartsMissing,
    PartsRejected,
    UploadGone,
    UploadNotFound,
)
from functions.files.models.files import CaseFile
from functions.files.models.limits import ALGORITHM
from functions.files.models.records import S3Part, UploadRecord
from functions.shared.auth import Caller
from functions.shared.errors import ServiceUnavailable
from functions.shared.observability import logger

_LISTED_NUMBERS = 20


@dataclass(frozen=True)
class CompletedUpload:
    file: CaseFile
    replayed: bool = False  # recorded by an earlier (or a concurrent) completion of the same upload


def _numbers(numbers: list[int]) -> str:
    shown = ", ".join(str(number) for number in numbers[:_LISTED_NUMBERS])
    return f"{shown} and {len(numbers) - _LISTED_NUMBERS} more" if len(numbers) > _LISTED_NUMBERS else shown


def checked_parts(upload: UploadRecord, parts: list[S3Part]) -> list[S3Part]:
    """Parts 1..partCount, each exactly the size the part layout gives it; raises PartsMissing or PartSizeMismatch."""
    by_number = {part.part_number: part for part in parts}
    wanted = range(1, upload.part_count + 1)
    missing = [number for number in wanted if number not in by_number]
    if missing:
        raise PartsMissing(
            f"Part(s) {_numbers(missing)} of {upload.part_count} are missing; upload them, then complete again.", field="parts"
        )
    for number in wanted:
        expected = part_length(upload.size, upload.part_size, number)
        if by_number[number].size != expected:
            raise PartSizeMismatch(
                f"Part {number} holds {by_number[number].size} bytes, but must hold {expected} (partSize {upload.part_size}, "
                f"the last part the rest of the {upload.size} bytes); upload it again.",
                field="parts",
            )
    return [by_number[number] for number in wanted]


def parts_checksum(parts: list[S3Part]) -> str | None:
    """The whole file's CRC32 from the parts' CRC32 values, when S3 reported every one of them."""
    reported = [(part.checksum, part.size) for part in parts if part.checksum is not None]
    if not parts or len(reported) < len(parts):
        return None
    return to_base64(combined_crc32([(from_base64(checksum), size) for checksum, size in reported]))


def _mismatch(upload: UploadRecord, actual: str | None) -> ChecksumMismatch:
    found = f"the stored bytes' CRC32 is {actual}" if actual else "S3 refused it"
    return ChecksumMismatch(
        f"The declared CRC32 {upload.checksum} does not match the file ({found}); the upload is discarded: check the file "
        "and upload it again.",
        field="checksum",
    )


def complete_upload(
    case_number: str,
    upload_id: str,
    caller: Caller,
    *,
    store: FileStore,
    storage: FileStorage,
    now: datetime,
) -> CompletedUpload:
    case = case_open_for_uploads(case_number, caller, store)
    upload = store.get_upload(case_number, upload_id)
    if upload is None:  # completed already (completing deletes the upload), or aborted or expired
        return _replayed(
            case_number, upload_id, store, f"Upload {upload_id} was not found on case {case_number}: it was aborted or expired."
        )
    if upload.completed_at:  # completed while completing kept the upload
        return _replayed(case_number, upload.file_id, store, f"Upload {upload_id} is complete but its file is gone.")
    if upload.is_expired(now):
        raise UploadNotFound(f"Upload {upload_id} was not found on case {case_number}: it was aborted or expired.", field="uploadId")
    declared_by_parts = None
    try:
        parts = checked_parts(upload, storage.list_parts(upload))
        declared_by_parts = parts_checksum(parts)
        if declared_by_parts is not None and declared_by_parts != upload.checksum:
            _discard(upload, case.account_id, store, storage)
            raise _mismatch(upload, declared_by_parts)
        storage.complete_multipart(upload, parts)
    except UploadGone:
        # S3 assembled the object already: for a concurrent request, or for an earlier attempt that failed
        # before recording the file (storage busy, a timeout). The object below is checked and recorded as
        # if this request had assembled it; otherwise every retry would wait for the upload to expire.
        logger.info("S3 completed this upload already", extra={"object_key": upload.object_key})
    except ChecksumRejected:
        _discard(upload, case.account_id, store, storage)
        raise _mismatch(upload, None) from None
    except PartsRejected:
        raise PartsMissing(
            "Storage refused the part list: a part changed or went missing meanwhile; GET the upload, upload what is missing "
            "and complete again.",
            field="parts",
        ) from None

    try:
        stored = storage.stored_checksum(upload.object_key)
    except ObjectMissing:  # no object either: aborted meanwhile, or S3 is still assembling it for another request
        return _completed_meanwhile(upload, store)
    if stored != upload.checksum and not (stored is None and declared_by_parts == upload.checksum):
        if stored is None:
            logger.error("no full-object checksum on a completed upload", extra={"object_key": upload.object_key})
        storage.delete_object(upload.object_key)
        store.delete_upload(upload, case.account_id)
        raise _mismatch(upload, stored)

    file = CaseFile(
        file_id=upload.file_id,
        case_number=case_number,
        file_name=upload.file_name,
        size=upload.size,
        content_type=upload.content_type,
        checksum={"algorithm": ALGORITHM, "value": upload.checksum},
        uploaded_by=upload.creator,
        uploaded_at=now,
    )
    # The file, its upload gone (no longer open) and its event, at once (a concurrent completion may have
    # recorded it first).
    event = file_added(file, case.account_id, caller, file.uploaded_at)
    if not store.record_file(upload, file, event, account_id=case.account_id, now=now):
        return _completed_meanwhile(upload, store)
    return CompletedUpload(file)


def _discard(upload: UploadRecord, account_id: str, store: FileStore, storage: FileStorage) -> None:
    storage.abort_multipart(upload)
    store.delete_upload(upload, account_id)


def _completed_meanwhile(upload: UploadRecord, store: FileStore) -> CompletedUpload:
    again = store.get_upload(upload.case_number, upload.upload_id)
    if again is None:
        return _replayed(upload.case_number, upload.file_id, store, f"Upload {upload.upload_id} was aborted meanwhile; start a new upload.")
    if not again.completed_at:
        raise ServiceUnavailable("Another request is completing this upload; retry in a few seconds.")
    return _replayed(again.case_number, again.file_id, store, f"Upload {upload.upload_id} is complete but its file is gone.")


def _replayed(case_number: str, file_id: str, store: FileStore, otherwise: str) -> CompletedUpload:
    """A completion retried (its answer was lost), or made by a concurrent request: the same file (its event
    went out with its record); `otherwise` says why there is none."""
    stored = store.get_file(case_number, file_id)
    if stored is None:
        raise UploadNotFound(otherwise, field="uploadId")
    return CompletedUpload(stored.file, replayed=True)
