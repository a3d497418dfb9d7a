"""Fixes for moto's emulation that the local stack and the tests rely on; nothing here runs in AWS.

- StopExecution right after StartExecution (a timer replaced within the same SQS batch) fails inside
  moto 5.2.5 with AttributeError: the execution's environment is created by its worker thread, which may
  not have run yet. AWS stops such an execution; so does this, by waiting for the thread to set it up.
- UploadPart with an `x-amz-checksum-crc32` header: S3 computes the body's CRC32 and refuses a mismatch
  with 400 BadDigest; moto 5.2.5 stores the part unchecked. This checks it as S3 does (the files API signs
  each part's checksum into its presigned URL so that a corrupted part never lands); nothing else changes.
"""

from __future__ import annotations

import base64
import binascii
import time
import zlib

from moto.s3.exceptions import S3ClientError
from moto.s3.responses import S3Response
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

_SETUP_WAIT_SECONDS = 5

_original_stop = ExecutionWorker.stop
_original_upload_part = S3Response.upload_part


def _stop_once_set_up(self, stop_date, error, cause):
    deadline = time.monotonic() + _SETUP_WAIT_SECONDS
    while getattr(self, "env", None) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return _original_stop(self, stop_date, error, cause)


def _upload_part_checked(self):
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


def apply() -> None:
    ExecutionWorker.stop = _stop_once_set_up
    S3Response.upload_part = _upload_part_checked
