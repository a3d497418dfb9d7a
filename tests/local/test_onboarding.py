"""Onboarding a customer without touching the database, black-box over HTTP on the local stack (`make run` as a
process): an engineer creates an account and a contact; the contact signs in with `dss login` (the temporary
password from the local outbox, then a new one) and opens a case in the new account; another account's customer
sees none of it; the sixth active contact comes with a warning; a disabled contact's unexpired token, and a
revoked MAC authorization, are refused within the directory's staleness bound (60 s); an altered token is refused."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest

from tests.support.payloads import service_request

pytestmark = pytest.mark.slow
DSS = os.path.join(os.path.dirname(sys.executable), "dss")
STALENESS_SECONDS = 60  # the directory's bound (docs/architecture.md, Who the caller is)
ACCOUNT = {"accountId": "initech", "name": "Initech", "region": "north-america"}
PETER = {"contactId": "c-peter", "name": "Peter Gibbons", "email": "peter@initech.example", "macAuthorized": True}
NEW_PASSWORD = "Tps-Reports-2026"
SERVICE_REQUEST = service_request("other", {"requestDescription": "Add a queue for the printer team"}, subject="Printer queue")


def call(stack, method, path, *, role=None, token=None, **kwargs):
    headers = kwargs.pop("headers", {}) | ({"Authorization": token} if token else {})
    return stack.request(method, path, role=role, headers=headers, **kwargs)


def temporary_password(stack, address):
    mail = stack.request("GET", "/_local/outbox", params={"to": address}).json()["items"]
    return re.search(r"^Temporary password: (\S+)", mail[-1]["text"], re.MULTILINE).group(1)


def dss(stack, config_dir, *args, expect=0):
    environment = {name: value for name, value in os.environ.items() if not name.startswith("DSS_")} | {"DSS_CONFIG_DIR": str(config_dir)}
    done = subprocess.run([DSS, *args], capture_output=True, text=True, env=environment, timeout=120)
    assert done.returncode == expect, f"dss {' '.join(args)} -> {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def refused_within_staleness(request) -> float:
    """Seconds until `request()` is refused with 401; fails past the bound (and a little slack for a loaded machine)."""
    started = time.monotonic()
    while (answer := request()).status_code != 401:
        assert answer.status_code < 500, answer.text
        assert time.monotonic() - started < STALENESS_SECONDS + 5, f"still served after {STALENESS_SECONDS} s: {answer.text}"
        time.sleep(1)
    return time.monotonic() - started


def test_an_engineer_onboards_a_customer_whose_contact_signs_in_with_dss_and_works(local_stack, tmp_path):
    stack = local_stack
    assert call(stack, "POST", "/accounts", role="engineer", json=ACCOUNT).status_code == 201
    added = call(stack, "POST", "/accounts/initech/contacts", role="engineer", json=PETER)
    assert added.status_code == 201 and added.json()["signInReady"] is True, added.text

    # The contact signs in with the invitation's temporary password and chooses a new one.
    config = tmp_path / "peter"
    login = ["login", "--api", stack.api, "--email", PETER["email"]]
    dss(stack, config, *login, "--password", temporary_password(stack, PETER["email"]), "--new-password", NEW_PASSWORD)
    opened = json.loads(
        dss(
            stack, config, "cases", "open", "--type", "Admin", "--subject", "Portal access", "--description", "New contact", "--json"
        ).stdout
    )
    case = call(stack, "GET", f"/cases/{opened['caseNumber']}", role="engineer").json()
    assert (case["accountId"], case["contactId"]) == ("initech", "c-peter")
    token = json.loads((config / "config.json").read_text())["token"]
    assert call(stack, "POST", "/cases", token=token, json=SERVICE_REQUEST).status_code == 201  # MAC-authorized

    # Another account's customer: the account's contacts are not theirs to read or add to.
    assert call(stack, "GET", "/accounts/initech/contacts", role="other_customer").status_code == 404
    intruder = {"name": "Mallory", "email": "mallory@globex.example"}
    assert call(stack, "POST", "/accounts/initech/contacts", role="other_customer", json=intruder).status_code == 404

    # Five active contacts are fine; the sixth is added with the guide's warning.
    for index in range(2, 6):
        more = call(
            stack,
            "POST",
            "/accounts/initech/contacts",
            role="engineer",
            json={"name": f"Staffer {index}", "email": f"s{index}@initech.example"},
        )
        assert more.status_code == 201 and more.json()["warnings"] == []
    sixth = call(
        stack,
        "POST",
        "/accounts/initech/contacts",
        role="engineer",
        json={"name": "Bob Slydell", "email": "bob@initech.example", "contactId": "c-bob"},
    )
    assert sixth.status_code == 201 and "fewer than five" in sixth.json()["warnings"][0]

    # A token whose signature was altered is refused.
    header, payload, signature = token.split(".")
    altered = f"{header}.{payload}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
    assert call(stack, "GET", "/cases", token=altered, params={"view": "my-open"}).status_code == 401

    # Revoke Peter's MAC authorization and disable Bob (signed in first, so his token is valid): both hold within 60 s.
    dss(stack, tmp_path / "bob", "login", "--api", stack.api, "--email", "bob@initech.example",
        "--password", temporary_password(stack, "bob@initech.example"), "--new-password", NEW_PASSWORD)  # fmt: skip
    bob_token = json.loads((tmp_path / "bob" / "config.json").read_text())["token"]
    assert call(stack, "GET", "/cases", token=bob_token, params={"view": "my-open"}).status_code == 200
    assert call(stack, "PATCH", "/accounts/initech/contacts/c-peter", role="engineer", json={"macAuthorized": False}).status_code == 200
    assert call(stack, "POST", "/accounts/initech/contacts/c-bob/disable", role="engineer").json()["status"] == "disabled"

    waited = refused_within_staleness(lambda: call(stack, "GET", "/cases", token=bob_token, params={"view": "my-open"}))
    assert waited <= STALENESS_SECONDS + 5
    refused = call(stack, "POST", "/cases", token=token, json=SERVICE_REQUEST)
    assert refused.status_code == 403 and "MAC-authorized" in refused.json()["message"]
    assert call(stack, "GET", "/cases", token=token, params={"view": "my-open"}).status_code == 200  # Peter still works
