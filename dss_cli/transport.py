"""HTTP sessions and their retry policies: urllib3's Retry on requests' HTTPAdapter, one policy for the
API's calls that are safe to repeat and one for the presigned part PUTs; S3's XML errors; network errors
as one line."""

from __future__ import annotations

import re
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import InvalidHeader, ReadTimeoutError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from dss_cli import __version__

S3_CODE = re.compile(r"<Code>([^<]*)</Code>")
S3_MESSAGE = re.compile(r"<Message>([^<]*)</Message>")
RETRY_AFTER_MAX = 30  # seconds: a longer Retry-After is cut to this


class Backoff(Retry):
    """urllib3's Retry with the client's waits: backoff_factor before the first retry too (urllib3 retries the
    first failure at once), doubling up to backoff_max; a Retry-After of seconds or a date is waited instead
    (up to retry_after_max, 0 means at once), one that is neither falls back to the backoff (urllib3 raises)."""

    def get_backoff_time(self) -> float:
        failures = len(self.history)  # requests follows redirects itself: every entry is a failure
        return 0.0 if failures == 0 else float(min(self.backoff_max, self.backoff_factor * 2 ** (failures - 1)))

    def sleep_for_retry(self, response: BaseHTTPResponse) -> bool:
        try:
            seconds = self.get_retry_after(response)
        except InvalidHeader:
            return False
        if seconds is None:
            return False
        time.sleep(seconds)
        return True


# API calls the client marks safe to repeat (GETs, and POSTs and PATCHes that carry an Idempotency-Key or answer the
# same when repeated): 3 attempts, 0.5 s then 1 s apart unless the API says Retry-After.
API_RETRY = Backoff(
    total=2,
    backoff_factor=0.5,
    backoff_max=RETRY_AFTER_MAX,
    status_forcelist=frozenset({429, 502, 503, 504}),
    allowed_methods=frozenset({"GET", "POST", "PATCH", "DELETE"}),
    raise_on_status=False,  # the last answer goes back to the caller, who reports it
    retry_after_max=RETRY_AFTER_MAX,
)

# A part PUT to its presigned URL: 5 attempts on network failures, 408, 429 and 5xx, 1, 2, 4, 8 s apart (a
# Retry-After is honoured up to the same 8 s). The body is the part's bytes, so each attempt sends it whole.
PART_ATTEMPTS = 5
PART_RETRY_STATUS = frozenset({408, 429, *range(500, 600)})
PART_RETRY = Backoff(
    total=PART_ATTEMPTS - 1,
    backoff_factor=1,
    backoff_max=8,
    status_forcelist=PART_RETRY_STATUS,
    allowed_methods=frozenset({"PUT"}),
    raise_on_status=False,
    retry_after_max=8,
)

# Sent once: a connection failure is reported, not retried (requests' own default).
NO_RETRY = Retry(0, read=False)


def new_session(pool_size: int = 10, retry: Retry = NO_RETRY) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(pool_size, 1), max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = f"dss-cli/{__version__}"
    return session


def s3_session(parallel: int, retry: Retry = NO_RETRY) -> requests.Session:
    """One connection per part in flight is kept alive (the pool is the parallelism, plus slack)."""
    return new_session(pool_size=parallel + 2, retry=retry)


def s3_error(response: requests.Response) -> tuple[str, str]:
    """(Code, Message) of S3's XML error body; empty strings when there is none."""
    text = response.text[:4000] if response.content else ""
    code, message = S3_CODE.search(text), S3_MESSAGE.search(text)
    return (code.group(1) if code else ""), (message.group(1) if message else "")


def describe_network_error(error: requests.RequestException, url: str) -> str:
    """One line naming the URL without its query (a presigned URL's signature stays out of messages)."""
    where = url.split("?", 1)[0]
    # Once urllib3's retries run out, requests reports even a read timeout as a ConnectionError.
    reason = getattr(error.args[0], "reason", None) if error.args else None
    if isinstance(reason, ReadTimeoutError):
        return f"no answer from {where} in time (ReadTimeout)"
    if isinstance(error, requests.ConnectionError) and not isinstance(error, requests.Timeout):
        return f"cannot reach {where}: is the API running and the URL right? ({type(error).__name__})"
    if isinstance(error, requests.Timeout):
        return f"no answer from {where} in time ({type(error).__name__})"
    return f"request to {where} failed: {error}"
