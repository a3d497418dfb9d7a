"""The files API's requests and answers, camelCase on the wire."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from functions.files.models.limits import MAX_OBJECT_SIZE, MAX_PARTS
from functions.shared.clock import UtcTimestamp
from functions.shared.models import ApiModel, RequestModel
from functions.shared.text_limits import utf8_size

CRC32_PATTERN = r"^[A-Za-z0-9+/]{6}==$"  # base64 of the 4 big-endian bytes, as S3's x-amz-checksum-crc32
Crc32 = Annotated[str, StringConstraints(pattern=CRC32_PATTERN)]
# S3 keys are at most 1,024 bytes; `cases/<caseNumber>/<fileId>/` takes 50 of them.
MAX_FILE_NAME_BYTES = 960
MAX_PARTS_PER_CALL = 100
# Bidirectional controls (Unicode's Bidi_Control) reorder what a name shows: `invoice\u202egpj.exe` reads as
# invoiceexe.jpg but is an .exe.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# type/subtype, then parameters in printable ASCII: no CR, LF, tab or other control or non-ASCII character,
# which S3 would refuse as a Content-Type.
MEDIA_TYPE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*( *;[ -~]*)?$"


class Checksum(ApiModel):
    algorithm: Literal["CRC32"] = Field(description="CRC32 (zlib.crc32) only.")
    value: Crc32 = Field(description="Base64 of the 4-byte big-endian CRC32, as S3's x-amz-checksum-crc32.", examples=["AAAAAA=="])


class ChecksumInput(RequestModel):
    algorithm: Literal["CRC32"] = Field(description="CRC32 (zlib.crc32) only.")
    value: Crc32 = Field(description="Base64 of the 4-byte big-endian CRC32 of the whole file.", examples=["AAAAAA=="])


class Person(ApiModel):
    user_id: str
    role: str


class NewUploadRequest(RequestModel):
    file_name: str = Field(
        min_length=1,
        max_length=255,
        pattern=r"^[^/\\\x00-\x1f\x7f-\x9f]+$",
        description=(
            "The file's name, without any folder: no `/`, `\\`, control or bidirectional control characters; "
            f"at most {MAX_FILE_NAME_BYTES} bytes in UTF-8."
        ),
        examples=["ININ_trace_2024-05-01.zip"],
    )
    size: int = Field(ge=0, le=MAX_OBJECT_SIZE, strict=True, description="Bytes; up to 5 TiB (S3's maximum object size).")
    content_type: str = Field(
        default="application/octet-stream",
        max_length=255,
        pattern=MEDIA_TYPE_PATTERN,
        description="The media type stored with the file and given back on download; parameters in printable ASCII.",
    )
    checksum: ChecksumInput

    @field_validator("file_name")
    @classmethod
    def _storable_name(cls, name: str) -> str:
        if name in (".", ".."):
            raise ValueError("not a file name")
        if BIDI_CONTROLS.intersection(name):
            found = ", ".join(f"U+{ord(character):04X}" for character in sorted(BIDI_CONTROLS.intersection(name)))
            raise ValueError(f"bidirectional control characters ({found}) are not allowed in a file name: they disguise its extension")
        if utf8_size(name) > MAX_FILE_NAME_BYTES:
            raise ValueError(f"at most {MAX_FILE_NAME_BYTES} bytes in UTF-8")
        return name


class Upload(ApiModel):
    upload_id: str
    case_number: str
    file_name: str
    size: int
    content_type: str
    checksum: Checksum
    part_size: int = Field(description="Every part is exactly this many bytes except the last.")
    part_count: int = Field(description="Parts 1..partCount; a 0-byte file has one 0-byte part.")
    created_at: UtcTimestamp = Field(description="UTC, ISO-8601 with Z.")
    expires_at: UtcTimestamp = Field(description="After this the upload is gone; start again.")
    created_by: Person


class StoredPart(ApiModel):
    part_number: int
    size: int
    checksum: str | None = Field(description="The part's CRC32 as S3 reports it; null where S3 does not report it.")


class UploadDetail(Upload):
    parts: list[StoredPart] = Field(description="The parts S3 holds, by part number: send only the others.")


class UploadList(ApiModel):
    items: list[Upload] = Field(
        description="One page of the case's unfinished uploads, oldest first; a page may hold fewer than `limit` even when more follow."
    )
    next_token: str | None = Field(default=None, description="Pass back as `nextToken` for the next page; absent on the last page.")


class PartChecksum(RequestModel):
    part_number: int = Field(ge=1, le=MAX_PARTS, strict=True)
    checksum: Crc32 = Field(description="Base64 CRC32 of that part's bytes; S3 refuses a part that does not match it.")


class PartUrlsRequest(RequestModel):
    parts: list[PartChecksum] = Field(min_length=1, max_length=MAX_PARTS_PER_CALL, description="1 to 100 parts.")


class PartUrl(ApiModel):
    part_number: int
    url: str = Field(description="A presigned SigV4 S3 UploadPart URL.")
    method: Literal["PUT"] = "PUT"
    headers: dict[str, str] = Field(description="Send these headers with the PUT: the checksum is signed into the URL.")
    content_length: int = Field(
        description="The part's exact size in bytes, signed into the URL: S3 refuses a PUT whose Content-Length differs (403)."
    )
    expires_at: UtcTimestamp


class PartUrls(ApiModel):
    urls: list[PartUrl]


class CaseFile(ApiModel):
    file_id: str
    case_number: str
    file_name: str
    size: int
    content_type: str
    checksum: Checksum = Field(description="Verified against the stored object when the upload completed.")
    uploaded_by: Person
    uploaded_at: UtcTimestamp


class CaseFileList(ApiModel):
    items: list[CaseFile] = Field(description="One page of the case's files, oldest upload first.")
    purge_at: UtcTimestamp | None = Field(description="While the case is closed: when its files are deleted (closure + 30 days).")
    files_purged_at: UtcTimestamp | None = Field(description="When the files were deleted, once they were.")
    next_token: str | None = Field(default=None, description="Pass back as `nextToken` for the next page; absent on the last page.")


class Download(ApiModel):
    url: str = Field(description="A presigned S3 GET URL; the file arrives as an attachment.")
    expires_at: UtcTimestamp
    file_name: str
    size: int
    checksum: Checksum
