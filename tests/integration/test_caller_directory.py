"""The directory decides at request time whether a customer contact may use the desk and what they are
authorized for, on every route of every API Lambda, whatever their still-valid ID token says
(docs/architecture.md, "Who the caller is"). The contacts map is written directly here, as the directory's
contacts API would write it."""

from __future__ import annotations

import importlib
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from functions.cases.models.service_requests import MAC_RULE
from functions.shared.api.openapi import documented_routes, stored_document
from functions.shared.caller_directory import ACCESS_DISABLED, caller_directory
from functions.shared.clock import FixedClock
from functions.shared.dal.directory import AccountItem, ContactStatus, account_key, contact_entries
from local.demo_directory import DEMO_USERS, EXAMPLE_SUPPORT_CASE
from tests.support.payloads import service_request

API_MODULES = {
    "cases": "functions.cases.handlers.api",
    "files": "functions.files.handlers.api",
    "directory": "functions.directory.handlers.api",
    "alerts": "functions.alerts.handlers.api",
    "functions.alerts.handlers.intake": "functions.alerts.handlers.intake",  # public: a sender's credential, no caller
    "reports": "functions.reports.handlers.api",
    "updates": "functions.updates.handlers.api",
}
T = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
ADD_USER = service_request("add-user", {"fullName": "Dana Agent", "loginId": "dagent", "email": "dana@acme.example"})
OPEN_API_METHODS = ("get", "post", "put", "patch", "delete")


def set_contact(account_id: str, contact_id: str, **fields) -> None:
    """Changes one contact in the account item's contacts map, as the directory's contacts API does."""
    item = AccountItem.get(*account_key(account_id), consistent_read=True)
    contacts = contact_entries(item)
    contacts[contact_id] = replace(contacts[contact_id], **fields)
    item.update(actions=[AccountItem.contacts.set({key: entry.to_map() for key, entry in contacts.items()})])


def remove_contact(account_id: str, contact_id: str) -> None:
    item = AccountItem.get(*account_key(account_id), consistent_read=True)
    contacts = {key: entry.to_map() for key, entry in contact_entries(item).items() if key != contact_id}
    item.update(actions=[AccountItem.contacts.set(contacts)])


@pytest.fixture
def clock():
    """The caller directory's clock (one cache per container; in-process, the three API Lambdas share one)."""
    moved = FixedClock(T)
    caller_directory().clock = moved
    return moved


def refused(result) -> bool:
    return result.status == 401 and result.body["error"] == ACCESS_DISABLED and "Technical Account Manager" in result.body["message"]


def an_open_case(local_aws) -> str:
    return local_aws.call(
        "POST", "/cases", user="engineer", body={**EXAMPLE_SUPPORT_CASE, "onBehalfOf": {"accountId": "acme", "contactId": "c-alice"}}
    ).body["caseNumber"]


def test_a_disabled_contact_is_refused_on_cases_files_and_directory_routes(local_aws):
    number = an_open_case(local_aws)
    set_contact("acme", "c-alice", status=ContactStatus.DISABLED)

    for api, method, path in [
        ("cases", "GET", "/cases"),
        ("cases", "POST", "/cases"),
        ("cases", "GET", f"/cases/{number}"),
        ("files", "GET", f"/cases/{number}/files"),
        ("files", "POST", f"/cases/{number}/uploads"),
        ("directory", "GET", "/accounts/acme"),
    ]:
        result = local_aws.call(method, path, user="customer", api=api, body=EXAMPLE_SUPPORT_CASE if method == "POST" else None)
        assert refused(result), (api, method, path, result)
    # Their colleague, staff, and the documentation are unaffected.
    assert local_aws.call("GET", f"/cases/{number}", user="colleague").status == 200
    assert local_aws.call("GET", f"/cases/{number}", user="engineer").status == 200
    assert local_aws.call("GET", "/openapi.json", user="customer").status == 200


@pytest.mark.parametrize("gone", ["contact", "account"])
def test_a_contact_or_account_the_directory_no_longer_holds_is_refused(local_aws, gone):
    if gone == "contact":
        remove_contact("acme", "c-alice")
    else:
        AccountItem.get(*account_key("acme")).delete()
    assert refused(local_aws.call("GET", "/cases", user="customer"))
    assert refused(local_aws.call("GET", "/accounts/acme", user="customer", api="directory"))


