"""What the files logic needs from storage: the table (functions/files/dal/file_repository.py) and S3
(functions/files/dal/object_storage.py). Tests pass fakes."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from functions.files.models.files import CaseFile
from functions.files.models.records import S3Part, StoredFile, UploadRecord
from functions.shared.case_state import CaseState
from functions.shared.domain_event import DomainEvent


class FileStore(Protocol):
    def get_case_state(self, case_number: str) -> CaseState | None: ...

    def save_upload(self, upload: UploadRecord) -> None: ...

    def get_upload(self, case_number: str, upload_id: str) -> UploadRecord | None: ...

    def list_uploads(self, case_number: str) -> list[UploadRecord]: ...

    def delete_upload(self, case_number: str, upload_id: str) -> None: ...

    def record_file(self, upload: UploadRecord, file: CaseFile, event: DomainEvent, *, now: datetime) -> bool:
        """Writes the file, marks its upload completed and records its event, at once; False if the upload
        was completed already."""

    def get_file(self, case_number: str, file_id: str) -> StoredFile | None: ...

    def list_files(self, case_number: str) -> list[CaseFile]: ...


class FileStorage(Protocol):
    def start_multipart(self, object_key: str, content_type: str) -> str:
        """Returns S3's upload id."""

    def part_url(self, upload: UploadRecord, part_number: int, checksum: str, expires_in: int) -> str: ...

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

