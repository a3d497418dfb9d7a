"""A case's files: the listing with the purge date, and short-lived download URLs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from functions.files.logic.access import visible_case
from functions.files.logic.ports import FileStorage, FileStore
from functions.files.models.errors import FileNotFound, FilesPurged
from functions.files.models.files import CaseFileList, Download
from functions.shared.auth import Caller
from functions.shared.clock import to_iso
from functions.shared.page_token import PageTokenCodec
from functions.shared.retention import FILES_KEPT_AFTER_CLOSURE

DOWNLOAD_URL_SECONDS = 5 * 60


def purge_at(closed_at: datetime | None) -> datetime | None:
    if closed_at is None:
        return None
    return closed_at + FILES_KEPT_AFTER_CLOSURE


def list_files(
    case_number: str, caller: Caller, *, limit: int, next_token: str | None, store: FileStore, page_tokens: Callable[[], PageTokenCodec]
) -> CaseFileList:
    """One page (one Query) of the case's files, oldest upload first; the token works only for this caller
    and this case's files."""
    case = visible_case(case_number, caller, store)
    scope = f"{caller.user_id}|files|{case_number}"
    start_key = page_tokens().decode(next_token, scope=scope) if next_token else None
    files, next_key = store.list_files(case_number, limit=limit, start_key=start_key)
    return CaseFileList(
        items=files,
        purge_at=purge_at(case.closed_at) if case.is_closed else None,
        files_purged_at=case.files_purged_at,
        next_token=page_tokens().encode(next_key, scope=scope) if next_key else None,
    )


def download(case_number: str, file_id: str, caller: Caller, *, store: FileStore, storage: FileStorage, now: datetime) -> Download:
    case = visible_case(case_number, caller, store)
    stored = store.get_file(case_number, file_id)
    # Files stored before the purge are gone from S3, whether or not the purge kept their records.
    if case.files_purged_at and (stored is None or stored.file.uploaded_at <= case.files_purged_at):
        raise FilesPurged(
            f"The files of case {case_number} were deleted on {to_iso(case.files_purged_at)}, 30 days after it closed.", field="fileId"
        )
    if stored is None:
        raise FileNotFound(
            f"File {file_id} was not found on case {case_number}; GET /cases/{case_number}/files lists them.", field="fileId"
        )
    file = stored.file
    return Download(
        url=storage.download_url(stored.object_key, file.file_name, DOWNLOAD_URL_SECONDS),
        expires_at=now + timedelta(seconds=DOWNLOAD_URL_SECONDS),
        file_name=file.file_name,
        size=file.size,
        checksum=file.checksum,
    )
