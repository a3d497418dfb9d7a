"""The files domain's refusals; functions/shared/api.py turns each into `{"error", "message", "field"}`."""

from __future__ import annotations

from http import HTTPStatus

from functions.shared.errors import Conflict, DomainError, NotFound, ValidationFailed


class CaseClosed(Conflict):
    code = "case_closed"


class UploadNotFound(NotFound):
    code = "upload_not_found"


class FileNotFound(NotFound):
    code = "file_not_found"


class PartsMissing(Conflict):
    code = "parts_missing"


class PartSizeMismatch(Conflict):
    code = "part_size_mismatch"


class ChecksumMismatch(ValidationFailed):
    code = "checksum_mismatch"


class FilesPurged(DomainError):
    status, code = HTTPStatus.GONE, "files_purged"


class TooManyOpenUploads(Conflict):
    code = "too_many_open_uploads"


class UploadGone(Exception):
    """S3 no longer knows the multipart upload (completed, aborted, or expired by the bucket's lifecycle)."""


class ObjectMissing(Exception):
    """S3 holds no object at the key: never assembled, or deleted since."""


class ChecksumRejected(Exception):
    """S3 refused to complete: the declared full-object checksum does not match the parts."""


class PartsRejected(Exception):
    """S3 refused to complete: a part is missing, changed, or too small."""


class OpenUploadsFull(Exception):
    """A cap on unfinished uploads refused a new one, counting uploads that may have expired since."""

    def __init__(self, scope: str):
        super().__init__(scope)
        self.scope = scope  # "case" or "account"


class IdempotencyKeyTaken(Exception):
    """Another request with the same Idempotency-Key committed first."""


class UploadsContended(Exception):
    """A concurrent transaction on the same items won: read again and retry."""