def test_a_disable_takes_effect_once_the_containers_read_is_60_seconds_old(local_aws, clock):
    number = an_open_case(local_aws)
    calls = [("cases", f"/cases/{number}"), ("files", f"/cases/{number}/files"), ("directory", "/accounts/acme")]
    assert [local_aws.call("GET", path, api=api).status for api, path in calls] == [200, 200, 200]  # read at t

    set_contact("acme", "c-alice", status=ContactStatus.DISABLED)
    clock.moment = T + timedelta(seconds=59)
    assert [local_aws.call("GET", path, api=api).status for api, path in calls] == [200, 200, 200]  # the bounded staleness
    clock.moment = T + timedelta(seconds=60)
    assert all(refused(local_aws.call("GET", path, api=api)) for api, path in calls)


def test_a_mac_authorization_removed_in_the_directory_refuses_a_service_request_despite_the_tokens_group(local_aws, clock):
    assert "mac-contacts" in DEMO_USERS["customer_mac"].claims()["cognito:groups"]
    assert local_aws.call("POST", "/cases", user="customer_mac", body=ADD_USER).status == 201

    set_contact("acme", "c-bob", mac_authorized=False)
    clock.moment = T + timedelta(seconds=59)
    assert local_aws.call("POST", "/cases", user="customer_mac", body=ADD_USER).status == 201  # still the read of t
    clock.moment = T + timedelta(seconds=60)
    result = local_aws.call("POST", "/cases", user="customer_mac", body=ADD_USER)
    assert result.status == 403 and result.body["message"] == MAC_RULE
    # Bob may still open other cases: only the authorization went.
    assert local_aws.call("POST", "/cases", user="customer_mac", body=EXAMPLE_SUPPORT_CASE).status == 201
    # Staff taking his MAC request by phone read the same directory (the account item, not the cache).
    by_phone = local_aws.call(
        "POST", "/cases", user="engineer", body={**ADD_USER, "onBehalfOf": {"accountId": "acme", "contactId": "c-bob"}}
    )
    assert by_phone.status == 403 and by_phone.body["field"] == "onBehalfOf.contactId"


def test_a_mac_authorization_granted_in_the_directory_lets_a_contact_without_the_group_open_one(local_aws):
    set_contact("acme", "c-alice", mac_authorized=True)
    assert local_aws.call("POST", "/cases", user="customer", body=ADD_USER).status == 201


def _operations(document: dict) -> dict[tuple[str, str], dict]:
    """(path template, method) -> its OpenAPI operation."""
    return {
        (path, method.upper()): operation
        for path, item in (document.get("paths") or {}).items()
        for method, operation in item.items()
        if method in OPEN_API_METHODS
    }


def _served_operations() -> dict[tuple[str, str], tuple[str, dict]]:
    """(path template, method) -> (the API Lambda serving it, its operation in that Lambda's own document)."""
    served = {}
    for api, module in API_MODULES.items():
        app = importlib.import_module(module).app
        own = _operations(app.own_openapi_schema().model_dump(by_alias=True, exclude_none=True))
        assert set(own) == set(documented_routes(app))
        served.update({route: (api, operation) for route, operation in own.items()})
    return served


def _public(operation: dict) -> bool:
    return operation.get("security") == [{}]  # OpenAPI's "no token" (e.g. GET /sign-in)


def test_every_documented_route_refuses_a_disabled_contact(local_aws):
    """No route skips the directory: every route in the stored OpenAPI document (and any a Lambda serves
    that the document does not list yet) answers a disabled contact's still-valid token with the refusal,
    never 2xx or 5xx, whatever its input."""
    set_contact("acme", "c-alice", status=ContactStatus.DISABLED)
    served, stored = _served_operations(), _operations(stored_document())
    routes = sorted(set(stored) | set(served))
    assert len(routes) > 30
    checked = 0
    for path, method in routes:
        assert (path, method) in served, f"{method} {path} is documented but no API Lambda serves it"
        api, operation = served[(path, method)]
        public = _public(operation) or _public(stored.get((path, method), {}))
        concrete = re.sub(r"{caseNumber}", "0000000001", path)
        concrete = re.sub(r"{[^}]+}", "x1", concrete)
        body = {} if method in ("POST", "PUT", "PATCH") else None
        result = local_aws.call(method, concrete, user="customer", api=api, body=body)
        if public:
            assert not (result.status == 401 and isinstance(result.body, dict) and result.body.get("error") == ACCESS_DISABLED), (
                method,
                path,
            )
            continue
        assert refused(result), (method, path, result)
        checked += 1
    assert checked >= 30


def test_the_documentation_stays_open_to_a_disabled_contact(local_aws):
    set_contact("acme", "c-alice", status=ContactStatus.DISABLED)
    assert local_aws.call("GET", "/openapi.json", user="customer").status == 200
    assert local_aws.call("GET", "/swagger", user="customer").status == 200
