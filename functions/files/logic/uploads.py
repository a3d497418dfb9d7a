"""Uploads in progress: start one, hand out presigned part URLs, show what S3 holds (resume), list a
case's uploads, abort. Several uploads may run at once on one case; each is its own S3 multipart upload."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from functions.files.logic.access import case_open_for_uploads, visible_case
from functions.files.logic.parts import part_count, part_size
from functions.files.logic.ports import FileStorage, FileStore
from functions.files.models.errors import UploadGone, UploadNotFound
from functions.files.models.files import NewUploadRequest, PartUrl, PartUrls, PartUrlsRequest, StoredPart, Upload, UploadDetail
from functions.files.models.limits import ALGORITHM
from functions.files.models.records import UploadRecord
from functions.shared.auth import Caller
from functions.shared.clock import to_iso
from functions.shared.errors import DomainError, ValidationFailed
from functions.shared.retention import UPLOAD_LIFETIME

PART_URL_SECONDS = 15 * 60  # the maximum
CHECKSUM_HEADER = "x-amz-checksum-crc32"


def new_id() -> str:
    return uuid.uuid4().hex


def object_key(case_number: str, file_id: str, file_name: str) -> str:
    """The contract's key: the purge deletes everything under `cases/<caseNumber>/`."""
    return f"cases/{case_number}/{file_id}/{file_name}"


def actor_of(caller: Caller) -> dict:
    return {"user_id": caller.user_id, "role": caller.role, "contact_id": caller.contact_id}


def to_upload(record: UploadRecord) -> Upload:
    return Upload(
        upload_id=record.upload_id,
        case_number=record.case_number,
        file_name=record.file_name,
        size=record.size,
        content_type=record.content_type,
        checksum={"algorithm": ALGORITHM, "value": record.checksum},
        part_size=record.part_size,
        part_count=record.part_count,
        created_at=record.created_at,
        expires_at=to_iso(record.expires_at),
        created_by=record.creator,
    )


def live_upload(store: FileStore, case_number: str, upload_id: str, now: datetime) -> UploadRecord:
    """The upload while it can still take parts: not completed, aborted or expired."""
    upload = store.get_upload(case_number, upload_id)
    if upload is not None and upload.completed_at:
        raise UploadNotFound(f"Upload {upload_id} is complete: it is file {upload.file_id} of the case.", field="uploadId")
    if upload is None or upload.is_expired(now):
        raise UploadNotFound(
            f"Upload {upload_id} was not found on case {case_number}: it was aborted or expired; start a new upload.", field="uploadId"
        )
    return upload


def start_upload(
    case_number: str, request: NewUploadRequest, caller: Caller, *, store: FileStore, storage: FileStorage, now: datetime
) -> Upload:
    case_open_for_uploads(case_number, caller, store)
    chosen_part_size = part_size(request.size)
    file_id = new_id()
    key = object_key(case_number, file_id, request.file_name)
    record = UploadRecord(
        upload_id=new_id(),
        case_number=case_number,
        file_id=file_id,
        object_key=key,
        s3_upload_id=storage.start_multipart(key, request.content_type),
        file_name=request.file_name,
        size=request.size,
        content_type=request.content_type,
        checksum=request.checksum.value,
        part_size=chosen_part_size,
        part_count=part_count(request.size, chosen_part_size),
        created_at=to_iso(now),
        expires_at=(now + UPLOAD_LIFETIME).replace(microsecond=0),  # the TTL attribute keeps whole seconds
        created_by=actor_of(caller),
    )
    try:
        store.save_upload(record)
    except DomainError:
        storage.abort_multipart(record)  # nobody could ever complete it
        raise
    return to_upload(record)


def part_urls(
    case_number: str,
    upload_id: str,
    request: PartUrlsRequest,
    caller: Caller,
    *,
    store: FileStore,
    storage: FileStorage,
    now: datetime,
) -> PartUrls:
    case_open_for_uploads(case_number, caller, store)
    upload = live_upload(store, case_number, upload_id, now)
    numbers = [part.part_number for part in request.parts]
    for index, number in enumerate(numbers):
        if number > upload.part_count:
            raise ValidationFailed(f"This upload has parts 1 to {upload.part_count}.", field=f"parts.{index}.partNumber")
        if number in numbers[:index]:
            raise ValidationFailed(f"Part {number} is asked for twice.", field=f"parts.{index}.partNumber")
    # Never valid beyond the upload itself.
    expires_in = min(PART_URL_SECONDS, int((upload.expires_at - now).total_seconds()))
    expires_at = to_iso(now + timedelta(seconds=expires_in))
    return PartUrls(
        urls=[
            PartUrl(
                part_number=part.part_number,
                url=storage.part_url(upload, part.part_number, part.checksum, expires_in),
                headers={CHECKSUM_HEADER: part.checksum},
                expires_at=expires_at,
            )
            for part in request.parts
        ]
    )


def get_upload(case_number: str, upload_id: str, caller: Caller, *, store: FileStore, storage: FileStorage, now: datetime) -> UploadDetail:
    visible_case(case_number, caller, store)
    upload = live_upload(store, case_number, upload_id, now)
    try:
        parts = storage.list_parts(upload)
    except UploadGone as error:
        raise UploadNotFound(f"Upload {upload_id} is no longer in storage; start a new upload.", field="uploadId") from error
    return UploadDetail(
        **to_upload(upload).model_dump(),
        parts=[StoredPart(part_number=part.part_number, size=part.size, checksum=part.checksum) for part in parts],
    )


def list_uploads(case_number: str, caller: Caller, *, store: FileStore, now: datetime) -> list[Upload]:
    visible_case(case_number, caller, store)
    unfinished = [upload for upload in store.list_uploads(case_number) if not upload.completed_at and not upload.is_expired(now)]
    return [to_upload(upload) for upload in sorted(unfinished, key=lambda upload: (upload.created_at, upload.upload_id))]


def abort_upload(case_number: str, upload_id: str, caller: Caller, *, store: FileStore, storage: FileStorage, now: datetime) -> None:
    """Allowed on a closed case too: it only cleans up."""
    visible_case(case_number, caller, store)
    upload = live_upload(store, case_number, upload_id, now)
    storage.abort_multipart(upload)
    store.delete_upload(case_number, upload_id)
