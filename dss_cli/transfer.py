"""What uploads and downloads share: S3's HTTP session, its error answers, progress reporting, pacing."""

from __future__ import annotations

import re
import threading
import time
from typing import Protocol

import requests

from dss_cli.api import new_session

S3_CODE = re.compile(r"<Code>([^<]*)</Code>")
S3_MESSAGE = re.compile(r"<Message>([^<]*)</Message>")


def s3_session(parallel: int) -> requests.Session:
    """One connection per worker is kept alive (the pool is the parallelism, plus slack)."""
    return new_session(pool_size=parallel + 2)


def s3_error(response: requests.Response) -> tuple[str, str]:
    """(Code, Message) of S3's XML error body; empty strings when there is none."""
    text = response.text[:4000] if response.content else ""
    code, message = S3_CODE.search(text), S3_MESSAGE.search(text)
    return (code.group(1) if code else ""), (message.group(1) if message else "")


class ProgressSink(Protocol):
    def begin(self, description: str, total: int, completed: int = 0) -> None: ...
    def advance(self, amount: int) -> None: ...
    def end(self) -> None: ...


class NoProgress:
    def begin(self, description: str, total: int, completed: int = 0) -> None:
        pass

    def advance(self, amount: int) -> None:
        pass

    def end(self) -> None:
        pass


class Pacer:
    """Limits the average rate of bytes handed to the network (--limit-rate), across all workers."""

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


UNITS = {
    "": 1,
    "B": 1,
    "K": 1 << 10,
    "KB": 1 << 10,
    "KIB": 1 << 10,
    "M": 1 << 20,
    "MB": 1 << 20,
    "MIB": 1 << 20,
    "G": 1 << 30,
    "GB": 1 << 30,
    "GIB": 1 << 30,
}


def parse_size(text: str) -> int:
    """'4M', '512k', '1.5GiB', '1000' (bytes; binary units)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    if not match or match.group(2).upper() not in UNITS:
        raise ValueError(f"not a size: {text!r} (examples: 500K, 4M, 1G)")
    value = int(float(match.group(1)) * UNITS[match.group(2).upper()])
    if value <= 0:
        raise ValueError(f"must be positive: {text!r}")
    return value
