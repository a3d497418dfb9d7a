"""Part transfer: the parts S3 lacks, `parallel` at a time on a thread pool, each read with os.pread
(memory: one part per thread), checked against its CRC (the file must not change under us) and PUT to
its presigned URL with the signed checksum header and exactly the signed length.

Network failures, 408, 429 and 5xx are retried by the S3 session's policy (transport.PART_RETRY); here
only what needs a new URL or the part read again: a URL S3 calls expired gets one fresh URL (not counted
as an attempt), a part S3 refuses as corrupt (BadDigest) is read again and re-sent.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import requests

from dss_cli.checksums import PartRange, crc32, to_b64
from dss_cli.errors import CliError, FileChanged, Interrupted
from dss_cli.progress import Advance, ProgressSink
from dss_cli.transport import PART_ATTEMPTS, PART_RETRY_STATUS, describe_network_error, s3_error
from dss_cli.uploads.part_urls import PartUrls

PUT_TIMEOUT = (10, 300)
CORRUPT_PART_CODES = frozenset({"BadDigest", "InvalidDigest", "XAmzContentChecksumMismatch", "InvalidChecksum"})
EXPIRED_CODES = frozenset({"AccessDenied", "ExpiredToken", "RequestExpired", "SignatureDoesNotMatch", "RequestTimeTooSkewed"})
# S3's 400 RequestTimeout (it waited too long for the body) needs the error body to be told apart: re-sent here.
RESEND_CODES = frozenset({"RequestTimeout", "SlowDown"})


class Pacer:
    """Limits the average rate of bytes handed to the network (--limit-rate), across all parts in flight."""

    def __init__(self, bytes_per_second: float):
        if bytes_per_second <= 0:
            raise ValueError("the rate must be positive")
        self.rate, self.lock, self.next_slot = bytes_per_second, threading.Lock(), time.monotonic()

    def wait(self, amount: int, stop: threading.Event) -> None:
        with self.lock:
            now = time.monotonic()
            start = max(self.next_slot, now)
            self.next_slot = start + amount / self.rate
        if start > now:
            stop.wait(start - now)


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
class PartRun:
    """One file's parts in flight."""

    fd: int
    path: Path
    checksums: dict[int, int]
    urls: PartUrls
    stop: threading.Event = field(default_factory=threading.Event)
    sent_parts: int = 0
    sent_bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class PartSender:
    def __init__(self, s3: requests.Session, parallel: int, progress: ProgressSink, pacer: Pacer | None):
        self.s3, self.parallel, self.progress, self.pacer = s3, parallel, progress, pacer

    def send(self, run: PartRun, parts: list[PartRange], missing: list[PartRange], size: int) -> None:
        """Every missing part, or the first failure once the parts in flight have ended (they read the file)."""
        run.stop = threading.Event()  # a second round (parts S3 lost before completion) runs afresh
        with (
            self.progress.task(f"upload {run.path.name}", size, size - sum(p.length for p in missing)) as advance,
            ThreadPoolExecutor(max_workers=max(1, min(self.parallel, len(missing))), thread_name_prefix="dss-part") as pool,
        ):
            futures = [pool.submit(self._send_or_stop, run, part, advance) for part in missing]
            try:
                for future in as_completed(futures):
                    future.result()
            except BaseException as error:
                run.stop.set()
                pool.shutdown(wait=True, cancel_futures=True)  # parts in flight end (their PUTs time out at worst) first
                if isinstance(error, KeyboardInterrupt):
                    done = len(parts) - len(missing) + run.sent_parts
                    raise Interrupted(
                        f"interrupted: {done} of {len(parts)} parts of {run.path.name} are stored; run the same command again to resume"
                    ) from None
                raise

    def _send_or_stop(self, run: PartRun, part: PartRange, advance: Advance) -> None:
        try:
            self._send_part(run, part, advance)
        except BaseException:
            run.stop.set()  # the run fails: the parts not yet begun do not start
            raise

    def _send_part(self, run: PartRun, part: PartRange, advance: Advance) -> None:
        expected = to_b64(run.checksums[part.number])
        last_problem, refreshed = "", False
        attempt = 0
        while attempt < PART_ATTEMPTS:
            attempt += 1
            if run.stop.is_set():
                return
            data = read_exact(run.fd, part.offset, part.length)
            if crc32(data) != run.checksums[part.number]:
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
            except requests.RequestException as error:  # the session's retries ran out
                raise self._gave_up(run, part, describe_network_error(error, target.url)) from None
            finally:
                del data
            if response.status_code in (200, 201, 204):
                run.urls.finished(part.number)
                with run.lock:
                    run.sent_parts += 1
                    run.sent_bytes += part.length
                advance(part.length)
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
            if response.status_code in PART_RETRY_STATUS:
                raise self._gave_up(run, part, last_problem)  # the session retried it already
            if code in RESEND_CODES:
                run.stop.wait(min(0.5 * 2**attempt, 8))
                continue
            raise CliError(f"S3 refused part {part.number} of {run.path.name}: {last_problem}")
        raise self._gave_up(run, part, last_problem)

    @staticmethod
    def _gave_up(run: PartRun, part: PartRange, last_problem: str) -> CliError:
        return CliError(
            f"part {part.number} of {run.path.name} failed {PART_ATTEMPTS} times; last: {last_problem}. "
            "Run the same command again to resume."
        )
