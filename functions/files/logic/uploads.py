"""Uploads in progress: start one, hand out presigned part URLs, show what S3 holds (resume), list a
case's uploads, abort. Several uploads may run at once on one case, each its own S3 multipart upload, up to
a cap per case and per account (functions/files/dal/tables.py OpenUploadsItem counts them)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from functions.files.logic.access import case_open_for_uploads, open_for_uploads, visible_case
from functions.files.logic.parts import part_count, part_length, part_size
from functions.files.logic.ports import FileStorage, FileStore
from functions.files.models.errors import IdempotencyKeyTaken, OpenUploadsFull, TooManyOpenUploads, UploadGone, UploadNotFound
from functions.files.models.files import (
    NewUploadRequest,
    PartUrl,
    PartUrls,
    PartUrlsRequest,
    StoredPart,
    Upload,
    UploadDetail,
    UploadList,
)
from functions.files.models.limits import ALGORITHM
from functions.files.models.records import UploadRecord
from functions.shared.access import visible
from functions.shared.auth import Caller
from functions.shared.errors import DomainError, ServiceUnavailable, ValidationFailed
from functions.shared.idempotency import IdempotentRequest, idempotent_request, replayable
from functions.shared.models import Actor
from functions.shared.page_token import PageTokenCodec
from functions.shared.retention import UPLOAD_LIFETIME

PART_URL_SECONDS = 15 * 60  # the maximum
CHECKSUM_HEADER = "x-amz-checksum-crc32"


@dataclass(frozen=True)
class OpenUploadLimits:
    """How many unfinished uploads may run at once (functions/shared/settings.py FilesSettings)."""

    per_case: int
    per_account: int


@dataclass(frozen=True)
class StartedUpload:
    upload: Upload
    replayed: bool = False  # the answer of an earlier request with the same Idempotency-Key


def new_id(now: datetime) -> str:
    """32 hex digits that sort by creation time (milliseconds, then 80 random bits), so a case's uploads and
    files come out of their partition oldest first, a page at a time."""
    return f"{int(now.timestamp() * 1000):012x}{secrets.token_hex(10)}"


def object_key(case_number: str, file_id: str, file_name: str) -> str:
    """The contract's key: the purge deletes everything under `cases/<caseNumber>/`."""
    return f"cases/{case_number}/{file_id}/{file_name}"


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
        expires_at=record.expires_at,
        created_by=record.creator,
    )


def live_upload(store: FileStore, case_number: str, upload_id: str, now: datetime) -> UploadRecord:
    """The upload while it can still take parts: not completed, aborted or expired."""
    upload = store.get_upload(case_number, upload_id)
    if upload is None or upload.completed_at or upload.is_expired(now):
        raise UploadNotFound(
            f"Upload {upload_id} is not in progress on case {case_number}: it was completed (GET /cases/{case_number}/files "
            "lists the case's files), aborted or expired; start a new upload.",
            field="uploadId",
        )
    return upload


def start_upload(
    case_number: str,
    request: NewUploadRequest,
    caller: Caller,
    *,
    store: FileStore,
    storage: FileStorage,
    now: datetime,
    limits: OpenUploadLimits,
    idempotency_key: str | None = None,
) -> StartedUpload:
    """The reads (the case, with the key's record), the S3 multipart upload, then one transaction: the upload,
    its place under both caps, the key's answer and the caller's change count. Whatever refuses the
    transaction, the S3 upload just created is aborted: nobody could ever complete it."""
    idempotency = idempotent_request(caller, idempotency_key, f"POST /cases/{case_number}/uploads", request.model_dump(mode="json"), now)
    case, record = store.read_for_start(case_number, idempotency.scope_key if idempotency else None)
    case = visible(case_number, case, caller)
    if replay := replayable(record, idempotency, now):
        return StartedUpload(Upload.model_validate(replay.answer), replayed=True)
    open_for_uploads(case)

    chosen_part_size = part_size(request.size)
    upload_id = new_id(now)  # also the file's id: completing deletes the upload, and a retry finds the file by it
    key = object_key(case_number, upload_id, request.file_name)
    upload = UploadRecord(
        upload_id=upload_id,
        case_number=case_number,
        file_id=upload_id,
        object_key=key,
        s3_upload_id=storage.start_multipart(key, request.content_type),
        file_name=request.file_name,
        size=request.size,
        content_type=request.content_type,
        checksum=request.checksum.value,
        part_size=chosen_part_size,
        part_count=part_count(request.size, chosen_part_size),
        created_at=now,
        expires_at=(now + UPLOAD_LIFETIME).replace(microsecond=0),  # the TTL attribute keeps whole seconds
        created_by=Actor.of(caller).model_dump(),
    )
    answer = to_upload(upload)
    try:
        _save(upload, answer, case.account_id, caller, store=store, now=now, limits=limits, idempotency=idempotency)
    except IdempotencyKeyTaken:
        storage.abort_multipart(upload)
        if idempotency is None:  # never: only a start with a key can find its key taken
            raise
        return _started_meanwhile(case_number, idempotency, store, now)
    except DomainError:
        storage.abort_multipart(upload)
        raise
    return StartedUpload(answer)


