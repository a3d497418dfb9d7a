"""The HTTP API, as the client sees it: JSON in, JSON out, errors as one exception with one line."""

from __future__ import annotations

import ipaddress
import time
import uuid
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from requests.adapters import HTTPAdapter

from dss_cli import __version__

TIMEOUT = (10, 60)  # connect, read (seconds)
RETRYABLE_STATUS = frozenset({429, 502, 503, 504})


class CliError(Exception):
    """Anything the user should read as one line; exit code 1."""

    def one_line(self) -> str:
        return str(self)


class ApiError(CliError):
    """The API answered {"error", "message", "field"} (or something else that is not a success)."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None, body: Any = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.body = status, code, message, field, body

    @classmethod
    def from_response(cls, response: requests.Response) -> ApiError:
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            return cls(response.status_code, body["error"], str(body.get("message") or body["error"]), body.get("field"), body)
        text = " ".join(response.text.split())[:200] or response.reason or "no body"
        return cls(response.status_code, f"http_{response.status_code}", text, None, body)

    def one_line(self) -> str:
        field = f", field {self.field}" if self.field else ""
        message = self.message.rstrip()
        return f"{message} ({self.code}{field}; HTTP {self.status})"


class NetworkError(CliError):
    pass


class InsecureApiUrl(CliError):
    pass


def is_loopback(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or bool(getattr(address, "ipv4_mapped", None) and address.ipv4_mapped.is_loopback)


def refuse_token_over_plain_http(api: str) -> None:
    """A token sent over http:// can be read and replayed by anyone on the way: plain http is for the local
    stack on this machine only."""
    parts = urlsplit(api)
    if parts.scheme.lower() == "http" and not is_loopback(parts.hostname or ""):
        raise InsecureApiUrl(
            f"refusing to send your token over plain http:// to {parts.hostname or api}: use an https:// API URL "
            "(http:// is only for 127.0.0.1, ::1 or localhost)"
        )


def describe_network_error(error: requests.RequestException, url: str) -> str:
    where = url.split("?", 1)[0]
    if isinstance(error, requests.ConnectionError) and not isinstance(error, requests.Timeout):
        return f"cannot reach {where}: is the API running and the URL right? ({type(error).__name__})"
    if isinstance(error, requests.Timeout):
        return f"no answer from {where} in time ({type(error).__name__})"
    return f"request to {where} failed: {error}"


def case_path(case_number: str) -> str:
    """Accepts 42 or 0000000042."""
    number = str(case_number).strip()
    if number.isdigit() and len(number) <= 10:
        number = number.zfill(10)
    return quote(number, safe="")


def new_session(pool_size: int = 10) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(pool_size, 1))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = f"dss-cli/{__version__}"
    return session


class ApiClient:
    def __init__(self, api: str, token: str, *, retries: int = 2, session: requests.Session | None = None):
        refuse_token_over_plain_http(api)
        self.api, self.token, self.retries = api.rstrip("/"), token, retries
        self.session = session or new_session()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict | None = None,
        headers: dict | None = None,
        retry: bool | None = None,
        expect: tuple[int, ...] = (200, 201, 204),
    ) -> Any:
        """One API call. GETs (and calls marked retry=True) are retried on 429/502/503/504 and
        connection failures; anything else that is not `expect` raises ApiError."""
        url = f"{self.api}{path}"
        all_headers = {"Authorization": self.token, "Accept": "application/json", **(headers or {})}
        retry = method == "GET" if retry is None else retry
        params = {k: v for k, v in (params or {}).items() if v is not None}
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.session.request(method, url, json=json, params=params, headers=all_headers, timeout=TIMEOUT)
            except requests.RequestException as error:
                if retry and attempt <= self.retries:
                    time.sleep(0.5 * 2 ** (attempt - 1))
                    continue
                raise NetworkError(describe_network_error(error, url)) from None
            if response.status_code in RETRYABLE_STATUS and retry and attempt <= self.retries:
                time.sleep(_retry_after(response, 0.5 * 2 ** (attempt - 1)))
                continue
            if response.status_code not in expect:
                raise ApiError.from_response(response)
            if response.status_code == 204 or not response.content:
                return None
            try:
                return response.json()
            except ValueError:
                raise ApiError(
                    response.status_code, "bad_response", f"the API answered {method} {path} with something that is not JSON"
                ) from None

    # --- cases ---------------------------------------------------------------------------------

    def list_cases(
        self, view: str | None = None, limit: int | None = None, next_token: str | None = None, account_id: str | None = None
    ) -> dict:
        return self.request("GET", "/cases", params={"view": view, "limit": limit, "nextToken": next_token, "accountId": account_id})

    def get_case(self, case_number: str) -> dict:
        return self.request("GET", f"/cases/{case_path(case_number)}")

    def list_updates(self, case_number: str) -> list[dict]:
        items, token = [], None
        while True:
            page = self.request("GET", f"/cases/{case_path(case_number)}/updates", params={"nextToken": token})
            items.extend(page.get("items", []))
            token = page.get("nextToken")
            if not token:
                return items

    def open_case(self, body: dict, idempotency_key: str | None = None) -> dict:
        # The same key on every retry: a retried create returns the same case, never a second one.
        key = idempotency_key or f"dss-cli-{uuid.uuid4()}"
        return self.request("POST", "/cases", json=body, headers={"Idempotency-Key": key}, retry=True, expect=(200, 201))

    def add_update(self, case_number: str, text: str) -> dict:
        return self.request("POST", f"/cases/{case_path(case_number)}/updates", json={"text": text})

    def close_case(self, case_number: str, body: dict) -> dict:
        return self.request("POST", f"/cases/{case_path(case_number)}/close", json=body)

    # --- files ---------------------------------------------------------------------------------

    def start_upload(self, case_number: str, body: dict, idempotency_key: str | None = None) -> dict:
        # The same key on every retry: a retried start returns the same upload, never a second one.
        key = idempotency_key or f"dss-cli-{uuid.uuid4()}"
        return self.request(
            "POST", f"/cases/{case_path(case_number)}/uploads", json=body, headers={"Idempotency-Key": key}, retry=True, expect=(200, 201)
        )

    def part_urls(self, case_number: str, upload_id: str, parts: list[dict]) -> list[dict]:
        answer = self.request(
            "POST",
            f"/cases/{case_path(case_number)}/uploads/{quote(upload_id, safe='')}/part-urls",
            json={"parts": parts},
            retry=True,
            expect=(200,),
        )
        return answer["urls"]

    def get_upload(self, case_number: str, upload_id: str) -> dict:
        return self.request("GET", f"/cases/{case_path(case_number)}/uploads/{quote(upload_id, safe='')}")

    def list_uploads(self, case_number: str) -> list[dict]:
        """Every unfinished upload: each page of the listing, following nextToken."""
        return self._every_page(f"/cases/{case_path(case_number)}/uploads")["items"]

    def complete_upload(self, case_number: str, upload_id: str) -> dict:
        # Safe to repeat: a retried completion answers with the same file, never a second one.
        return self.request(
            "POST", f"/cases/{case_path(case_number)}/uploads/{quote(upload_id, safe='')}/complete", retry=True, expect=(200, 201)
        )

    def abort_upload(self, case_number: str, upload_id: str) -> None:
        self.request("DELETE", f"/cases/{case_path(case_number)}/uploads/{quote(upload_id, safe='')}", retry=True, expect=(200, 204))

    def list_files(self, case_number: str) -> dict:
        """The listing with every file: each page, following nextToken (purgeAt and filesPurgedAt from the last)."""
        return self._every_page(f"/cases/{case_path(case_number)}/files")

    def _every_page(self, path: str) -> dict:
        items, token = [], None
        while True:
            page = self.request("GET", path, params={"limit": 100, "nextToken": token})
            items.extend(page.get("items", []))
            token = page.get("nextToken")
            if not token:
                return {**page, "items": items}

    def download_url(self, case_number: str, file_id: str) -> dict:
        return self.request("GET", f"/cases/{case_path(case_number)}/files/{quote(file_id, safe='')}/download")


def _retry_after(response: requests.Response, default: float) -> float:
    try:
        return min(float(response.headers.get("Retry-After", default)), 30.0)
    except ValueError:
        return default
