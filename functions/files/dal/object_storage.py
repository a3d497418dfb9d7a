"""The only code of the files domain that talks to S3: multipart uploads with CRC32 checksums,
presigned URLs, and the mapping of S3's errors to the domain's."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from functions.files.models.errors import ChecksumRejected, ObjectMissing, PartsRejected, UploadGone
from functions.files.models.records import S3Part, UploadRecord
from functions.shared.dal import aws
from functions.shared.dal.errors import unavailable
from functions.shared.environment import per_environment
from functions.shared.observability import logger

BUSY = "File storage is busy; retry in a few seconds."
_RETRYABLE = {
    "SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "RequestTimeout",
    "ServiceUnavailable", "InternalError", "OperationAborted",
}  # fmt: skip
_CHECKSUM_REFUSALS = {"BadDigest", "InvalidDigest", "XAmzContentChecksumMismatch"}
_PART_REFUSALS = {"InvalidPart", "InvalidPartOrder", "EntityTooSmall"}
_NO_OBJECT = {"404", "NoSuchKey", "NotFound"}  # HeadObject answers a bare 404: no body, no error code
_MAX_PARTS_PER_PAGE = 1000  # ListParts' own maximum


@per_environment
def s3_client() -> BaseClient:
    """An S3 client on the container's one botocore session, signing with SigV4: without the explicit
    signature version botocore presigns S3 URLs with SigV2, which signs no checksum header."""
    return aws.session().create_client("s3", config=Config(signature_version="s3v4"))


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


class ObjectStorage:
    def __init__(self, bucket: str):
        self.bucket = bucket

    def _call(self, operation: str, **params: Any) -> dict:
        """One S3 call; throttling, 5xx and connection trouble become 503, NoSuchUpload UploadGone."""
        try:
            return getattr(s3_client(), operation)(Bucket=self.bucket, **params)
        except ClientError as error:
            code = _code(error)
            if code == "NoSuchUpload":
                raise UploadGone() from error
            if code in _RETRYABLE or error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500:
                raise unavailable("S3", BUSY) from error
            raise
        except BotoCoreError as error:
            raise unavailable("S3", BUSY) from error

    def start_multipart(self, object_key: str, content_type: str) -> str:
        started = self._call(
            "create_multipart_upload", Key=object_key, ContentType=content_type, ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT"
        )
        return started["UploadId"]

    def part_url(self, upload: UploadRecord, part_number: int, checksum: str, length: int, expires_in: int) -> str:
        """A SigV4 UploadPart URL with the part's CRC32 and exact length in its signed headers: S3 refuses a
        body that does not match the checksum (BadDigest), and a PUT without the checksum header or with
        another Content-Length does not match the signature (403 SignatureDoesNotMatch)."""
        params = {
            "Bucket": self.bucket,
            "Key": upload.object_key,
            "UploadId": upload.s3_upload_id,
            "PartNumber": part_number,
            "ChecksumCRC32": checksum,
            "ContentLength": length,
        }
        return s3_client().generate_presigned_url("upload_part", Params=params, ExpiresIn=expires_in)

    def list_parts(self, upload: UploadRecord) -> list[S3Part]:
        parts, marker = [], 0
        while True:
            page = self._call(
                "list_parts", Key=upload.object_key, UploadId=upload.s3_upload_id, MaxParts=_MAX_PARTS_PER_PAGE, PartNumberMarker=marker
            )
            parts += [S3Part(part["PartNumber"], part["Size"], part["ETag"], part.get("ChecksumCRC32")) for part in page.get("Parts", [])]
            if not page.get("IsTruncated"):
                return parts
            marker = page["NextPartNumberMarker"]

    def complete_multipart(self, upload: UploadRecord, parts: list[S3Part]) -> None:
        """Completes with S3's full-object CRC32 set to the declared one; the parts' checksums go along
        only when ListParts reported them."""
        listed = [
            {"PartNumber": part.part_number, "ETag": part.etag, **({"ChecksumCRC32": part.checksum} if part.checksum else {})}
            for part in parts
        ]
        try:
            self._call(
                "complete_multipart_upload",
                Key=upload.object_key,
                UploadId=upload.s3_upload_id,
                MultipartUpload={"Parts": listed},
                ChecksumType="FULL_OBJECT",
                ChecksumCRC32=upload.checksum,
                MpuObjectSize=upload.size,
            )
        except ClientError as error:
            if _code(error) in _CHECKSUM_REFUSALS:
                raise ChecksumRejected() from error
            if _code(error) in _PART_REFUSALS:
                logger.info("S3 refused the part list", extra={"code": _code(error)})
                raise PartsRejected() from error
            raise

    def stored_checksum(self, object_key: str) -> str | None:
        try:
            head = self._call("head_object", Key=object_key, ChecksumMode="ENABLED")
        except ClientError as error:
            if _code(error) in _NO_OBJECT:
                raise ObjectMissing() from error
            raise
        if head.get("ChecksumType", "FULL_OBJECT") != "FULL_OBJECT":
            return None
        return head.get("ChecksumCRC32")

    def abort_multipart(self, upload: UploadRecord) -> None:
        try:
            self._call("abort_multipart_upload", Key=upload.object_key, UploadId=upload.s3_upload_id)
        except UploadGone:
            return

    def delete_object(self, object_key: str) -> None:
        self._call("delete_object", Key=object_key)

    def download_url(self, object_key: str, file_name: str, expires_in: int) -> str:
        params = {"Bucket": self.bucket, "Key": object_key, "ResponseContentDisposition": attachment(file_name)}
        return s3_client().generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)


def attachment(file_name: str) -> str:
    """Content-Disposition for a download: an ASCII fallback name and the exact name (RFC 6266 / 5987)."""
    fallback = "".join(char if 32 <= ord(char) < 127 and char not in '"\\%' else "_" for char in file_name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def browser_upload_cors_rule(portal_origin: str) -> dict:
    """The files bucket's one CORS rule: the portal's page PUTs parts to their presigned URLs (with the part's
    CRC32 header the URL signs) and reads each part's ETag. Downloads are navigations, which need no CORS."""
    return {
        "AllowedOrigins": [portal_origin],
        "AllowedMethods": ["PUT"],
        "AllowedHeaders": ["x-amz-checksum-crc32", "x-amz-sdk-checksum-algorithm"],
        "ExposeHeaders": ["ETag"],
        "MaxAgeSeconds": 3600,
    }
