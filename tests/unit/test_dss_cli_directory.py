"""dss CLI: `dss accounts` and `dss contacts` (dss_cli/commands/accounts.py, contacts.py, the directory calls of
dss_cli/api.py) against a scripted API on the loopback: which calls carry an Idempotency-Key and are repeated with the
same one, which are sent once; the bodies the options make; warnings on stderr; PINs asked hidden and never printed;
and the pure formatting of accounts, contacts and history. tests/local runs them against the local stack."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dss_cli.api import ApiClient
from dss_cli.commands.accounts import account_rows, actor_text, change_lines, history_changes, parse_ids, value_text
from dss_cli.commands.contacts import contact_rows, pin_text, roles_text, status_text
from dss_cli.main import app
from tests.unit.test_dss_cli_http import Reply, server  # noqa: F401 (the fixture)

BUSY = Reply(503, b'{"error": "unavailable", "message": "busy"}')
CONTACT = {
    "contactId": "c-peter", "accountId": "initech", "name": "Peter Gibbons", "email": "peter@initech.example", "phone": None,
    "status": "invited", "signInReady": True, "macAuthorized": True, "attendantAuthorized": False, "accountAdministrator": False,
    "reportRecipient": True, "pinSet": False, "pinLocked": False, "version": 1, "warnings": [],
    "addedBy": {"userId": "u-erin", "role": "engineers", "contactId": None}, "addedAt": "2026-03-02T15:04:05.000Z",
}  # fmt: skip
ACCOUNT = {
    "accountId": "initech", "name": "Initech", "region": "north-america", "recommendedMaxContacts": 5, "hardMaxContacts": None,
    "entitlements": {"monitoringAroundTheClock": False, "releaseUpgradesPerQuarter": 1, "gatewayUpdatesPerYear": 1},
    "emergencyContactIds": ["c-peter", "c-samir"], "version": 3, "createdAt": "2026-03-02T15:04:05.000Z",
}  # fmt: skip


def body(data: object) -> bytes:
    return json.dumps(data).encode()


@pytest.fixture
def dss(server, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DSS_CONFIG_DIR", str(tmp_path / "config"))
    for name in ("DSS_API", "DSS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def run(*args: str, expect: int = 0, input: str | None = None):
        result = runner.invoke(app, ["--api", server.url, "--token", "t", *args], input=input)
        assert result.exit_code == expect, (result.stdout, result.stderr)
        return result

    return run


# --- the client: Idempotency-Keys and retries --------------------------------------------------------------------


def test_a_create_or_change_is_retried_with_the_same_idempotency_key_each_call_its_own(server):  # noqa: F811
    server.script = [BUSY, Reply(201, body(ACCOUNT)), BUSY, Reply(200, body(ACCOUNT)), Reply(201, body(CONTACT))]
    with ApiClient(server.url, "t") as client:
        client.create_account({"accountId": "initech", "name": "Initech", "region": "north-america"})
        client.change_account("initech", {"name": "Initech Corp"})
        client.add_contact("initech", {"name": "Peter", "email": "peter@initech.example"}, idempotency_key="mine")
    calls = [(seen.method, seen.path, seen.headers.get("Idempotency-Key")) for seen in server.seen]
    assert [call[:2] for call in calls] == [("POST", "/accounts")] * 2 + [("PATCH", "/accounts/initech")] * 2 + [
        ("POST", "/accounts/initech/contacts")
    ]
    assert calls[0][2] == calls[1][2] and calls[2][2] == calls[3][2] and calls[0][2] != calls[2][2]
    assert calls[0][2].startswith("dss-cli-") and calls[4][2] == "mine"


def test_a_pin_check_and_a_resent_invitation_are_sent_once_an_unlock_or_disable_is_repeated(server):  # noqa: F811
    with ApiClient(server.url, "t") as client:
        for call in (lambda: client.verify_pin("initech", "c-peter", "4821"), lambda: client.resend_invitation("initech", "c-peter")):
            server.script, server.seen = [BUSY], []
            with pytest.raises(Exception, match="busy"):
                call()
            assert len(server.seen) == 1
        server.script, server.seen = [BUSY, Reply(200, body(CONTACT)), BUSY, Reply(200, body(CONTACT))], []
        client.unlock_pin("initech", "c-peter")
        client.disable_contact("initech", "c-peter")
    assert [seen.path for seen in server.seen] == ["/accounts/initech/contacts/c-peter/pin/unlock"] * 2 + [
        "/accounts/initech/contacts/c-peter/disable"
    ] * 2
    assert all("Idempotency-Key" not in seen.headers for seen in server.seen)  # these routes take none


def test_ids_are_one_path_segment_and_listings_follow_next_token(server):  # noqa: F811
    server.script = [Reply(200, body({"items": [CONTACT], "nextToken": "n1"})), Reply(200, body({"items": [CONTACT], "nextToken": None}))]
    with ApiClient(server.url, "t") as client:
        assert len(client.list_contacts("a/b")) == 2
    assert [seen.path for seen in server.seen] == [
        "/accounts/a%2Fb/contacts?limit=100",
        "/accounts/a%2Fb/contacts?limit=100&nextToken=n1",
    ]


# --- the commands ------------------------------------------------------------------------------------------------


def test_accounts_create_sends_what_the_options_say(dss, server):  # noqa: F811
    server.script = [Reply(201, body(ACCOUNT))]
    result = dss("accounts", "create", "initech", "--name", "Initech", "--region", "north-america", "--hard-max", "8",
                 "--monitoring-24x7", "--emergency-contacts", "c-peter, c-samir")  # fmt: skip
    assert json.loads(server.seen[0].body) == {
        "accountId": "initech", "name": "Initech", "region": "north-america", "entitlements": {"monitoringAroundTheClock": True},
        "hardMaxContacts": 8, "emergencyContactIds": ["c-peter", "c-samir"],
    }  # fmt: skip
    assert "Created account initech (Initech, north-america)" in result.stderr and "c-peter, c-samir" in result.stdout


def test_accounts_update_keeps_the_entitlements_not_given_and_removes_the_cap(dss, server):  # noqa: F811
    server.script = [Reply(200, body(ACCOUNT)), Reply(200, body(ACCOUNT))]
    dss("accounts", "update", "initech", "--release-upgrades", "2", "--no-hard-max", "--emergency-contacts", "", "--json")
    assert [(seen.method, seen.path) for seen in server.seen] == [("GET", "/accounts/initech"), ("PATCH", "/accounts/initech")]
    assert json.loads(server.seen[1].body) == {
        "hardMaxContacts": None,
        "emergencyContactIds": [],
        "entitlements": {"monitoringAroundTheClock": False, "releaseUpgradesPerQuarter": 2, "gatewayUpdatesPerYear": 1},
    }
    nothing = dss("accounts", "update", "initech", expect=2)
    assert "nothing to change" in nothing.stderr and len(server.seen) == 2
    assert "not both" in dss("accounts", "update", "initech", "--hard-max", "3", "--no-hard-max", expect=2).stderr


def test_contacts_add_and_update_send_the_flags_and_print_warnings_on_stderr(dss, server):  # noqa: F811
    warned = {**CONTACT, "warnings": ["Account initech now has 6 active contacts, more than the recommended 5."]}
    server.script = [Reply(201, body(warned)), Reply(200, body(warned))]
    added = dss("contacts", "add", "initech", "--name", "Peter Gibbons", "--email", "peter@initech.example", "--mac", "--id", "c-peter")
    assert json.loads(server.seen[0].body) == {
        "name": "Peter Gibbons", "email": "peter@initech.example", "macAuthorized": True, "attendantAuthorized": False,
        "accountAdministrator": False, "reportRecipient": False, "contactId": "c-peter",
    }  # fmt: skip
    assert added.stderr.endswith("Warning: Account initech now has 6 active contacts, more than the recommended 5.\n")
    assert "Added Peter Gibbons (c-peter) to initech: invitation sent to peter@initech.example" in added.stderr
    assert "Warning" not in added.stdout and "MAC, Report recipient" in added.stdout

    as_json = dss("contacts", "update", "initech", "c-peter", "--no-mac", "--phone", "", "--json")
    assert json.loads(server.seen[1].body) == {"macAuthorized": False, "phone": None}
    assert json.loads(as_json.stdout)["warnings"] == warned["warnings"] and "Warning: Account initech" in as_json.stderr


def test_an_api_refusal_is_one_line(dss, server):  # noqa: F811
    refusal = {"error": "forbidden", "message": "Only your account's administrators and Dedicated Support may add contacts."}
    server.script = [Reply(403, body(refusal))]
    refused = dss("contacts", "add", "acme", "--name", "X", "--email", "x@acme.example", expect=1)
    assert refused.stderr == "Error: Only your account's administrators and Dedicated Support may add contacts. (forbidden; HTTP 403)\n"


def test_set_pin_asks_twice_hidden_and_never_prints_the_pin(dss, server):  # noqa: F811
    server.script = [Reply(204, b"")]
    result = dss("contacts", "set-pin", "initech", "c-peter", input="4821\n4821\n")
    assert json.loads(server.seen[0].body) == {"pin": "4821"} and server.seen[0].method == "PUT"
    assert "4821" not in result.output and "The IVR PIN of c-peter is set." in result.stderr

    mistyped = dss("contacts", "set-pin", "initech", "c-peter", "--pin", "48a1", expect=2)
    assert "a PIN is 4 to 8 digits" in mistyped.stderr and "48a1" not in mistyped.output and len(server.seen) == 1


def test_verify_pin_exits_1_when_it_does_not_match_and_says_when_it_locks(dss, server):  # noqa: F811
    server.script = [
        Reply(200, body({"verified": True, "attemptsLeft": 5, "locked": False})),
        Reply(200, body({"verified": False, "attemptsLeft": 1, "locked": False})),
        Reply(200, body({"verified": False, "attemptsLeft": 0, "locked": True})),
    ]
    verified = dss("contacts", "verify-pin", "initech", "c-peter", input="4821\n")
    assert verified.stdout == "Caller's IVR PIN: \nVerified: the PIN of c-peter matches.\n"  # the prompt does not echo it
    wrong = dss("contacts", "verify-pin", "initech", "c-peter", "--pin", "1357", expect=1)
    assert wrong.stderr == "Error: not verified: wrong PIN for c-peter (1 try left before it locks)\n"
    locked = dss("contacts", "verify-pin", "initech", "c-peter", "--pin", "1357", "--json", expect=1)
    assert json.loads(locked.stdout)["locked"] is True and "dss contacts unlock-pin initech c-peter" in locked.stderr
    assert all(pin not in result.output for pin in ("4821", "1357") for result in (verified, wrong, locked))


# --- formatting --------------------------------------------------------------------------------------------------


def test_values_contacts_and_accounts_read_as_text():
    assert [value_text(v) for v in (None, True, False, [], ["c-a", "c-b"], 3, {"a": True})] == [
        "none", "yes", "no", "none", "c-a, c-b", "3", "a yes",
    ]  # fmt: skip
    assert parse_ids(" c-a, ,c-b ") == ["c-a", "c-b"] and parse_ids("") == []
    assert roles_text(CONTACT) == "MAC, Report recipient" and roles_text({"name": "x"}) == "none"
    assert status_text({**CONTACT, "signInReady": False}) == "invited (sign-in not ready)" and status_text({"name": "x"}) == ""
    assert [pin_text(c) for c in ({}, CONTACT, {**CONTACT, "pinSet": True}, {**CONTACT, "pinSet": True, "pinLocked": True})] == [
        "", "not set", "set", "locked",
    ]  # fmt: skip
    assert actor_text({"userId": "u-1", "role": "customer-contacts", "contactId": "c-peter"}) == "c-peter (customer-contacts)"
    rows = dict(contact_rows(CONTACT))
    assert rows["Added"] == "2026-03-02T15:04:05.000Z by u-erin (engineers)" and "Phone" not in rows and "Disabled" not in rows
    account = dict(account_rows(ACCOUNT))
    assert account["Hard max"] == "no cap" and account["Recommended max"] == "5 active contacts"
    assert account["Emergency"] == "c-peter, c-samir" and account["Release upgrades"] == "1 per quarter"


def test_history_changes_read_from_and_to_and_entitlements_by_key():
    before = {"monitoringAroundTheClock": False, "releaseUpgradesPerQuarter": 1}
    after = {"monitoringAroundTheClock": True, "releaseUpgradesPerQuarter": 1}
    assert change_lines({"field": "entitlements", "from": before, "to": after}) == ["entitlements.monitoringAroundTheClock: no -> yes"]
    assert change_lines({"field": "phone", "from": None, "to": "+1 555 0100"}) == ["phone: none -> +1 555 0100"]
    added = {"action": "contact added", "changes": [{"field": "name", "from": None, "to": "Peter"}, {"field": "macAuthorized",
             "from": None, "to": False}]}  # fmt: skip
    assert history_changes(added) == "name: Peter\nmacAuthorized: no"
