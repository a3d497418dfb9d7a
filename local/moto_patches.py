"""Fixes for moto's emulation that the local stack and the tests rely on; nothing here runs in AWS.

- StopExecution right after StartExecution (a timer replaced within the same SQS batch) fails inside
  moto 5.2.5 with AttributeError: the execution's environment is created by its worker thread, which may
  not have run yet. AWS stops such an execution; so does this, by waiting for the thread to set it up.
- UploadPart with an `x-amz-checksum-crc32` header: S3 computes the body's CRC32 and refuses a mismatch
  with 400 BadDigest; moto 5.2.5 stores the part unchecked. This checks it as S3 does (the files API signs
  each part's checksum into its presigned URL so that a corrupted part never lands); nothing else changes.
- UploadPart through a presigned URL that signs `content-length`: S3 checks the SigV4 signature, so a body
  longer or shorter than the length signed in (the files API signs each part's exact size) is refused with
  403 SignatureDoesNotMatch; moto 5.2.5 checks no signature and stores any body. This verifies the signature
  of such a request as S3 does, with the secret of this process's credentials (the emulator's, in the same
  process: the local stack and the tests); other requests, and URLs signed by other keys, are left as they are.
- ListMultipartUploads: moto 5.2.5 reports every upload as initiated on 2010-11-10, so the daily purge
  would take every upload in progress for a stale one. Uploads keep their creation time, as in S3.
- Completing a multipart upload with a FULL_OBJECT CRC32: moto copies the whole object twice more to
  compute it (seconds per GiB, in the emulator's one process). S3 derives it from the parts' CRCs; this
  computes the same value while the parts are assembled, without the copies.
- TransactWriteItems: moto 5.2.5 deep-copies the whole table once per item of the transaction (its backup
  for a rollback), so a transaction of n items costs n copies of the table: seconds for the alerts
  processor's transactions once the table holds a few thousand items. This copies each table once per
  transaction; the rollback restores the same state.
- DynamoDB writes are not isolated between moto's server threads: two transactions can both pass their
  condition checks, and a failed one restores its backup of the whole table over another thread's commit
  (an incident lost the case number its consumer had written). DynamoDB serializes conflicting writes; this
  runs moto's writes one at a time (PutItem, UpdateItem, DeleteItem, TransactWriteItems).
"""

from __future__ import annotations

import base64
import binascii
import copy
import functools
import hashlib
import hmac
import os
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import parse_qsl, quote, urlsplit

from moto.core.common_types import TYPE_RESPONSE
from moto.core.exceptions import SignatureDoesNotMatchError
from moto.core.responses import ActionResult
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table
from moto.s3.exceptions import S3ClientError
from moto.s3.models import FakeMultipart, MultipartChecksumBuilder
from moto.s3.responses import S3Response
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

_SETUP_WAIT_SECONDS = 5
# Attributes these patches add to moto's objects (moto declares neither): a FakeMultipart's creation time
# (tests/integration/test_purge.py ages uploads through it) and a MultipartChecksumBuilder's running CRC32.
_INITIATED, _RUNNING_CRC32 = "initiated", "running_crc32"

_original_stop = ExecutionWorker.stop
_original_upload_part = S3Response.upload_part
_original_multipart_init = FakeMultipart.__init__
_original_list_multipart_uploads = S3Response.list_multipart_uploads
_original_add_part, _original_build = MultipartChecksumBuilder.addPart, MultipartChecksumBuilder.build
_original_transact_write_items = DynamoDBBackend.transact_write_items
_DYNAMODB_WRITES = threading.RLock()
_SERIALIZED_WRITES = ("put_item", "update_item", "delete_item")


def _stop_once_set_up(self: ExecutionWorker, stop_date: datetime, error: str | None, cause: str | None) -> None:
    deadline = time.monotonic() + _SETUP_WAIT_SECONDS
    while getattr(self, "env", None) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    _original_stop(self, stop_date, error, cause)


def _rfc3986(text: str) -> str:
    return quote(text, safe="-_.~")


def _presigned_signature(method: str, raw_path: str, query: list[tuple[str, str]], headers: Mapping[str, object], secret: str) -> str:
    """SigV4 query authentication as S3 computes it (AWS General Reference, "Signature Version 4 signing
    process"; botocore's S3SigV4QueryAuth signs the same way): S3 takes the path as sent, unnormalised."""
    params = dict(query)
    signed = params["X-Amz-SignedHeaders"].split(";")
    encoded = sorted((_rfc3986(key), _rfc3986(value)) for key, value in query if key != "X-Amz-Signature")
    canonical_query = "&".join(f"{key}={value}" for key, value in encoded)
    canonical_headers = "".join(f"{name}:{' '.join(str(headers.get(name, '')).split())}\n" for name in signed)
    canonical = "\n".join([method, raw_path, canonical_query, canonical_headers, ";".join(signed), "UNSIGNED-PAYLOAD"])
    _, date, region, service, terminator = params["X-Amz-Credential"].split("/")
    scope = f"{date}/{region}/{service}/{terminator}"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", params["X-Amz-Date"], scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, terminator):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def _check_signed_length(response: S3Response) -> None:
    query = parse_qsl(urlsplit(response.uri).query, keep_blank_values=True)
    params = dict(query)
    if "content-length" not in params.get("X-Amz-SignedHeaders", "").split(";") or "X-Amz-Signature" not in params:
        return
    access_key = params.get("X-Amz-Credential", "").split("/", 1)[0]
    secret = os.environ.get("AWS_SECRET_ACCESS_KEY")
    if not secret or access_key != os.environ.get("AWS_ACCESS_KEY_ID"):
        return  # signed by a key this process does not hold: nothing to check it with
    expected = _presigned_signature(response.method, response.raw_path, query, response.headers, secret)
    if not hmac.compare_digest(expected, params["X-Amz-Signature"]):
        raise SignatureDoesNotMatchError()


