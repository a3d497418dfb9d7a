"""Presigned part URLs: fetched in batches of up to 100 in upload order, refreshed before they expire."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from dss_cli.api import ApiClient
from dss_cli.checksums import to_b64
from dss_cli.errors import CliError

URL_BATCH = 100  # the API's maximum per call
URL_LIFETIME_SECONDS = 15 * 60  # the API's maximum
URL_MARGIN_SECONDS = 60  # a URL this close to expiry is refreshed before use


@dataclass
class PartUrl:
    url: str
    headers: dict[str, str]
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
        self.lock = threading.Lock()
        self.cache: dict[int, PartUrl] = {}
        self.done: set[int] = set()

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
