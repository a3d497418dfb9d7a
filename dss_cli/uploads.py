"""`dss files upload`: presigned multipart uploads in parallel, checksummed, resumable.

One file, step by step:
1. one streaming read computes the CRC32 of every 1 MiB block (checksums.digest_file): the whole
   file's CRC for the start, and every part's CRC once the part size is known, by combination;
2. a saved upload of the same file (same API, case, absolute path, size and mtime) is resumed: the
   parts S3 already holds are compared with the local checksums, the rest is sent; an upload the API no
   longer knows (404) is completed once more in case it was completed already (a completion whose answer
   was lost: the API answers with the same file), else it starts over, as does one whose file changed;
3. otherwise the upload is started with an Idempotency-Key saved under the config dir first (a run that
   stops before the answer is saved starts again with the same key and gets the same upload, within the
   API's 24 hours), and its id saved before any part is sent;
4. `parallel` worker threads each take a part, read it with os.pread (memory: one part per worker),
   check it against its CRC (the file must not change under us), and PUT it to its presigned URL with
   the signed `x-amz-checksum-crc32` header and exactly the part's length (signed into the URL too: S3
   refuses any other Content-Length); URLs are fetched in batches of up to 100, and again when
   they are about to expire or S3 says they did; failures are retried, a part S3 refuses as corrupt
   (BadDigest) is read again and re-sent;
5. complete; the API checks every part and the whole-file CRC; the saved state is removed.
This is the second and last read of the file. Ctrl-C (or a crash) leaves the state: run the same
command again.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import queue
import threading
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import requests

from dss_cli import DEFAULT_PARALLEL
from dss_cli.api import ApiClient, ApiError, CliError, case_path, describe_network_error
from dss_cli.checksums import PartRange, digest_file, part_ranges, to_b64
from dss_cli.config import write_private_json
from dss_cli.transfer import NoProgress, Pacer, ProgressSink, s3_error, s3_session

URL_BATCH = 100  # the API's maximum per call
URL_LIFETIME_SECONDS = 15 * 60  # the API's maximum
URL_MARGIN_SECONDS = 60  # a URL this close to expiry is refreshed before use
PART_ATTEMPTS = 5
PUT_TIMEOUT = (10, 300)
CORRUPT_PART_CODES = frozenset({"BadDigest", "InvalidDigest", "XAmzContentChecksumMismatch", "InvalidChecksum"})
EXPIRED_CODES = frozenset({"AccessDenied", "ExpiredToken", "RequestExpired", "SignatureDoesNotMatch", "RequestTimeTooSkewed"})
STATE_VERSION = 1


class Interrupted(CliError):
    """Ctrl-C: the saved state lets the same command resume."""

    exit_code = 130


class FileChanged(CliError):
    pass


@dataclass(frozen=True)
class _Saved:
    """What became of the saved upload of a file: one to continue, one completed already, or none (start one)."""

    upload: dict | None = None
    held: dict[int, dict] = field(default_factory=dict)  # part number -> the part S3 holds
    start_key: str | None = None  # the Idempotency-Key of a start whose answer was not saved
    case_file: dict | None = None  # completed already: the recorded file
    upload_id: str = ""
    part_count: int = 0


@dataclass
class UploadResult:
    case_file: dict
    upload_id: str
    resumed: bool
    part_count: int
    parts_sent: int
    bytes_sent: int
    seconds: float


# --- the saved state ------------------------------------------------------------------------------


def state_key(api: str, case_number: str, path: Path, size: int, mtime_ns: int) -> str:
    """The same file (by absolute path, size and mtime) uploaded to the same case of the same API."""
    identity = "\n".join([api.rstrip("/"), case_path(case_number), str(Path(path).absolute()), str(size), str(mtime_ns)])
    return hashlib.sha256(identity.encode()).hexdigest()[:40]


def state_file(state_dir: Path, key: str) -> Path:
    return state_dir / f"{key}.json"


def load_state(path: Path) -> dict | None:
    try:
        state = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        path.unlink(missing_ok=True)  # a torn or foreign file: start over rather than fail forever
        return None
    if (
        not isinstance(state, dict)
        or state.get("version") != STATE_VERSION
        or not isinstance(state.get("uploadId") or state.get("idempotencyKey"), str)
    ):
        path.unlink(missing_ok=True)
        return None
    return state


# --- presigned part URLs --------------------------------------------------------------------------


@dataclass
class PartUrl:
    url: str
    headers: dict
    valid_until: float  # time.monotonic()
    length: int | None = None  # the Content-Length signed into the URL, when the API says it


def parse_expiry(expires_at: str | None, now: datetime) -> float:
    """Seconds the URL stays valid, by the API's expiresAt, never more than the API's maximum."""
    try:
        seconds = (datetime.fromisoformat(str(expires_at).replace("Z", "+00:00")) - now).total_seconds()
    except ValueError:
        seconds = URL_LIFETIME_SECONDS
    return min(seconds, URL_LIFETIME_SECONDS)


class PartUrls:
    """Thread-safe cache of part URLs, fetched in batches in upload order, refreshed before they expire."""

    def __init__(
        self,
        client: ApiClient,
        case_number: str,
        upload_id: str,
        checksums: dict[int, int],
        order: list[int],
        batch: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.client, self.case_number, self.upload_id, self.checksums = client, case_number, upload_id, checksums
        self.order, self.position = order, {number: i for i, number in enumerate(order)}
        self.batch, self.clock = batch or URL_BATCH, clock
        self.lock, self.cache, self.done = threading.Lock(), {}, set()

    def _valid(self, number: int, now: float) -> bool:
        entry = self.cache.get(number)
        return entry is not None and entry.valid_until > now

    def get(self, number: int) -> PartUrl:
        with self.lock:
            now = self.clock()
            if self._valid(number, now):
                return self.cache[number]
            wanted = [number]
            for other in self.order[self.position.get(number, len(self.order)) + 1 :]:
                if len(wanted) >= self.batch:
                    break
                if other not in self.done and not self._valid(other, now):
                    wanted.append(other)
            answer = self.client.part_urls(
                self.case_number, self.upload_id, [{"partNumber": n, "checksum": to_b64(self.checksums[n])} for n in wanted]
            )
            fetched, wall = self.clock(), datetime.now(UTC)
            for item in answer:
                lifetime = max(parse_expiry(item.get("expiresAt"), wall) - URL_MARGIN_SECONDS, 30)
                headers = {str(k).lower(): str(v) for k, v in (item.get("headers") or {}).items()}
                length = item.get("contentLength")
                self.cache[int(item["partNumber"])] = PartUrl(
                    item["url"], headers, fetched + lifetime, int(length) if length is not None else None
                )
            if number not in self.cache:
                raise CliError(f"the API sent no URL for part {number}")
            return self.cache[number]

    def invalidate(self, number: int) -> None:
        with self.lock:
            self.cache.pop(number, None)

    def finished(self, number: int) -> None:
        with self.lock:
            self.cache.pop(number, None)
            self.done.add(number)


# --- the uploader ---------------------------------------------------------------------------------


def read_exact(fd: int, offset: int, length: int) -> bytes:
    data = os.pread(fd, length, offset)
    if len(data) == length:
        return data
    chunks = [data]  # pread may return less (very large parts, some file systems)
    got = len(data)
    while got < length:
        more = os.pread(fd, length - got, offset + got)
        if not more:
            raise FileChanged(f"the file ended at byte {offset + got}, expected {offset + length}: it changed during the upload")
        chunks.append(more)
        got += len(more)
    return b"".join(chunks)


@dataclass
class _Run:
    """One file's parts in flight."""

    fd: int
    path: Path
    checksums: dict[int, int]
    urls: PartUrls
    stop: threading.Event = field(default_factory=threading.Event)
    sent_parts: int = 0
    sent_bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


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
        self.client, self.parallel, self.state_dir = client, parallel, Path(state_dir)
        self.progress = progress or NoProgress()
        self.pacer = Pacer(rate_limit) if rate_limit else None
        self.log = log or (lambda message: None)
        self.s3 = session or s3_session(parallel)

    # The whole file ------------------------------------------------------------------------------

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

        self.progress.begin(f"checksum {path.name}", size)
        try:
            digest = digest_file(path, size, self.progress.advance)
        except OSError as error:
            raise CliError(f"cannot read {path}: {error}") from None
        finally:
            self.progress.end()
        checksum = to_b64(digest.crc)

        saved = self._resume(case_number, saved_at, checksum)
        if saved.case_file is not None:
            return UploadResult(saved.case_file, saved.upload_id, True, saved.part_count, 0, 0, time.monotonic() - began)
        upload, held, resumed = saved.upload, saved.held, saved.upload is not None
        if upload is None:
            state = {"version": STATE_VERSION, "api": self.client.api, "path": str(path), "size": size, "mtimeNs": stat.st_mtime_ns,
                     "checksum": checksum, "idempotencyKey": saved.start_key or f"dss-cli-{uuid.uuid4()}"}  # fmt: skip
            write_private_json(saved_at, state)  # before the start: a run that stops before its answer is saved gets it again
            body = {
                "fileName": path.name, "size": size,
                "contentType": content_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                "checksum": {"algorithm": "CRC32", "value": checksum},
            }  # fmt: skip
            upload = self._start(case_number, body, state, saved_at)
            write_private_json(saved_at, {
                **state, "caseNumber": upload.get("caseNumber", case_number), "uploadId": upload["uploadId"],
                "partSize": upload["partSize"], "partCount": upload["partCount"],
                "startedAt": datetime.now(UTC).isoformat(timespec="seconds"),
            })  # fmt: skip
        upload_id = upload["uploadId"]
        parts = part_ranges(size, int(upload["partSize"]), int(upload["partCount"]))
        checksums = digest.part_crcs(parts)
        if checksums is None:
            raise CliError(f"the API chose parts of {upload['partSize']} bytes: its contract says whole MiB (a bug of the API)")

        fd = os.open(path, os.O_RDONLY)
        try:
            missing = self._missing(parts, held, checksums)
            if resumed:
                stored = len(parts) - len(missing)
                sending = {p.number for p in missing}
                unlisted = sum(1 for p in parts if p.number not in sending and held[p.number].get("checksum") is None)
                checked = f" ({unlisted} by size: S3 listed no part checksums)" if unlisted else ""
                self.log(
                    f"Resuming upload {upload_id} of {path.name}: {stored} of {len(parts)} parts already stored{checked}, "
                    f"sending {len(missing)}"
                )
            run = _Run(fd, path, checksums, PartUrls(self.client, case_number, upload_id, checksums, [p.number for p in missing]))
            self._send(run, parts, missing, size)
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
        state["idempotencyKey"] = f"dss-cli-{uuid.uuid4()}"
        write_private_json(saved_at, state)
        return self.client.start_upload(case_number, body, idempotency_key=state["idempotencyKey"])

    def _resume(self, case_number: str, saved_at: Path, checksum: str) -> _Saved:
        state = load_state(saved_at)
        if state is None:
            return _Saved()
        upload_id = state.get("uploadId")
        if not upload_id:  # started (or about to) when the last run stopped: start again with the same key
            return _Saved(start_key=state["idempotencyKey"] if state.get("checksum") == checksum else None)
        try:
            upload = self.client.get_upload(case_number, upload_id)
        except ApiError as error:
            if error.status != 404:
                raise
            case_file = self._completed_already(case_number, upload_id, checksum)
            saved_at.unlink(missing_ok=True)
            if case_file is None:
                self.log(f"The interrupted upload {upload_id} is gone (aborted or expired): starting over")
                return _Saved()
            self.log(f"Upload {upload_id} was completed already (its answer was lost): it is file {case_file.get('fileId')}")
            return _Saved(case_file=case_file, upload_id=upload_id, part_count=int(state.get("partCount") or 0))
        if (upload.get("checksum") or {}).get("value") != checksum:  # the size is part of the state's key
            self.log(f"The file changed since upload {upload_id} started: aborting it and starting over")
            try:
                self.client.abort_upload(case_number, upload_id)
            except ApiError as error:
                if error.status != 404:
                    raise
            saved_at.unlink(missing_ok=True)
            return _Saved()
        return _Saved(upload, {int(p["partNumber"]): p for p in upload.get("parts") or []})

    def _completed_already(self, case_number: str, upload_id: str, checksum: str) -> dict | None:
        """The file an upload the API no longer lists became, if its completion went through but its answer was
        lost (a retried completion answers with the same file); None if it is not a file of this file's bytes."""
        try:
            case_file = self.client.complete_upload(case_number, upload_id)
        except ApiError as error:
            if error.status in (404, 409, 422):  # aborted, expired, incomplete or discarded: not a file
                return None
            raise  # anything else (the API down, the login expired): keep the state, run the same command again
        if (case_file.get("checksum") or {}).get("value") != checksum:
            return None
        return case_file

    @staticmethod
    def _missing(parts: list[PartRange], held: dict[int, dict], checksums: dict[int, int]) -> list[PartRange]:
        """Parts S3 does not hold with exactly the local size and checksum.

        S3 lists each part's CRC32 (the upload has a checksum algorithm); an S3 that lists none (moto) gets
        the part trusted by its size: S3 took it only because it matched the checksum signed into its URL,
        which came from this file, whose whole CRC is unchanged (checked before resuming) and is checked
        again by the API at completion."""

        def good(part: PartRange) -> bool:
            stored = held.get(part.number)
            if stored is None or stored.get("size") != part.length:
                return False
            return stored.get("checksum") in (None, to_b64(checksums[part.number]))

        return [part for part in parts if not good(part)]

    def _complete(self, case_number: str, upload_id: str, parts: list[PartRange], run: _Run, saved_at: Path) -> dict:
        for attempt in (1, 2):
            try:
                return self.client.complete_upload(case_number, upload_id)
            except ApiError as error:
                if error.code in ("parts_missing", "part_size_mismatch") and attempt == 1:
                    # S3 lost or never got something we thought was sent: ask what it holds, send the rest once more.
                    upload = self.client.get_upload(case_number, upload_id)
                    held = {int(p["partNumber"]): p for p in upload.get("parts") or []}
                    missing = self._missing(parts, held, run.checksums)
                    run.urls = PartUrls(self.client, case_number, upload_id, run.checksums, [p.number for p in missing])
                    self._send(run, parts, missing, sum(p.length for p in parts))
                    continue
                if error.code == "checksum_mismatch" or error.status == 404:
                    saved_at.unlink(missing_ok=True)  # the upload is gone: the next run starts over
                raise
        raise AssertionError("unreachable")

    # The parts ---------------------------------------------------------------------------------

    def _send(self, run: _Run, parts: list[PartRange], missing: list[PartRange], size: int) -> None:
        self.progress.begin(f"upload {run.path.name}", size, size - sum(p.length for p in missing))
        run.stop = threading.Event()  # a second round (parts S3 lost before completion) runs afresh
        todo: queue.SimpleQueue = queue.SimpleQueue()
        results: queue.SimpleQueue = queue.SimpleQueue()
        for part in missing:
            todo.put(part)
        workers = [
            threading.Thread(target=self._worker, args=(run, todo, results), name=f"dss-part-{i}", daemon=True)
            for i in range(min(self.parallel, len(missing)))
        ]
        try:
            for worker in workers:
                worker.start()
            for _ in missing:
                while True:
                    try:
                        outcome = results.get(timeout=0.25)  # a timeout keeps Ctrl-C responsive
                        break
                    except queue.Empty:
                        if not any(worker.is_alive() for worker in workers) and results.empty():
                            raise CliError("the upload workers stopped without finishing (a bug): run the same command again") from None
                        continue
                if isinstance(outcome, BaseException):
                    raise outcome
        except BaseException as error:
            run.stop.set()
            for worker in workers:  # parts in flight end (their PUTs time out at worst) before the file is closed
                if worker.is_alive():
                    worker.join()
            if isinstance(error, KeyboardInterrupt):
                done = len(parts) - len(missing) + run.sent_parts
                raise Interrupted(
                    f"interrupted: {done} of {len(parts)} parts of {run.path.name} are stored; run the same command again to resume"
                ) from None
            raise
        finally:
            run.stop.set()  # idle workers leave
            self.progress.end()

    def _worker(self, run: _Run, todo: queue.SimpleQueue, results: queue.SimpleQueue) -> None:
        while not run.stop.is_set():
            try:
                part = todo.get_nowait()
            except queue.Empty:
                return
            try:
                self._send_part(run, part)
                results.put(part.number)
            except BaseException as error:  # noqa: BLE001 (handed to the main thread)
                results.put(error)
                return

    def _send_part(self, run: _Run, part: PartRange) -> None:
        expected = to_b64(run.checksums[part.number])
        last_problem, refreshed = "", False
        attempt = 0
        while attempt < PART_ATTEMPTS:
            attempt += 1
            if run.stop.is_set():
                return
            data = read_exact(run.fd, part.offset, part.length)
            if zlib.crc32(data) != run.checksums[part.number]:
                raise FileChanged(
                    f"{run.path.name} changed during the upload (part {part.number} no longer matches its checksum): "
                    "run the command again once the file is stable"
                )
            target = run.urls.get(part.number)
            if target.length is not None and target.length != part.length:
                raise CliError(
                    f"the API signed part {part.number} for {target.length} bytes, but it holds {part.length} (a bug of the API)"
                )
            headers = dict(target.headers)
            if headers.get("x-amz-checksum-crc32", expected) != expected:
                raise CliError(f"the API signed part {part.number} with another checksum than the one sent")
            headers.setdefault("x-amz-checksum-crc32", expected)
            if self.pacer:
                self.pacer.wait(len(data), run.stop)
                if run.stop.is_set():
                    return
            try:
                response = self.s3.put(target.url, data=data, headers=headers, timeout=PUT_TIMEOUT)
            except requests.RequestException as error:
                last_problem = describe_network_error(error, target.url)
                del data
                run.stop.wait(min(0.5 * 2**attempt, 8))
                continue
            del data
            if response.status_code in (200, 201, 204):
                run.urls.finished(part.number)
                with run.lock:
                    run.sent_parts += 1
                    run.sent_bytes += part.length
                self.progress.advance(part.length)
                return
            code, message = s3_error(response)
            last_problem = f"HTTP {response.status_code} {code} {message}".strip()
            if response.status_code == 403 and (code in EXPIRED_CODES or not code):
                run.urls.invalidate(part.number)  # expired (or clock skew): a fresh URL
                if not refreshed:
                    refreshed = True
                    attempt -= 1  # a refresh is not a failure
                continue
            if response.status_code == 400 and code in CORRUPT_PART_CODES:
                continue  # corrupted on the way: read it again and resend
            if response.status_code in (408, 429) or response.status_code >= 500 or code in ("RequestTimeout", "SlowDown"):
                run.stop.wait(min(0.5 * 2**attempt, 8))
                continue
            raise CliError(f"S3 refused part {part.number} of {run.path.name}: {last_problem}")
        raise CliError(
            f"part {part.number} of {run.path.name} failed {PART_ATTEMPTS} times; last: {last_problem}. "
            "Run the same command again to resume."
        )