def _upload_part_checked(self: S3Response) -> TYPE_RESPONSE:
    _check_signed_length(self)
    declared = self.headers.get("x-amz-checksum-crc32")
    if declared is not None:
        body = self.body or b""
        actual = base64.b64encode(zlib.crc32(body.encode() if isinstance(body, str) else body).to_bytes(4, "big")).decode()
        try:
            matches = base64.b64decode(declared, validate=True) == base64.b64decode(actual)
        except (binascii.Error, ValueError):
            raise S3ClientError("InvalidRequest", "Value for x-amz-checksum-crc32 header is invalid.") from None
        if not matches:
            raise S3ClientError("BadDigest", "The CRC32 you specified did not match the calculated checksum.")
    return _original_upload_part(self)


def _multipart_init_dated(self: FakeMultipart, *args: Any, **kwargs: Any) -> None:  # moto's arguments, passed on as they are
    _original_multipart_init(self, *args, **kwargs)
    setattr(self, _INITIATED, datetime.now(UTC))


def _list_multipart_uploads_dated(self: S3Response) -> TYPE_RESPONSE:
    serialize, stored = self.serialized, self.backend.list_multipart_uploads(self.bucket_name)

    def serialized(action_result: ActionResult) -> TYPE_RESPONSE:
        result = cast("dict[str, list[dict[str, object]]]", action_result.result)  # as list_multipart_uploads builds it
        for upload in result["Uploads"]:
            upload["Initiated"] = getattr(stored[str(upload["UploadId"])], _INITIATED)
        return serialize(action_result)

    # On this response object only (moto may reuse it): its own method comes back after.
    self.serialized = serialized  # type: ignore[method-assign]
    try:
        return _original_list_multipart_uploads(self)
    finally:
        del self.serialized


def _is_full_object_crc32(builder: MultipartChecksumBuilder) -> bool:
    return builder.checksum_type == "FULL_OBJECT" and builder.checksum_algorithm == "CRC32"


def _running_crc32(builder: MultipartChecksumBuilder) -> int:
    crc: int = getattr(builder, _RUNNING_CRC32, 0)
    return crc


def _add_part_streaming(self: MultipartChecksumBuilder, part: bytes) -> None:
    if not _is_full_object_crc32(self):
        return _original_add_part(self, part)
    setattr(self, _RUNNING_CRC32, zlib.crc32(part, _running_crc32(self)))
    self.part_count += 1


def _build_streaming(self: MultipartChecksumBuilder) -> tuple[str, str, int] | None:
    if not _is_full_object_crc32(self):
        return _original_build(self)
    return self.checksum_type, base64.b64encode(_running_crc32(self).to_bytes(4, "big")).decode(), 1


class _TableBackupOncePerTransaction:
    """Stands for the `copy` module inside moto's DynamoDB backend: during a TransactWriteItems, a table's
    deep copy (the backup) is made once and handed out for every item; anything else is copied as before."""

    def __init__(self) -> None:
        self._backups = threading.local()

    def deepcopy(self, value: Any, memo: dict | None = None) -> Any:
        backups: dict[int, Table] | None = getattr(self._backups, "tables", None)
        if backups is None or not isinstance(value, Table):
            return copy.deepcopy(value, memo)
        if id(value) not in backups:
            backups[id(value)] = copy.deepcopy(value)
        return backups[id(value)]

    def transact_write_items(self, backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        self._backups.tables = {}
        try:
            _original_transact_write_items(backend, transact_items)
        finally:
            self._backups.tables = None


_table_backups = _TableBackupOncePerTransaction()


def _transact_write_items_one_backup(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    with _DYNAMODB_WRITES:
        _table_backups.transact_write_items(self, transact_items)


def _one_at_a_time(write: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(write)
    def serialized(*args: Any, **kwargs: Any) -> Any:
        with _DYNAMODB_WRITES:
            return write(*args, **kwargs)

    return serialized


def apply() -> None:
    # Deliberate patches of moto's classes (the module docstring). mypy refuses assignments to methods; the
    # ignores silence only that, and it still checks each replacement against the method it replaces.
    ExecutionWorker.stop = _stop_once_set_up  # type: ignore[method-assign]
    S3Response.upload_part = _upload_part_checked  # type: ignore[method-assign]
    FakeMultipart.__init__ = _multipart_init_dated  # type: ignore[method-assign]
    S3Response.list_multipart_uploads = _list_multipart_uploads_dated  # type: ignore[method-assign]
    MultipartChecksumBuilder.addPart = _add_part_streaming  # type: ignore[method-assign]
    MultipartChecksumBuilder.build = _build_streaming  # type: ignore[method-assign]
    dynamodb_models.copy = _table_backups  # type: ignore[assignment]  # the module's `copy`, see the class
    DynamoDBBackend.transact_write_items = _transact_write_items_one_backup  # type: ignore[method-assign]
    for name in _SERIALIZED_WRITES:
        original = getattr(DynamoDBBackend, name)
        if not getattr(original, "__wrapped__", None):  # applied once, however often apply() runs
            setattr(DynamoDBBackend, name, _one_at_a_time(original))
