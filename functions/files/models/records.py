"""What the files logic keeps between calls: an upload in progress and its S3 identity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from functions.files.models.files import CaseFile, Person


@dataclass(frozen=True)
class UploadRecord:
    upload_id: str
    case_number: str
    file_id: str  # chosen at the start: the object key holds it
    object_key: str  # cases/<caseNumber>/<fileId>/<fileName>
    s3_upload_id: str
    file_name: str
    size: int
    content_type: str
    checksum: str  # base64 CRC32 of the whole file, as declared
    part_size: int
    part_count: int
    created_at: datetime
    expires_at: datetime
    created_by: dict  # {"user_id", "role", "contact_id"}
    completed_at: datetime | None = None  # set with the file record: a retried completion answers with that file

    def is_expired(self, now: datetime) -> bool:
        """DynamoDB's TTL sweep may lag by days: an upload past its expiry counts as gone."""
        return self.expires_at <= now

    @property
    def creator(self) -> Person:
        """Who started the upload, as the API shows it (the contact id stays internal)."""
        return Person(user_id=self.created_by["user_id"], role=self.created_by["role"])


@dataclass(frozen=True)
class S3Part:
    part_number: int
    size: int
    etag: str
    checksum: str | None  # base64 CRC32, when S3 reports part checksums


@dataclass(frozen=True)
class StoredFile:
    file: CaseFile
    object_key: str
