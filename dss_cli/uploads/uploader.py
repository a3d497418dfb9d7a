"""One file's upload from start to completion (the steps are in dss_cli/uploads/__init__.py)."""

from __future__ import annotations

import mimetypes
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

from dss_cli import DEFAULT_PARALLEL
from dss_cli.api import ApiClient
from dss_cli.checksums import PartRange, digest_file, part_ranges, to_b64
from dss_cli.config import write_private_json
from dss_cli.errors import ApiError, CliError
from dss_cli.progress import NoProgress, ProgressSink
from dss_cli.transport import PART_RETRY, s3_session
from dss_cli.uploads.part_urls import PartUrls
from dss_cli.uploads.parts import Pacer, PartRun, PartSender
from dss_cli.uploads.plan import Resume, held_parts, missing_parts, resuming_message
from dss_cli.uploads.state import new_idempotency_key, save_before_start, save_started, state_file, state_key


@dataclass
class UploadResult:
    case_file: dict
    upload_id: str
    resumed: bool
    part_count: int
    parts_sent: int
    bytes_sent: int
    seconds: float


class Uploader:
    def __init__(
        self,
        client: ApiClient,
        *,
        parallel: int = DEFAULT_PARALLEL,
        state_dir: Path,
        progress: ProgressSink | None = None,
        rate_limit: float | None = None,
        log: Callable[[str], None] | None = None,
        session: requests.Session | None = None,
    ):
        if parallel < 1:
            raise ValueError("parallel must be at least 1")
        self.client, self.state_dir = client, Path(state_dir)
        self.progress = progress or NoProgress()
        self.log = log or (lambda message: None)
        self.resume = Resume(client, self.log)
        pacer = Pacer(rate_limit) if rate_limit else None
        self.sender = PartSender(session or s3_session(parallel, retry=PART_RETRY), parallel, self.progress, pacer)

    def upload(self, case_number: str, path: Path, content_type: str | None = None) -> UploadResult:
        began = time.monotonic()
        path = Path(path).absolute()
        try:
            stat = path.stat()
        except OSError as error:
            raise CliError(f"cannot read {path}: {error.strerror}") from None
        if not path.is_file():
            raise CliError(f"{path} is not a regular file")
        size = stat.st_size
        saved_at = state_file(self.state_dir, state_key(self.client.api, case_number, path, size, stat.st_mtime_ns))

        try:
            with self.progress.task(f"checksum {path.name}", size) as advance:
                digest = digest_file(path, size, advance)
        except OSError as error:
            raise CliError(f"cannot read {path}: {error}") from None
        checksum = to_b64(digest.crc)

        saved = self.resume.saved(case_number, saved_at, checksum)
        if saved.case_file is not None:
            return UploadResult(saved.case_file, saved.upload_id, True, saved.part_count, 0, 0, time.monotonic() - began)
        upload, held, resumed = saved.upload, saved.held, saved.upload is not None
        if upload is None:
            state = save_before_start(saved_at, self.client.api, path, size, stat.st_mtime_ns, checksum, saved.start_key)
            body = {
                "fileName": path.name, "size": size,
                "contentType": content_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                "checksum": {"algorithm": "CRC32", "value": checksum},
            }  # fmt: skip
            upload = self._start(case_number, body, state, saved_at)
            save_started(saved_at, state, case_number, upload)
        upload_id = upload["uploadId"]
        parts = part_ranges(size, int(upload["partSize"]), int(upload["partCount"]))
        checksums = digest.part_crcs(parts)
        if checksums is None:
            raise CliError(f"the API chose parts of {upload['partSize']} bytes: its contract says whole MiB (a bug of the API)")

        fd = os.open(path, os.O_RDONLY)
        try:
            missing = missing_parts(parts, held, checksums)
            if resumed:
                self.log(resuming_message(upload_id, path.name, parts, missing, held))
            run = PartRun(fd, path, checksums, PartUrls(self.client, case_number, upload_id, checksums, [p.number for p in missing]))
            self.sender.send(run, parts, missing, size)
            case_file = self._complete(case_number, upload_id, parts, run, saved_at)
        finally:
            os.close(fd)
        saved_at.unlink(missing_ok=True)
        return UploadResult(case_file, upload_id, resumed, len(parts), run.sent_parts, run.sent_bytes, time.monotonic() - began)

    def _start(self, case_number: str, body: dict, state: dict, saved_at: Path) -> dict:
        try:
            return self.client.start_upload(case_number, body, idempotency_key=state["idempotencyKey"])
        except ApiError as error:
            if error.code != "idempotency_key_reused":
                raise
        # The saved key went with another start of this path (the file changed without its size or mtime): a new one.
        state["idempotencyKey"] = new_idempotency_key()
        write_private_json(saved_at, state)
        return self.client.start_upload(case_number, body, idempotency_key=state["idempotencyKey"])

    def _complete(self, case_number: str, upload_id: str, parts: list[PartRange], run: PartRun, saved_at: Path) -> dict:
        for attempt in (1, 2):
            try:
                return self.client.complete_upload(case_number, upload_id)
            except ApiError as error:
                if error.code in ("parts_missing", "part_size_mismatch") and attempt == 1:
                    # S3 lost or never got something we thought was sent: ask what it holds, send the rest once more.
                    missing = missing_parts(parts, held_parts(self.client.get_upload(case_number, upload_id)), run.checksums)
                    run.urls = PartUrls(self.client, case_number, upload_id, run.checksums, [p.number for p in missing])
                    self.sender.send(run, parts, missing, sum(p.length for p in parts))
                    continue
                if error.code == "checksum_mismatch" or error.status == 404:
                    saved_at.unlink(missing_ok=True)  # the upload is gone: the next run starts over
                raise
        raise AssertionError("unreachable")
