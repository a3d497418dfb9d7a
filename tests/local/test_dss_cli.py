"""The `dss` console script against the local stack (`make run`) as a user runs it: a real process over real
HTTP, parts PUT to moto's S3 through presigned URLs, and an upload interrupted with Ctrl-C then resumed."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

DSS = Path(sys.executable).parent / "dss"  # the console script `make venv` installs (pip install -e .)
MiB = 1 << 20


def crc32_b64(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


@pytest.fixture
def dss(local_stack, tmp_path):
    """Runs `dss --session <the stack's session file> ARGS...` with a config dir of the test's own."""
    assert DSS.exists(), f"{DSS} is missing: `make venv` installs the dss console script"
    environment = {name: value for name, value in os.environ.items() if not name.startswith("DSS_")}
    environment["DSS_CONFIG_DIR"] = str(tmp_path / "dss-config")

    def command(*args: str) -> list[str]:
        return [str(DSS), "--session", str(local_stack.session_file), *args]

    def run(*args: str, expect: int = 0, timeout: float = 120) -> subprocess.CompletedProcess:
        done = subprocess.run(command(*args), capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=timeout)
        assert done.returncode == expect, f"dss {' '.join(args)} -> {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
        return done

    def start(*args: str) -> subprocess.Popen:
        # Ctrl-C must reach the client as it does in a terminal, whatever the test runner's workers do with SIGINT.
        return subprocess.Popen(command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
                                cwd=tmp_path, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip

    run.start = start
    run.config_dir = tmp_path / "dss-config"
    return run


def json_of(done: subprocess.CompletedProcess):
    return json.loads(done.stdout)


def open_case(dss, *extra: str) -> str:
    opened = json_of(dss(*extra, "cases", "open", "--type", "Admin", "--subject", "Logs for the agents' login problem",
                         "--description", "Attaching the IC server logs", "--json"))  # fmt: skip
    return opened["caseNumber"]


def random_file(tmp_path: Path, name: str, size: int) -> tuple[Path, bytes]:
    data = os.urandom(size)
    path = tmp_path / name
    path.write_bytes(data)
    return path, data


def test_cases_from_the_command_line(dss):
    number = open_case(dss)
    listed = json_of(dss("cases", "list", "--view", "my-open", "--json"))
    assert number in [item["caseNumber"] for item in listed["items"]]
    dss("cases", "update", number.lstrip("0"), "The logs are attached below.")
    shown = json_of(dss("cases", "show", number, "--json"))
    assert shown["caseNumber"] == number and shown["updates"][-1]["text"] == "The logs are attached below."
    table = dss("cases", "list", "--view", "my-open").stdout
    assert number in table

    foreign = dss("--as", "other_customer", "cases", "show", number, expect=1)
    assert foreign.stdout == "" and foreign.stderr.count("\n") == 1
    assert foreign.stderr.startswith("Error: ") and "(not_found, field caseNumber; HTTP 404)" in foreign.stderr

    # An engineer finds it in support's queues: unassigned, and its region's.
    unassigned = json_of(dss("--as", "engineer", "cases", "queue", "unassigned", "--json"))
    assert number in [item["caseNumber"] for item in unassigned["items"]]
    region_table = dss("--as", "engineer", "cases", "queue", "region", "--region", "north-america").stdout
    assert number in region_table and "Queue region (north-america)" in region_table
    refused = dss("cases", "queue", "mine", expect=1)
    assert "(forbidden; HTTP 403)" in refused.stderr


def test_upload_list_and_download_a_multipart_file(dss, tmp_path):
    number = open_case(dss)
    path, data = random_file(tmp_path, "ic-server-logs.tar", 20 * MiB + 12345)  # 3 parts of 8 MiB

    (recorded,) = json_of(dss("files", "upload", number, str(path), "--parallel", "4", "--no-progress", "--json"))
    assert recorded["fileName"] == "ic-server-logs.tar" and recorded["size"] == len(data)
    assert recorded["checksum"] == {"algorithm": "CRC32", "value": crc32_b64(data)}
    assert not list((dss.config_dir / "uploads").iterdir())  # nothing left to resume

    files = json_of(dss("files", "list", number, "--json"))["items"]
    (listed,) = [item for item in files if item["fileId"] == recorded["fileId"]]
    assert (listed["size"], listed["checksum"]["value"]) == (len(data), crc32_b64(data))
    assert crc32_b64(data) in dss("files", "list", number).stdout

    out = tmp_path / "downloads"
    out.mkdir()
    downloaded = json_of(dss("files", "download", number, recorded["fileId"], "-o", str(out), "--no-progress", "--json"))
    assert downloaded["path"] == str(out / "ic-server-logs.tar") and downloaded["size"] == len(data)
    assert (out / "ic-server-logs.tar").read_bytes() == data
    assert [p.name for p in out.iterdir()] == ["ic-server-logs.tar"]  # no temporary file left
    again = dss("files", "download", number, recorded["fileId"], "-o", str(out), "--no-progress", expect=1)
    assert "exists" in again.stderr and "--force" in again.stderr


def test_an_upload_interrupted_by_ctrl_c_resumes_with_the_missing_parts(dss, local_stack, tmp_path):
    number = open_case(dss)
    path, data = random_file(tmp_path, "heap.dump", 40 * MiB)  # 5 parts of 8 MiB
    args = ("files", "upload", number, str(path), "--no-progress")

    # Paced at 4 MiB/s, one part at a time: a part every 2 s. Ctrl-C once S3 holds the first one.
    running = dss.start(*args, "--parallel", "1", "--limit-rate", "4M")
    try:
        upload_id, held, deadline = None, [], time.monotonic() + 60
        while not held and time.monotonic() < deadline and running.poll() is None:
            states = list((dss.config_dir / "uploads").glob("*.json")) if (dss.config_dir / "uploads").exists() else []
            # The state holds the start's Idempotency-Key first, then the upload's id.
            if states and (upload_id := json.loads(states[0].read_text()).get("uploadId")):
                answer = local_stack.request("GET", f"/cases/{number}/uploads/{upload_id}", role="customer")
                assert answer.status_code == 200, answer.text
                held = answer.json()["parts"]
            time.sleep(0.05)
        assert held, f"no part landed: {running.poll()}"
        running.send_signal(signal.SIGINT)
        stdout, stderr = running.communicate(timeout=30)
    finally:
        if running.poll() is None:
            running.kill()
            running.wait()
    assert running.returncode == 130, (stdout, stderr)
    assert "parts of heap.dump are stored; run the same command again to resume" in stderr
    stored_before = len(local_stack.request("GET", f"/cases/{number}/uploads/{upload_id}", role="customer").json()["parts"])
    assert 1 <= stored_before < 5

    resumed = dss(*args, "--json")
    assert f"Resuming upload {upload_id} of heap.dump: {stored_before} of 5 parts already stored" in resumed.stderr
    assert f"sending {5 - stored_before}" in resumed.stderr
    (recorded,) = json_of(resumed)
    assert (recorded["size"], recorded["checksum"]["value"]) == (len(data), crc32_b64(data))
    assert not list((dss.config_dir / "uploads").iterdir())
    assert local_stack.request("GET", f"/cases/{number}/uploads/{upload_id}", role="customer").status_code == 404

    dss("files", "download", number, recorded["fileId"], "-o", str(tmp_path / "back.dump"), "--no-progress")
    assert (tmp_path / "back.dump").read_bytes() == data


def test_an_engineer_attaches_a_file_and_closed_or_foreign_cases_refuse_uploads(dss, tmp_path):
    number = open_case(dss)
    path, data = random_file(tmp_path, "patch-notes.txt", 1000)
    (attached,) = json_of(dss("--as", "engineer", "files", "upload", number, str(path), "--no-progress", "--json"))
    assert attached["uploadedBy"]["userId"] != json_of(dss("cases", "show", number, "--json"))["contactId"]
    assert attached["fileId"] in [item["fileId"] for item in json_of(dss("files", "list", number, "--json"))["items"]]

    foreign = dss("--as", "other_customer", "files", "upload", number, str(path), "--no-progress", expect=1)
    assert foreign.stderr.startswith("Error: ") and "HTTP 404" in foreign.stderr and foreign.stderr.count("\n") == 1

    dss("cases", "close", number, "--sub-status", "Resolved", "--comment", "Fixed by the patch.")
    closed = dss("files", "upload", number, str(path), "--no-progress", expect=1)
    assert "(case_closed" in closed.stderr and "HTTP 409" in closed.stderr
    listed = json_of(dss("files", "list", number, "--json"))
    assert listed["purgeAt"] is not None


# --- signing in: `dss login --api URL --email E` against the local stack's Cognito (moto) -----------------------------


@pytest.fixture
def signed_out_dss(local_stack, tmp_path):
    """Runs `dss ARGS...` with no session file (the working directory has none) and a config dir of the test's own:
    what it uses is what `dss login` saved."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("DSS_")}
    environment["DSS_CONFIG_DIR"] = str(tmp_path / "dss-config")

    def run(*args: str, expect: int = 0, input: str | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run([str(DSS), *args], capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=60, input=input)
        assert done.returncode == expect, f"dss {' '.join(args)} -> {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
        return done

    run.config_file = tmp_path / "dss-config" / "config.json"
    return run


def cognito_of(stack):
    import boto3

    return boto3.client("cognito-idp", endpoint_url=stack.session["aws"], region_name="us-east-1", aws_access_key_id="local",
                        aws_secret_access_key="local")  # fmt: skip


def login(dss, stack, role: str = "customer", *extra: str, expect: int = 0) -> subprocess.CompletedProcess:
    user = stack.session["users"][role]
    return dss("login", "--api", stack.api, "--email", user["email"], "--password", user["password"], *extra, expect=expect)


def saved(dss) -> dict:
    return json.loads(dss.config_file.read_text())


def near_expiry(dss, minutes: int = 5) -> dict:
    """The saved sign-in as if its ID token expired in `minutes` (the next command renews it): what is saved now."""
    from datetime import UTC, datetime, timedelta

    moment = datetime.now(UTC) + timedelta(minutes=minutes)
    edited = {**saved(dss), "expiresAt": moment.strftime("%Y-%m-%dT%H:%M:%SZ")}
    dss.config_file.write_text(json.dumps(edited))
    return edited


def test_get_sign_in_is_public_and_names_the_local_pool(local_stack):
    answer = local_stack.request("GET", "/sign-in")
    assert answer.status_code == 200, answer.text
    pool, moto = local_stack.session["cognito"], local_stack.session["aws"]
    expected = {"userPoolId": pool["userPoolId"], "clientId": pool["userPoolClientId"], "region": "us-east-1", "endpoint": f"{moto}/"}
    assert answer.json() == expected
    # Its other methods stay behind the authorizer.
    assert local_stack.request("POST", "/sign-in").status_code == 401
    assert local_stack.request("POST", "/sign-in", role="customer").status_code == 405


def test_a_demo_user_signs_in_with_email_and_password_and_the_commands_use_it(signed_out_dss, local_stack):
    dss = signed_out_dss
    assert "no API URL: run `dss login --api URL --email EMAIL`" in dss("cases", "list", expect=1).stderr
    signed_in = login(dss, local_stack)
    assert f"Signed in to {local_stack.api} as alice@acme.example (customer-contacts)" in signed_in.stderr
    assert local_stack.session["users"]["customer"]["password"] not in signed_in.stdout + signed_in.stderr
    assert oct(dss.config_file.stat().st_mode & 0o777) == "0o600"
    assert {"api", "signIn", "token", "refreshToken", "expiresAt"} <= set(saved(dss))

    number = open_case(dss)
    assert number in [item["caseNumber"] for item in json_of(dss("cases", "list", "--view", "my-open", "--json"))["items"]]
    shown = dss("whoami").stdout
    assert "User     alice@acme.example" in shown and "Roles    customer-contacts" in shown and "Account  acme (contact c-alice)" in shown


def test_a_wrong_password_is_refused_in_one_clear_line(signed_out_dss, local_stack):
    refused = signed_out_dss("login", "--api", local_stack.api, "--email", "alice@acme.example", "--password", "Not-her-passw0rd", expect=1)
    assert refused.stderr == "Error: sign-in refused for alice@acme.example: Incorrect username or password. (NotAuthorizedException)\n"
    assert not signed_out_dss.config_file.exists()


def test_an_id_token_near_its_expiry_is_renewed_and_the_new_one_works(signed_out_dss, local_stack):
    dss = signed_out_dss
    login(dss, local_stack, "engineer")
    before = near_expiry(dss, minutes=5)
    listing = ("cases", "list", "--view", "all-open", "--account", "acme", "--json")
    dss(*listing)
    after = saved(dss)
    assert after["token"] != before["token"] and after["expiresAt"] > before["expiresAt"]
    assert after["refreshToken"] == before["refreshToken"] and oct(dss.config_file.stat().st_mode & 0o777) == "0o600"
    query = {"view": "all-open", "accountId": "acme"}
    assert local_stack.request("GET", "/cases", headers={"Authorization": after["token"]}, params=query).status_code == 200
    dss(*listing)
    assert saved(dss)["token"] == after["token"]  # not renewed again: it is good for an hour

    # A sign-in ended at Cognito (signed out everywhere) cannot be renewed: the next command says what to do.
    cognito_of(local_stack).admin_user_global_sign_out(UserPoolId=after["signIn"]["userPoolId"], Username="erin@support.example")
    near_expiry(dss, minutes=5)
    refused = dss("cases", "list", expect=1)
    assert refused.stderr.startswith("Error: your sign-in has expired or was revoked")
    assert refused.stderr.endswith(f"sign in again with dss login --api {local_stack.api} --email erin@support.example\n")


def test_logout_signs_out_at_cognito_and_forgets_the_sign_in(signed_out_dss, local_stack):
    dss = signed_out_dss
    login(dss, local_stack, "other_customer")
    refresh_token, pool = saved(dss)["refreshToken"], saved(dss)["signIn"]
    out = dss("logout")
    assert "Signed out of Cognito" in out.stderr and f"Removed {dss.config_file}" in out.stderr
    assert not dss.config_file.exists()
    idp = cognito_of(local_stack)
    with pytest.raises(idp.exceptions.NotAuthorizedException):  # GlobalSignOut ended the refresh token
        idp.initiate_auth(ClientId=pool["clientId"], AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh_token})
    assert "no API URL" in dss("cases", "list", expect=1).stderr
    assert dss("logout").stderr == "Nothing saved.\n"


def test_a_new_user_sets_a_password_at_first_sign_in_then_signs_in_with_it(signed_out_dss, local_stack):
    """Created as an administrator creates a user (local/demo_sign_in.py), with a temporary password: Cognito asks
    for a new one (NEW_PASSWORD_REQUIRED) and checks it against the pool's policy. The user stands for a contact the
    demo directory holds (Carol's: the API checks the caller's contact in the directory)."""
    dss, email, temporary, chosen = signed_out_dss, "nina@acme.example", "Temporary-passw0rd-1", "Nina-chosen-passw0rd-2"
    idp, pool_id = cognito_of(local_stack), local_stack.session["cognito"]["userPoolId"]
    attributes = {"email": email, "email_verified": "true", "custom:account_id": "acme", "custom:contact_id": "c-carol"}
    idp.admin_create_user(UserPoolId=pool_id, Username=email, TemporaryPassword=temporary, MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": name, "Value": value} for name, value in attributes.items()])  # fmt: skip
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username=email, GroupName="customer-contacts")
    first = ("login", "--api", local_stack.api, "--email", email, "--password", temporary)

    weak = dss(*first, "--new-password", "short", expect=1)
    assert weak.stderr.startswith("Error: the new password was refused: ") and "(InvalidPasswordException)" in weak.stderr
    dss(*first, "--new-password", chosen)
    assert "User     nina@acme.example" in dss("whoami").stdout
    assert isinstance(json_of(dss("cases", "list", "--json"))["items"], list)  # the API takes the new user's token
    dss("logout")

    again = dss("login", "--api", local_stack.api, "--email", email, "--password", chosen)
    assert "Signed in" in again.stderr and "temporary" not in again.stderr
    assert "Incorrect username or password" in dss(*first, expect=1).stderr  # the temporary one is gone
