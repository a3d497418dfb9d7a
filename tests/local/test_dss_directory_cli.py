"""`dss accounts` and `dss contacts` against the local stack (`make run`) as people run them: an engineer signed in
with `dss login` onboards an account and manages its contacts, whose invitations land in the local outbox; a customer
who is not an administrator is refused; a new contact signs in with the invitation's temporary password and sets their
IVR PIN, which the engineer verifies, sees locked after 5 wrong tries and unlocks."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.slow

DSS = Path(sys.executable).parent / "dss"  # the console script `make venv` installs (pip install -e .)
PIN = "48213579"  # 8 digits: no timestamp or id of the history holds them by chance


class Dss:
    """Runs the `dss` console script with a config dir of its own (what `dss login` saved there) and no session file,
    unless `session` names one."""

    def __init__(self, stack, workdir: Path, session: bool = False):
        self.stack, self.workdir, self.session = stack, workdir, session
        workdir.mkdir(parents=True, exist_ok=True)
        self.environment = {name: value for name, value in os.environ.items() if not name.startswith("DSS_")}
        self.environment["DSS_CONFIG_DIR"] = str(workdir / "dss-config")

    def __call__(self, *args: str, expect: int = 0) -> subprocess.CompletedProcess:
        command = [str(DSS), *(["--session", str(self.stack.session_file)] if self.session else []), *args]
        done = subprocess.run(command, capture_output=True, text=True, env=self.environment, cwd=self.workdir, timeout=60)
        assert done.returncode == expect, f"dss {' '.join(args)} -> {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
        return done

    def json(self, *args: str) -> dict:
        return json.loads(self(*args, "--json").stdout)

    def login(self, email: str, password: str, *extra: str) -> subprocess.CompletedProcess:
        return self("login", "--api", self.stack.api, "--email", email, "--password", password, *extra)


@pytest.fixture(scope="module")
def engineer(local_stack, tmp_path_factory) -> Dss:
    assert DSS.exists(), f"{DSS} is missing: `make venv` installs the dss console script"
    dss = Dss(local_stack, tmp_path_factory.mktemp("engineer"))
    user = local_stack.session["users"]["engineer"]
    dss.login(user["email"], user["password"])
    return dss


def invitation_password(stack, address: str) -> str:
    """The temporary password of the latest invitation to `address` in the local outbox."""
    answer = requests.get(f"{stack.api}/_local/outbox", params={"to": address}, timeout=30)
    assert answer.status_code == 200, answer.text
    found = [re.search(r"^Temporary password: (\S+)", mail["text"] or "", re.MULTILINE) for mail in answer.json()["items"]]
    passwords = [match.group(1) for match in found if match]
    assert passwords, f"no invitation to {address} in the outbox"
    return passwords[-1]


def test_an_engineer_onboards_an_account_and_manages_its_contacts(engineer, local_stack, tmp_path):
    created = engineer.json("accounts", "create", "initech", "--name", "Initech", "--region", "north-america", "--recommended-max", "1",
                            "--hard-max", "5", "--monitoring-24x7")  # fmt: skip
    assert (created["accountId"], created["recommendedMaxContacts"], created["hardMaxContacts"]) == ("initech", 1, 5)
    assert created["entitlements"] == {"monitoringAroundTheClock": True, "releaseUpgradesPerQuarter": 1, "gatewayUpdatesPerYear": 1}
    assert "initech" in [account["accountId"] for account in engineer.json("accounts", "list")["items"]]
    assert re.search(r"Monitoring 24x7\s+yes", engineer("accounts", "show", "initech").stdout)

    peter = engineer.json("contacts", "add", "initech", "--name", "Peter Gibbons", "--email", "peter@initech.example", "--id", "c-peter",
                          "--report-recipient")  # fmt: skip
    assert (peter["status"], peter["signInReady"], peter["reportRecipient"], peter["warnings"]) == ("invited", True, True, [])
    assert invitation_password(local_stack, "peter@initech.example")
    samir = engineer("contacts", "add", "initech", "--name", "Samir Nagheenanajar", "--email", "samir@initech.example", "--id", "c-samir")
    assert "Added Samir Nagheenanajar (c-samir) to initech: invitation sent to samir@initech.example" in samir.stderr
    assert "Warning: Account initech now has 2 active contacts, more than the recommended 1" in samir.stderr

    listed = engineer.json("contacts", "list", "initech")["items"]
    assert [(contact["contactId"], contact["status"]) for contact in listed] == [("c-peter", "invited"), ("c-samir", "invited")]
    table = engineer("contacts", "list", "initech").stdout
    assert "Peter Gibbons" in table and "Report recipient" in table and "samir@initech.example" in table

    changed = engineer.json("contacts", "update", "initech", "c-samir", "--mac", "--phone", "+1 555 0100")
    assert (changed["macAuthorized"], changed["phone"]) == (True, "+1 555 0100")
    disabled = engineer("contacts", "disable", "initech", "c-samir")
    assert "Disabled Samir Nagheenanajar (c-samir)" in disabled.stderr and re.search(r"Status\s+disabled", disabled.stdout)
    assert engineer.json("contacts", "enable", "initech", "c-samir")["status"] == "invited"
    assert engineer.json("contacts", "show", "initech", "c-samir")["macAuthorized"] is True

    history = engineer.json("accounts", "history", "initech")["items"]
    actions = [(entry["action"], entry["contactId"]) for entry in history]
    assert actions == [("created", None), ("contact added", "c-peter"), ("contact added", "c-samir"), ("contact changed", "c-samir"),
                       ("contact disabled", "c-samir"), ("contact enabled", "c-samir")]  # fmt: skip
    assert {"field": "macAuthorized", "from": False, "to": True} in history[3]["changes"]
    shown = engineer("accounts", "history", "initech").stdout
    assert "macAuthorized: no -> yes" in shown and "status: invited -> disabled" in shown and "status: disabled -> invited" in shown

    # A customer who is not an administrator of their account may not add contacts to it: one clear line.
    customer = Dss(local_stack, tmp_path / "customer", session=True)
    refused = customer("contacts", "add", "acme", "--name", "Mallory", "--email", "mallory@acme.example", expect=1)
    assert refused.stdout == "" and refused.stderr == (
        "Error: Only your account's administrators and Dedicated Support may add contacts; ask your account administrator. "
        "(forbidden; HTTP 403)\n"
    )


def test_a_contact_sets_their_pin_and_the_engineer_verifies_locks_and_unlocks_it(engineer, local_stack, tmp_path):
    engineer("accounts", "create", "hooli", "--name", "Hooli", "--region", "north-america")
    engineer("contacts", "add", "hooli", "--name", "Gavin Belson", "--email", "gavin@hooli.example", "--id", "c-gavin")

    # The contact signs in with the invitation's temporary password, chooses their own, and sets their PIN.
    gavin = Dss(local_stack, tmp_path / "gavin")
    gavin.login("gavin@hooli.example", invitation_password(local_stack, "gavin@hooli.example"), "--new-password", "Gavin-chosen-passw0rd")
    set_pin = gavin("contacts", "set-pin", "hooli", "c-gavin", "--pin", PIN)
    assert set_pin.stderr == "The IVR PIN of c-gavin is set.\n" and PIN not in set_pin.stdout
    refused = engineer("contacts", "set-pin", "hooli", "c-gavin", "--pin", "7351", expect=1)
    assert "Only the contact sets their own IVR PIN" in refused.stderr
    assert re.search(r"IVR PIN\s+set", engineer("contacts", "show", "hooli", "c-gavin").stdout)

    # The engineer on the phone checks it: a match, then 5 wrong ones lock it until they unlock it.
    verified = engineer("contacts", "verify-pin", "hooli", "c-gavin", "--pin", PIN)
    assert verified.stdout == "Verified: the PIN of c-gavin matches.\n"
    for left in ("4 tries", "3 tries", "2 tries", "1 try"):
        wrong = engineer("contacts", "verify-pin", "hooli", "c-gavin", "--pin", "7351", expect=1)
        assert wrong.stderr == f"Error: not verified: wrong PIN for c-gavin ({left} left before it locks)\n"
    locking = engineer("contacts", "verify-pin", "hooli", "c-gavin", "--pin", "7351", expect=1)
    assert "is now locked" in locking.stderr and "dss contacts unlock-pin hooli c-gavin" in locking.stderr
    locked = engineer("contacts", "verify-pin", "hooli", "c-gavin", "--pin", PIN, expect=1)
    assert "(pin_locked; HTTP 409)" in locked.stderr
    assert engineer.json("contacts", "show", "hooli", "c-gavin")["pinLocked"] is True

    unlocked = engineer("contacts", "unlock-pin", "hooli", "c-gavin")
    assert "The IVR PIN of Gavin Belson (c-gavin) is unlocked" in unlocked.stderr
    assert engineer.json("contacts", "verify-pin", "hooli", "c-gavin", "--pin", PIN) == {
        "verified": True,
        "attemptsLeft": 5,
        "locked": False,
    }
    shown = engineer.json("contacts", "show", "hooli", "c-gavin")
    assert (shown["status"], shown["pinSet"], shown["pinLocked"]) == ("active", True, False)  # active once they signed in
    history = engineer.json("accounts", "history", "hooli")["items"]
    actions = [entry["action"] for entry in history]
    assert "contact signed in" in actions and actions.index("contact PIN set") < actions.index("contact PIN unlocked")
    assert all(PIN not in json.dumps(entry) for entry in history)
