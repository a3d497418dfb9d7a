"""`make run` over real HTTP: the README walk-through, the authorizer, the public docs, API Gateway's
limits, and the lifecycle (busy ports, Ctrl-C, restart)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time

import boto3
import pytest

from functions.shared.reference_id import ReferenceIds
from local.demo_directory import DEMO_USERS, EXAMPLE_SUPPORT_CASE
from tests.local.stack_process import REPO_ROOT, run_command
from tests.local.test_local_clock import eventually
from tests.support.moto_server import free_port

pytestmark = pytest.mark.slow

SUPPORT_CASE = EXAMPLE_SUPPORT_CASE
UNAUTHORIZED = {"error": "unauthorized", "message": "Sign in and send your ID token in the Authorization header."}
ROLES = {"customer", "customer_mac", "engineer", "manager", "other_customer", "colleague", "testing"}


def test_readme_walkthrough(local_stack):
    created = local_stack.request("POST", "/cases", role="customer", json=SUPPORT_CASE)
    assert created.status_code == 201, created.text
    case_number = created.json()["caseNumber"]
    assert re.fullmatch(r"\d{10}", case_number)

    listed = local_stack.request("GET", "/cases", role="customer", params={"view": "my-open"})
    assert listed.status_code == 200, listed.text
    assert case_number in [item["caseNumber"] for item in listed.json()["items"]]

    got = local_stack.request("GET", f"/cases/{case_number}", role="customer")
    assert got.status_code == 200, got.text
    assert got.json()["subject"] == SUPPORT_CASE["subject"]

    foreign = local_stack.request("GET", f"/cases/{case_number}", role="other_customer")
    assert foreign.status_code == 404
    assert foreign.json()["error"] == "not_found"


def test_an_information_request_emails_the_contact_within_seconds(local_stack):
    case_number = local_stack.request("POST", "/cases", role="customer", json=SUPPORT_CASE).json()["caseNumber"]
    asked = local_stack.request("POST", f"/cases/{case_number}/request-info", role="engineer", json={"message": "Send the IC logs."})
    assert asked.status_code == 200, asked.text

    def case_mail() -> list[dict]:
        outbox = local_stack.request("GET", "/_local/outbox", params={"to": "alice@acme.example"})  # no token: local only
        assert outbox.status_code == 200, outbox.text
        return [mail for mail in outbox.json()["items"] if f"Case {case_number}:" in mail["subject"]]

    (mail,) = eventually(case_mail, bool, "the information request's email")
    ref = re.search(r"\[(ref:[A-Z2-7]{16})\]$", mail["subject"]).group(1)
    assert ref in mail["text"] and ref in mail["html"]
    assert f"{local_stack.portal}/cases/{case_number}" in mail["text"]  # PORTAL_URL defaults to the local portal
    aws = boto3.client(
        "secretsmanager",
        endpoint_url=local_stack.session["aws"],
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    key = aws.get_secret_value(SecretId="dss-local/reference-id-key")["SecretString"].encode()
    assert ReferenceIds(key).verify_reference_id(case_number, ref)


def test_a_case_life_over_http(local_stack):
    """The lifecycle through the local stack: ask, answer, propose, reject, close, reopen, escalate, history."""
    number = local_stack.request("POST", "/cases", role="customer", json=SUPPORT_CASE).json()["caseNumber"]

    def act(role: str, method: str, suffix: str, body: dict, status: int = 200) -> dict:
        response = local_stack.request(method, f"/cases/{number}{suffix}", role=role, json=body)
        assert response.status_code == status, response.text
        return response.json()

    assert act("engineer", "POST", "/request-info", {"message": "Logs?"})["status"] == "Awaiting Info"
    act("customer", "POST", "/updates", {"text": "Attached."}, status=201)
    assert act("engineer", "POST", "/propose-solution", {"solution": "Patch 12."})["status"] == "Solution Proposed"
    assert act("customer", "POST", "/solution/reject", {"reason": "Still failing."})["status"] == "Open"
    assert act("customer", "POST", "/escalations", {"kind": "priority", "reason": "Worse."})["case"]["priority"] == "3-Medium"
    assert act("customer", "POST", "/close", {"subStatus": "Resolved", "comment": "Fixed."})["status"] == "Closed"
    assert act("customer", "POST", "/updates", {"text": "late"}, status=409)["error"] == "case_closed"
    assert act("customer", "POST", "/reopen", {"information": "Back again."})["status"] == "Open"
    history = local_stack.request("GET", f"/cases/{number}/history", role="customer").json()["items"]
    assert [entry["action"] for entry in history] == [
        "opened", "information-requested", "updated", "solution-proposed", "solution-rejected",
        "priority-raised", "closed", "reopened",
    ]  # fmt: skip


def test_bearer_prefix_is_accepted(local_stack):
    response = local_stack.request("GET", "/cases", headers={"Authorization": f"Bearer {local_stack.token('engineer')}"})
    assert response.status_code != 401, response.text


@pytest.mark.parametrize("headers", [{}, {"Authorization": "not-a-token"}, {"Authorization": "Bearer "}], ids=["none", "unknown", "empty"])
def test_authenticated_routes_refuse_a_missing_or_unknown_token(local_stack, headers):
    response = local_stack.request("GET", "/cases", headers=headers, params={"view": "my-open"})
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == UNAUTHORIZED


def test_openapi_and_swagger_are_public(local_stack):
    document = local_stack.request("GET", "/openapi.json")
    assert document.status_code == 200
    assert document.headers["Content-Type"].startswith("application/json")
    assert "/cases" in document.json()["paths"]
    swagger = local_stack.request("GET", "/swagger")
    assert swagger.status_code == 200
    assert swagger.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("method", ["PATCH", "OPTIONS", "DELETE"])
def test_unknown_methods_answer_json(local_stack, method):
    for role in (None, "customer"):
        response = local_stack.request(method, "/cases", role=role)
        assert 400 <= response.status_code < 500
        assert response.headers["Content-Type"] == "application/json"
        assert response.json()["error"]


def test_a_body_over_api_gateways_10_mb_is_413(local_stack):
    response = local_stack.request(
        "POST", "/cases", role="customer", data=b"x" * (10 * 1024 * 1024 + 1), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_session_file_and_banner_name_the_urls_every_user_and_token(local_stack):
    session = local_stack.session
    assert session["api"] == local_stack.api
    assert session["aws"] == f"http://127.0.0.1:{local_stack.aws_port}"
    assert set(session["tokens"]) == set(session["users"]) == ROLES
    assert len(set(session["tokens"].values())) == len(ROLES)
    assert {role: user["email"] for role, user in session["users"].items()} == {role: user.email for role, user in DEMO_USERS.items()}
    assert session["cognito"]["region"] == "us-east-1" and session["cognito"]["userPoolId"].startswith("us-east-1_")
    if os.name != "nt":
        assert local_stack.session_file.stat().st_mode & 0o077 == 0  # it holds passwords: readable by its owner only
    banner = local_stack.output()
    assert local_stack.api in banner
    assert session["aws"] in banner
    assert all(token in banner for token in session["tokens"].values())
    assert all(user["email"] in banner and user["password"] in banner for user in session["users"].values())
    assert session["cognito"]["userPoolClientId"] in banner
    assert f"curl -s -X POST {local_stack.api}/cases" in banner
    assert "every 30 minutes" in banner  # how to get a fresh token once one has expired


@pytest.mark.parametrize("busy", ["api", "aws"])
def test_a_busy_port_is_one_clear_line(local_stack, tmp_path, busy):
    port, aws_port = (local_stack.port, free_port()) if busy == "api" else (free_port(), local_stack.aws_port)
    session_file = tmp_path / "session.json"
    result = subprocess.run(run_command(port, aws_port, session_file), cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    busy_port, flag = (port, "--port") if busy == "api" else (aws_port, "--aws-port")
    assert result.returncode != 0
    assert f"Port {busy_port}" in result.stderr
    assert flag in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not session_file.exists()


def test_ctrl_c_stops_cleanly_and_a_restart_on_the_same_ports_works(new_stack):
    first = new_stack().start()
    assert first.stop(signal.SIGINT, timeout=10) == 0
    assert "Stopped." in first.output()

    again = new_stack(first.port, first.aws_port).start()
    assert again.request("POST", "/cases", role="customer", json=SUPPORT_CASE).status_code == 201
    assert again.stop(signal.SIGTERM, timeout=10) == 0
    assert "Traceback" not in first.output() + again.output()


def test_with_a_time_scale_the_follow_up_ladder_runs_to_auto_closed_in_seconds(new_stack):
    """`make run RUN_ARGS='--time-scale ...'`: the real state machine in moto, its waits shortened, its
    steps running the real handler; the case still shows its real business-day deadlines."""
    stack = new_stack(options=("--time-scale", "1000000")).start()
    admin_case = {"caseType": "Admin", "subject": "Portal login", "description": "Locked out"}
    case = stack.request("POST", "/cases", role="customer", json=admin_case)
    number = case.json()["caseNumber"]
    asked = stack.request("POST", f"/cases/{number}/request-info", role="engineer", json={"message": "Which user name?"}).json()
    assert asked["nextAutomatedAction"]["action"] == "reminder1" and asked["nextAutomatedAction"]["dueAt"] > asked["modifiedAt"]

    deadline = time.monotonic() + 60
    while (body := stack.request("GET", f"/cases/{number}", role="customer").json())["status"] != "Closed":
        assert time.monotonic() < deadline, body
        time.sleep(0.2)

    assert body["subStatus"] == "Auto-closed"

    # The information request, two reminders and the final email, each within moments of its event (after her invitation).
    def case_mail() -> list[dict]:
        mail = stack.request("GET", "/_local/outbox", params={"to": "alice@acme.example"}).json()["items"]
        return [item for item in mail if item["subject"].startswith(f"Case {number}")]

    while len(mail := case_mail()) < 4:
        assert time.monotonic() < deadline, mail
        time.sleep(0.2)
    assert "closed automatically" in mail[-1]["subject"]


def test_the_files_bucket_lets_the_portals_page_put_parts(local_stack):
    import boto3

    from functions.files.dal.object_storage import browser_upload_cors_rule

    s3 = boto3.client(
        "s3", endpoint_url=local_stack.session["aws"], region_name="us-east-1", aws_access_key_id="local", aws_secret_access_key="local"
    )
    bucket = next(bucket["Name"] for bucket in s3.list_buckets()["Buckets"] if bucket["Name"].endswith("case-files"))
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == [browser_upload_cors_rule(local_stack.session["portal"])]


def test_each_demo_accounts_monitoring_integration_takes_pagerduty_events_over_http(local_stack):
    """`.local/session.json` `monitoring` holds what a monitor is configured with; the intake answers as PagerDuty."""
    monitoring = local_stack.session["monitoring"]
    assert set(monitoring) == {"acme", "globex"}
    acme = monitoring["acme"]
    event = {
        "routing_key": acme["routingKey"],
        "event_action": "trigger",
        "payload": {"summary": "IC down", "source": "ic-01", "severity": "critical"},
    }
    accepted = local_stack.request("POST", "/alerts/v1/enqueue", json=event)
    assert accepted.status_code == 202 and accepted.json()["status"] == "success"
    forged = local_stack.request("POST", "/alerts/v1/enqueue", json={**event, "routing_key": monitoring["globex"]["routingKey"][:-1] + "a"})
    assert forged.status_code == 401 and forged.json()["error"] == "invalid_credential"
    unsigned = local_stack.request("POST", acme["webhookPath"], json=event)
    assert unsigned.status_code == 401
