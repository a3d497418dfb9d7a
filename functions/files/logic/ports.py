"""What the files logic needs from storage: the table (functions/files/dal/file_repository.py) and S3
(functions/files/dal/object_storage.py). Tests pass fakes."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from functions.files.models.files import CaseFile
from functions.files.models.records import S3Part, StoredFile, UploadRecord
from functions.shared.case_state import CaseState
from functions.shared.domain_event import DomainEvent
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest


class FileStore(Protocol):
    def get_case_state(self, case_number: str) -> CaseState | None: ...

    def read_for_start(self, case_number: str, idempotency_scope: str | None) -> tuple[CaseState | None, IdempotencyRecord | None]:
        """The case and the Idempotency-Key's record (when a scope is given), in one round trip."""

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
        """The upload, counted among its case's and account's open uploads, the key's answer and the caller's
        change, at once; raises OpenUploadsFull, IdempotencyKeyTaken or TooManyChanges."""

    def forget_expired_uploads(self, scope: str, case_number: str, account_id: str, now: datetime) -> int:
        """Stops counting the expired uploads of the case ("case") or account ("account"); how many."""

    def get_upload(self, case_number: str, upload_id: str) -> UploadRecord | None: ...

    def list_uploads(
        self, case_number: str, *, limit: int, start_key: dict | None, now: datetime
    ) -> tuple[list[UploadRecord], dict | None]:
        """One page of the unfinished, unexpired uploads and the key of the next one."""

    def delete_upload(self, upload: UploadRecord, account_id: str) -> None:
        """Forgets the upload and stops counting it."""

    def record_file(self, upload: UploadRecord, file: CaseFile, event: DomainEvent, *, account_id: str, now: datetime) -> bool:
        """Writes the file, marks its upload completed (no longer counted as open) and records its event, at
        once; False if the upload was completed already."""

    def get_file(self, case_number: str, file_id: str) -> StoredFile | None: ...

    def list_files(self, case_number: str, *, limit: int, start_key: dict | None) -> tuple[list[CaseFile], dict | None]:
        """One page of the case's files and the key of the next one."""


class FileStorage(Protocol):
    def start_multipart(self, object_key: str, content_type: str) -> str:
        """Returns S3's upload id."""

    def part_url(self, upload: UploadRecord, part_number: int, checksum: str, length: int, expires_in: int) -> str:
        """Signs the part's CRC32 and its exact length in."""

    def list_parts(self, upload: UploadRecord) -> list[S3Part]:
        """Every part S3 holds (all pages); raises UploadGone."""

    def complete_multipart(self, upload: UploadRecord, parts: list[S3Part]) -> None:
        """Raises ChecksumRejected, PartsRejected or UploadGone."""

    def stored_checksum(self, object_key: str) -> str | None:
        """The stored object's full-object CRC32 (base64), or None if S3 gives none; raises ObjectMissing."""

    def abort_multipart(self, upload: UploadRecord) -> None:
        """Nothing to do if S3 no longer knows the upload."""

    def delete_object(self, object_key: str) -> None: ...

    def download_url(self, object_key: str, file_name: str, expires_in: int) -> str: ...