def _save(
    upload: UploadRecord,
    answer: Upload,
    account_id: str,
    caller: Caller,
    *,
    store: FileStore,
    now: datetime,
    limits: OpenUploadLimits,
    idempotency: IdempotentRequest | None,
) -> None:
    """Saves the upload; a full cap first stops counting that scope's expired uploads (once) and tries again."""
    forgotten: set[str] = set()
    while True:
        try:
            store.save_upload(
                upload,
                account_id=account_id,
                case_limit=limits.per_case,
                account_limit=limits.per_account,
                idempotency=(idempotency, answer.model_dump(mode="json")) if idempotency else None,
                rate_limited=None if caller.is_automation else caller.user_id,
                now=now,
            )
            return
        except OpenUploadsFull as full:
            if full.scope in forgotten or not store.forget_expired_uploads(full.scope, upload.case_number, account_id, now):
                raise _too_many(full.scope, upload.case_number, limits) from None
            forgotten.add(full.scope)


def _started_meanwhile(case_number: str, idempotency: IdempotentRequest, store: FileStore, now: datetime) -> StartedUpload:
    """A concurrent request with the same key committed first: its answer is this request's too."""
    _, record = store.read_for_start(case_number, idempotency.scope_key)
    if replay := replayable(record, idempotency, now):
        return StartedUpload(Upload.model_validate(replay.answer), replayed=True)
    raise ServiceUnavailable("Another request with this Idempotency-Key is starting this upload; retry in a few seconds.")


def _too_many(scope: str, case_number: str, limits: OpenUploadLimits) -> TooManyOpenUploads:
    how = (
        "Complete or abort (DELETE /cases/<caseNumber>/uploads/<uploadId>) unfinished uploads first: "
        "GET /cases/<caseNumber>/uploads lists a case's (`dss files uploads CASE`, `dss files abort CASE UPLOAD_ID`)."
    )
    if scope == "case":
        return TooManyOpenUploads(
            f"Case {case_number} already has {limits.per_case} unfinished uploads, the most it may have at once. {how}"
        )
    return TooManyOpenUploads(
        f"The account of case {case_number} already has {limits.per_account} unfinished uploads across its cases, the most it "
        f"may have at once. {how}"
    )


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
    expires_at = now + timedelta(seconds=expires_in)
    urls = []
    for part in request.parts:
        length = part_length(upload.size, upload.part_size, part.part_number)
        urls.append(
            PartUrl(
                part_number=part.part_number,
                url=storage.part_url(upload, part.part_number, part.checksum, length, expires_in),
                headers={CHECKSUM_HEADER: part.checksum},
                content_length=length,
                expires_at=expires_at,
            )
        )
    return PartUrls(urls=urls)


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


def list_uploads(
    case_number: str,
    caller: Caller,
    *,
    limit: int,
    next_token: str | None,
    store: FileStore,
    page_tokens: Callable[[], PageTokenCodec],
    now: datetime,
) -> UploadList:
    """One page (one Query) of the case's unfinished uploads, oldest first; the token works only for this
    caller and this case's uploads."""
    visible_case(case_number, caller, store)
    scope = f"{caller.user_id}|uploads|{case_number}"
    start_key = page_tokens().decode(next_token, scope=scope) if next_token else None
    uploads, next_key = store.list_uploads(case_number, limit=limit, start_key=start_key, now=now)
    return UploadList(
        items=[to_upload(upload) for upload in uploads],
        next_token=page_tokens().encode(next_key, scope=scope) if next_key else None,
    )


def abort_upload(case_number: str, upload_id: str, caller: Caller, *, store: FileStore, storage: FileStorage, now: datetime) -> None:
    """Allowed on a closed case too: it only cleans up."""
    case = visible_case(case_number, caller, store)
    upload = live_upload(store, case_number, upload_id, now)
    storage.abort_multipart(upload)
    store.delete_upload(upload, case.account_id)
