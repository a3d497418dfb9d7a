"""The HTTP API, as the client sees it: JSON in, JSON out, errors as one exception with one line."""

from __future__ import annotations

import ipaddress
import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from dss_cli.errors import ApiError, InsecureApiUrl, NetworkError
from dss_cli.transport import API_RETRY, describe_network_error, new_session

TIMEOUT = (10, 60)  # connect, read (seconds)


def is_loopback(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


def refuse_token_over_plain_http(api: str) -> None:
    """A token sent over http:// can be read and replayed by anyone on the way: plain http is for the local
    stack on this machine only."""
    parts = urlsplit(api)
    if parts.scheme.lower() == "http" and not is_loopback(parts.hostname or ""):
        raise InsecureApiUrl(
            f"refusing to send your token over plain http:// to {parts.hostname or api}: use an https:// API URL "
            "(http:// is only for 127.0.0.1, ::1 or localhost)"
        )


def id_path(value: str) -> str:
    """An account or contact id as one path segment."""
    return quote(str(value).strip(), safe="")


def new_idempotency_key() -> str:
    return f"dss-cli-{uuid.uuid4()}"


@dataclass(frozen=True)
class CsvAnswer:
    content: bytes
    file_name: str | None


def attachment_name(content_disposition: str) -> str | None:
    """The file name of `attachment; filename="x.csv"` (None without one); the caller makes it a safe local name."""
    match = re.search(r'filename="([^"]*)"|filename=([^;\s]+)', content_disposition)
    return (match.group(1) or match.group(2)) if match else None


def case_path(case_number: str) -> str:
    """Accepts 42 or 0000000042."""
    number = str(case_number).strip()
    if number.isdigit() and len(number) <= 10:
        number = number.zfill(10)
    return quote(number, safe="")


class ApiClient:
    def __init__(self, api: str, token: str, *, retries: int = 2):
        refuse_token_over_plain_http(api)
        self.api, self.token, self.retries = api.rstrip("/"), token, retries
        # Two sessions, as urllib3's retries are per adapter: calls safe to repeat, and calls sent once.
        self.session = new_session(retry=API_RETRY.new(total=retries))
        self.session_once = new_session()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()
        self.session_once.close()

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
        """One API call. GETs (and calls marked retry=True) are retried on 429/502/503/504 and connection
        failures (transport.API_RETRY); anything else that is not `expect` raises ApiError."""
        response = self._send(method, path, json=json, params=params, headers=headers, retry=retry, expect=expect)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ApiError(
                response.status_code, "bad_response", f"the API answered {method} {path} with something that is not JSON"
            ) from None

    def _send(
        self, method: str, path: str, *, json: Any, params: dict | None, headers: dict | None, retry: bool | None, expect: tuple[int, ...]
    ) -> requests.Response:
        url = f"{self.api}{path}"
        all_headers = {"Authorization": self.token, "Accept": "application/json", **(headers or {})}
        session = self.session if (method == "GET" if retry is None else retry) else self.session_once
        params = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            response = session.request(method, url, json=json, params=params, headers=all_headers, timeout=TIMEOUT)
        except requests.RequestException as error:
            raise NetworkError(describe_network_error(error, url)) from None
        if response.status_code not in expect:
            raise ApiError.from_response(response)
        return response

    def get_csv(self, path: str, params: dict | None = None) -> CsvAnswer:
        """A GET answered with a CSV: its bytes untouched (the BOM kept) and the file name its Content-Disposition
        gives. Refusals are still the API's JSON errors; a 200 that is not text/csv is one too."""
        response = self._send("GET", path, json=None, params=params, headers={"Accept": "text/csv"}, retry=True, expect=(200,))
        if not response.headers.get("Content-Type", "").lower().startswith("text/csv"):
            raise ApiError(response.status_code, "bad_response", f"the API answered GET {path} with something that is not a CSV")
        return CsvAnswer(response.content, attachment_name(response.headers.get("Content-Disposition", "")))

    # --- cases ---------------------------------------------------------------------------------

    def list_cases(
        self, view: str | None = None, limit: int | None = None, next_token: str | None = None, account_id: str | None = None
    ) -> dict:
        return self.request("GET", "/cases", params={"view": view, "limit": limit, "nextToken": next_token, "accountId": account_id})

    def list_queue(self, queue: str, region: str | None = None, limit: int | None = None, next_token: str | None = None) -> dict:
        return self.request("GET", f"/queues/{queue}", params={"region": region, "limit": limit, "nextToken": next_token})

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
        key = idempotency_key or new_idempotency_key()
        return self.request("POST", "/cases", json=body, headers={"Idempotency-Key": key}, retry=True, expect=(200, 201))

    def add_update(self, case_number: str, text: str) -> dict:
        return self.request("POST", f"/cases/{case_path(case_number)}/updates", json={"text": text})

    def close_case(self, case_number: str, body: dict) -> dict:
        return self.request("POST", f"/cases/{case_path(case_number)}/close", json=body)

    # --- files ---------------------------------------------------------------------------------

    def start_upload(self, case_number: str, body: dict, idempotency_key: str | None = None) -> dict:
        # The same key on every retry: a retried start returns the same upload, never a second one.
        key = idempotency_key or new_idempotency_key()
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

    # --- the directory: accounts and their contacts ------------------------------------------------------------
    # A create or change carries an Idempotency-Key made once per call (or the caller's), the same on every retry, so a
    # retried POST or PATCH answers as the first did and changes nothing twice. Disabling, enabling and unlocking
    # answer the same when repeated (the API says so) and are retried too; a resent invitation (another email, another
    # password), a PIN check (a wrong PIN counts) and a PIN change are sent once.

    def _keyed(self, method: str, path: str, body: dict, idempotency_key: str | None, expect: tuple[int, ...]) -> dict:
        headers = {"Idempotency-Key": idempotency_key or new_idempotency_key()}
        return self.request(method, path, json=body, headers=headers, retry=True, expect=expect)

    def list_accounts(self) -> list[dict]:
        """Staff: every account, following nextToken; a customer: their own."""
        return self._every_page("/accounts")["items"]

    def get_account(self, account_id: str) -> dict:
        return self.request("GET", f"/accounts/{id_path(account_id)}")

    def create_account(self, body: dict, idempotency_key: str | None = None) -> dict:
        return self._keyed("POST", "/accounts", body, idempotency_key, (200, 201))

    def change_account(self, account_id: str, changes: dict, idempotency_key: str | None = None) -> dict:
        return self._keyed("PATCH", f"/accounts/{id_path(account_id)}", changes, idempotency_key, (200,))

    def account_history(self, account_id: str) -> list[dict]:
        """Every entry, oldest first, following nextToken."""
        return self._every_page(f"/accounts/{id_path(account_id)}/history")["items"]

    def _contact_path(self, account_id: str, contact_id: str | None = None) -> str:
        path = f"/accounts/{id_path(account_id)}/contacts"
        return f"{path}/{id_path(contact_id)}" if contact_id is not None else path

    def list_contacts(self, account_id: str) -> list[dict]:
        return self._every_page(self._contact_path(account_id))["items"]

    def get_contact(self, account_id: str, contact_id: str) -> dict:
        return self.request("GET", self._contact_path(account_id, contact_id))

    def add_contact(self, account_id: str, body: dict, idempotency_key: str | None = None) -> dict:
        return self._keyed("POST", self._contact_path(account_id), body, idempotency_key, (200, 201))

    def change_contact(self, account_id: str, contact_id: str, changes: dict, idempotency_key: str | None = None) -> dict:
        return self._keyed("PATCH", self._contact_path(account_id, contact_id), changes, idempotency_key, (200,))

    def disable_contact(self, account_id: str, contact_id: str) -> dict:
        return self.request("POST", f"{self._contact_path(account_id, contact_id)}/disable", retry=True, expect=(200,))

    def enable_contact(self, account_id: str, contact_id: str) -> dict:
        return self.request("POST", f"{self._contact_path(account_id, contact_id)}/enable", retry=True, expect=(200,))

    def resend_invitation(self, account_id: str, contact_id: str) -> dict:
        return self.request("POST", f"{self._contact_path(account_id, contact_id)}/resend-invitation", retry=False, expect=(200,))

    def set_pin(self, account_id: str, contact_id: str, pin: str) -> None:
        self.request("PUT", f"{self._contact_path(account_id, contact_id)}/pin", json={"pin": pin}, retry=False, expect=(200, 204))

    def verify_pin(self, account_id: str, contact_id: str, pin: str) -> dict:
        path = f"{self._contact_path(account_id, contact_id)}/pin/verify"
        return self.request("POST", path, json={"pin": pin}, retry=False, expect=(200,))

    def unlock_pin(self, account_id: str, contact_id: str) -> dict:
        return self.request("POST", f"{self._contact_path(account_id, contact_id)}/pin/unlock", retry=True, expect=(200,))

    # --- monitoring: an account's alerts and incidents ------------------------------------------------------------------
    # Opening a held incident's case carries an Idempotency-Key made once per call (or the caller's), the same on every
    # retry: a retried request answers as the first did, never "already requested" because of itself.

    def list_alerts(
        self, account_id: str | None = None, state: str | None = None, limit: int | None = None, next_token: str | None = None
    ) -> dict:
        return self.request("GET", "/alerts", params={"accountId": account_id, "state": state, "limit": limit, "nextToken": next_token})

    def list_alert_groups(
        self, account_id: str | None = None, state: str | None = None, limit: int | None = None, next_token: str | None = None
    ) -> dict:
        params = {"accountId": account_id, "state": state, "limit": limit, "nextToken": next_token}
        return self.request("GET", "/alerts/groups", params=params)

    def open_incident_case(self, group_id: str, idempotency_key: str | None = None) -> dict:
        headers = {"Idempotency-Key": idempotency_key or new_idempotency_key()}
        return self.request("POST", f"/alerts/groups/{id_path(group_id)}/case", headers=headers, retry=True, expect=(200,))

    # --- monitoring: maintenance windows and proactive insights ----------------------------------------------------------
    # Scheduling carries one Idempotency-Key on every retry (a retry answers the window the first try made); a change or
    # a cancellation is sent once: repeated, it would be refused (an end now in the past, a window already cancelled).

    def list_maintenance_windows(
        self, account_id: str | None = None, state: str | None = None, limit: int | None = None, next_token: str | None = None
    ) -> dict:
        params = {"accountId": account_id, "state": state, "limit": limit, "nextToken": next_token}
        return self.request("GET", "/alerts/maintenance-windows", params=params)

    def schedule_maintenance_window(self, body: dict, idempotency_key: str | None = None) -> dict:
        headers = {"Idempotency-Key": idempotency_key or new_idempotency_key()}
        return self.request("POST", "/alerts/maintenance-windows", json=body, headers=headers, retry=True, expect=(201,))

    def change_maintenance_window(self, window_id: str, body: dict) -> dict:
        return self.request("PATCH", f"/alerts/maintenance-windows/{id_path(window_id)}", json=body, retry=False, expect=(200,))

    def cancel_maintenance_window(self, window_id: str) -> dict:
        return self.request("POST", f"/alerts/maintenance-windows/{id_path(window_id)}/cancel", retry=False, expect=(200,))

    def alert_insights(self, account_id: str, days: int | None = None) -> dict:
        return self.request("GET", "/alerts/insights", params={"accountId": account_id, "days": days})

    # --- case reports and their subscriptions --------------------------------------------------------------------------
    # A new subscription carries an Idempotency-Key made once per call (or the caller's), the same on every retry. A change
    # sets whole values (cadence, list, paused), so repeating it changes nothing more and it is retried too. A send (it
    # emails every recipient) and a delete (repeated, it answers 404) are sent once.

    def case_report(self, params: dict) -> dict:
        return self.request("GET", "/reports/cases", params=params)

    def case_report_csv(self, params: dict) -> CsvAnswer:
        return self.get_csv("/reports/cases", {**params, "format": "csv"})

    def list_report_subscriptions(self, account_id: str | None = None) -> dict:
        return self.request("GET", "/report-subscriptions", params={"accountId": account_id})

    def create_report_subscription(self, body: dict, idempotency_key: str | None = None) -> dict:
        return self._keyed("POST", "/report-subscriptions", body, idempotency_key, (201,))

    def get_report_subscription(self, subscription_id: str) -> dict:
        return self.request("GET", f"/report-subscriptions/{id_path(subscription_id)}")

    def change_report_subscription(self, subscription_id: str, changes: dict) -> dict:
        return self.request("PATCH", f"/report-subscriptions/{id_path(subscription_id)}", json=changes, retry=True, expect=(200,))

    def delete_report_subscription(self, subscription_id: str) -> None:
        self.request("DELETE", f"/report-subscriptions/{id_path(subscription_id)}", retry=False, expect=(204,))

    def send_report(self, subscription_id: str) -> dict:
        return self.request("POST", f"/report-subscriptions/{id_path(subscription_id)}/send", retry=False, expect=(200,))

    def report_runs(self, subscription_id: str) -> dict:
        return self.request("GET", f"/report-subscriptions/{id_path(subscription_id)}/runs")

    def report_run_csv(self, subscription_id: str, first_day: str) -> CsvAnswer:
        return self.get_csv(f"/report-subscriptions/{id_path(subscription_id)}/runs/{id_path(first_day)}/csv")

    # --- platform updates: the Windows-update catalog, the gateways' GA catalogs, the accounts' platforms -----------------
    # Recording a Windows update and requesting an installation carry an Idempotency-Key made once per call (or the
    # caller's), the same on every retry: a retry answers what the first try did, never a second update or case. A catalog
    # or a platform is set whole (PUT) with If-Match when `version` is given (412 if it changed since it was read), so it is
    # sent once: a retry after a lost answer would be refused by its own change. A validation or rejection is sent once too:
    # repeated, it is refused (only a pending update is decided). The rule check writes nothing and is retried.

    def list_windows_updates(self, status: str | None = None, limit: int | None = None, next_token: str | None = None) -> dict:
        return self.request("GET", "/maintenance/windows-updates", params={"status": status, "limit": limit, "nextToken": next_token})

    def get_windows_update(self, kb: str) -> dict:
        return self.request("GET", f"/maintenance/windows-updates/{id_path(kb)}")

    def record_windows_update(self, body: dict, idempotency_key: str | None = None) -> dict:
        return self._keyed("POST", "/maintenance/windows-updates", body, idempotency_key, (200, 201))

    def validate_windows_update(self, kb: str, comment: str | None = None, version: int | None = None) -> dict:
        body = {"comment": comment} if comment else {}
        path = f"/maintenance/windows-updates/{id_path(kb)}/validate"
        return self.request("POST", path, json=body, headers=if_match(version), retry=False, expect=(200,))

    def reject_windows_update(self, kb: str, reason: str, version: int | None = None) -> dict:
        path = f"/maintenance/windows-updates/{id_path(kb)}/reject"
        return self.request("POST", path, json={"reason": reason}, headers=if_match(version), retry=False, expect=(200,))

    def list_gateway_catalogs(self) -> dict:
        return self.request("GET", "/maintenance/gateway-catalog")

    def get_gateway_catalog(self, gateway_type: str) -> dict:
        return self.request("GET", f"/maintenance/gateway-catalog/{id_path(gateway_type)}")

    def set_gateway_catalog(self, gateway_type: str, body: dict, version: int | None = None) -> dict:
        path = f"/maintenance/gateway-catalog/{id_path(gateway_type)}"
        return self.request("PUT", path, json=body, headers=if_match(version), retry=False, expect=(200,))

    def get_platform(self, account_id: str) -> dict:
        return self.request("GET", f"/accounts/{id_path(account_id)}/platform")

    def set_platform(self, account_id: str, body: dict, version: int | None = None) -> dict:
        path = f"/accounts/{id_path(account_id)}/platform"
        return self.request("PUT", path, json=body, headers=if_match(version), retry=False, expect=(200,))

    def check_installation(self, body: dict) -> dict:
        return self.request("POST", "/maintenance/requests/check", json=body, retry=True, expect=(200,))

    def request_installation(self, body: dict, idempotency_key: str) -> dict:
        return self._keyed("POST", "/maintenance/requests", body, idempotency_key, (200, 201))


def if_match(version: int | None) -> dict[str, str] | None:
    """If-Match for the version read (the API's ETag is the quoted version); None: change the latest."""
    return None if version is None else {"If-Match": f'"{version}"'}
