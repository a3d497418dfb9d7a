"""`dss updates` (dss_cli/commands/updates.py) as a user runs it, against the real cases and updates API handlers under
moto in this process: the real CLI over real HTTP on the loopback to the local API Gateway (local/http_adapter.py),
whose authorizer takes a role's name as its token. The Testing Department records a KB and an installation of it is
refused with the rule's message until it validates it; `--check` asks the rules and writes nothing; an accepted Release
prints its installation case and closes the cases it resolves, the same key answering the same case; a gateway catalog
and a platform set from options and from a file, shown with each gateway's distance behind GA; who may not is told."""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner
from werkzeug.serving import make_server

from dss_cli.main import app
from functions.shared.auth import GROUPS_CLAIM
from functions.shared.clock import FixedClock
from functions.updates.logic.dependencies import dependencies as updates_dependencies
from local.demo_directory import DEMO_USERS
from local.http_adapter import LocalApi, LocalFunction
from tests.support.payloads import support_case

NOW = datetime(2026, 12, 8, 20, 0, tzinfo=UTC)  # Patch Tuesday, 15:00 US Eastern; Q4 2026
CLAIMS = {
    **{role: user.claims() for role, user in DEMO_USERS.items()},
    "testing": {"sub": "u-tess", "email": "tess@testing.example", GROUPS_CLAIM: "testing-department"},
}
KB = ("KB5034441", "--title", "2026-12 Cumulative Update for Windows Server 2022", "--classification", "Security",
      "--severity", "Critical", "--product", "Windows Server 2022", "--released", "2026-12-08")  # fmt: skip


class RoleAuthorizer:
    """The token is the role's name: the claims its demo user (or the Testing Department's user) would carry."""

    def claims_for(self, authorization: str | None) -> dict | None:
        return CLAIMS.get((authorization or "").strip())


@pytest.fixture
def api(local_aws):
    """The local API Gateway with the cases and updates Lambdas, served on the loopback; its URL."""
    from functions.cases.handlers.api import app as cases_app
    from functions.cases.handlers.api import lambda_handler as cases_handler
    from functions.shared.api.openapi import documented_routes
    from functions.updates.handlers.api import app as updates_app
    from functions.updates.handlers.api import lambda_handler as updates_handler

    local_aws.updates_settings()
    local_aws.set_api_time(NOW)
    updates_dependencies().clock = FixedClock(NOW)
    updates_function = LocalFunction("updates-api", updates_handler, documented_routes(updates_app))
    gateway = LocalApi(cases_handler, RoleAuthorizer(), documented_routes(cases_app), other_functions=(updates_function,))
    server = make_server("127.0.0.1", 0, gateway, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def dss(api, tmp_path, monkeypatch):
    """Runs `dss --api <the API> --token <role> ARGS...` (role `engineer` unless `as_role`), asserting its exit code."""
    monkeypatch.setenv("DSS_CONFIG_DIR", str(tmp_path / "dss-config"))
    for name in ("DSS_API", "DSS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def run(*args: str, as_role: str = "engineer", expect: int = 0):
        result = runner.invoke(app, ["--api", api, "--token", as_role, *args])
        assert result.exit_code == expect, f"dss {' '.join(args)} -> {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
        return result

    return run


def one_line(text: str) -> bool:
    return len(text.strip().splitlines()) == 1


def open_case(local_aws, subject: str) -> str:
    created = local_aws.call("POST", "/cases", user="customer", body={**support_case(priority="3-Medium"), "subject": subject})
    assert created.status == 201, created
    return created.body["caseNumber"]


def test_a_kb_is_refused_with_the_rules_message_until_the_testing_department_validates_it(dss):
    recorded = dss("updates", "record", *KB, as_role="testing")
    assert "Recorded KB5034441, pending validation; the decision is expected by 2026-12-15" in recorded.stderr
    assert re.search(r"Status\s+pending-validation", recorded.stdout) and re.search(r"Critical\s+yes", recorded.stdout)
    listed = dss("updates", "list", "--status", "pending-validation", as_role="customer").stdout
    assert "KB5034441" in listed and "2026-12-15" in listed

    request = ("updates", "request", "--account", "acme", "--contact", "c-alice", "--kind", "windows-update", "--reason", "known-scr",
               "--scr", "SCR-9", "--kb", "kb5034441")  # fmt: skip
    checked = dss(*request, "--check", expect=1)
    assert checked.stdout == "" and one_line(checked.stderr)
    assert checked.stderr.startswith("Error: KB5034441 (Security, released 2026-12-08) is being validated by the Testing Department")
    assert "expected from 2026-12-15" in checked.stderr and "(kb_pending_validation, field target.kbs; HTTP 409)" in checked.stderr
    refused = dss(*request, expect=1)
    assert "(kb_pending_validation, field target.kbs; HTTP 409)" in refused.stderr
    assert json.loads(dss("cases", "list", "--view", "all-non-closed", "--account", "acme", "--json").stdout)["items"] == []

    not_staff = dss("updates", "validate", "KB5034441", as_role="engineer", expect=1)
    assert one_line(not_staff.stderr) and "HTTP 403)" in not_staff.stderr
    validated = dss("updates", "validate", "KB5034441", "--comment", "Tested on the lab's IC 2026 R4", as_role="testing")
    assert "Validated KB5034441: it may be installed from now on." in validated.stderr and "lab's IC 2026 R4" in validated.stdout

    allowed = dss(*request, "--check")
    assert allowed.stdout.startswith("Allowed: Every update asked for is validated by the Testing Department. (allowed)")
    assert "Nothing was written" in allowed.stderr
    accepted = dss(*request)
    (number,) = re.findall(r"^Installation case (\d{10}) opened: Installation: Windows updates KB5034441$", accepted.stdout, re.M)
    assert re.search(r"Type\s+Service Request, 3-Medium", accepted.stdout) and re.search(r"Closed as Resolved\s+none", accepted.stdout)
    assert json.loads(dss("cases", "show", number, "--json").stdout)["installation"]["kind"] == "windows-update"


def test_an_accepted_release_prints_its_case_closes_what_it_resolves_and_a_second_is_refused(dss, local_aws):
    first, second = open_case(local_aws, "Calls drop at transfer"), open_case(local_aws, "Queue stalls at noon")
    release = ("updates", "request", "--account", "acme", "--kind", "release", "--reason", "known-scr", "--scr", "SCR-4711",
               "--system-impacting", "--release", "2026 R4")  # fmt: skip

    accepted = dss(*release, "--resolves", first.lstrip("0"), "--resolves", second, "--idempotency-key", "release-q4")
    (number,) = re.findall(r"^Installation case (\d{10}) opened: ", accepted.stdout, re.M)
    assert re.search(rf"Closed as Resolved\s+{first}, {second}", accepted.stdout)
    assert re.search(r"Entitlement used\s+Release upgrade, Q4 2026", accepted.stdout)
    for resolved in (first, second):
        case = json.loads(dss("cases", "show", resolved, "--json", as_role="customer").stdout)
        assert (case["status"], case["subStatus"], case["resolvedByCase"]) == ("Closed", "Resolved", number)

    again = dss(*release, "--resolves", first, "--resolves", second, "--idempotency-key", "release-q4", "--json")
    assert json.loads(again.stdout)["case"]["caseNumber"] == number  # the same key answers the same case

    refused = dss(*release, "--contact", "c-alice", expect=1)
    assert one_line(refused.stderr) and f"(case {number}, on " in refused.stderr
    assert "the next can be requested from 2027-01-01" in refused.stderr and "(release_quota_used" in refused.stderr
    assert refused.stderr.rstrip().endswith("HTTP 409)")
    checked = dss(*release, "--contact", "c-alice", "--check", expect=1)
    assert "(release_quota_used" in checked.stderr

    # What the kind needs is checked before anything is sent.
    assert "--release" in dss("updates", "request", "--account", "acme", "--kind", "release", "--reason", "feature", expect=2).stderr


def test_a_catalog_and_a_platform_set_and_shown_with_each_gateways_distance_behind_ga(dss, tmp_path):
    catalog = dss("updates", "catalog", "set", "interaction-gateway", "SU1", "SU2", "SU3", "SU4", "--name", "Interaction Gateway")
    assert "the current GA is SU4" in catalog.stderr and re.search(r"Updates\s+SU1 < SU2 < SU3 < SU4", catalog.stdout)
    listed = dss("updates", "catalog", "list", as_role="customer").stdout
    assert "interaction-gateway" in listed and "SU4" in listed

    dss("updates", "platform", "set", "acme", "--release", "2026 R4", "--patches", "ES-101,ES-102", "--fiscal-year-start-month", "7",
        "--gateway", "gw-behind,interaction-gateway,SU1", "--gateway", "gw-recent,interaction-gateway,SU3",
        "--gateway", "gw-ac,audiocodes,7.40A")  # fmt: skip
    shown = dss("updates", "platform", "show", "acme", as_role="customer").stdout
    assert re.search(r"Release\s+2026 R4", shown) and re.search(r"Patches\s+ES-101, ES-102", shown)
    assert re.search(r"Contract year\s+starts in month 7", shown)
    assert re.search(r"gw-behind\s*│ interaction-gateway\s*│ SU1\s*│ SU4\s*│\s+3 │ yes", shown)
    assert re.search(r"gw-recent\s*│ interaction-gateway\s*│ SU3\s*│ SU4\s*│\s+1 │ no", shown)
    assert re.search(r"gw-ac\s*│ audiocodes\s*│ 7.40A\s*│ no catalog", shown)

    # From options, only what is given changes; a gateway given again is replaced, one removed is gone.
    dss("updates", "platform", "set", "acme", "--gateway", "gw-recent,interaction-gateway,SU4", "--remove-gateway", "gw-ac")
    platform = json.loads(dss("updates", "platform", "show", "acme", "--json").stdout)
    assert platform["release"] == "2026 R4" and platform["fiscalYearStartMonth"] == 7 and platform["version"] == 2
    assert [(g["gatewayId"], g["installedUpdate"], g["updatesBehind"]) for g in platform["gateways"]] == [
        ("gw-behind", "SU1", 3),
        ("gw-recent", "SU4", 0),
    ]

    # From a file: the whole platform (a saved `show --json` will do), the options on top.
    saved = tmp_path / "platform.json"
    saved.write_text(json.dumps({**platform, "patches": ["ES-103"]}))
    from_file = json.loads(dss("updates", "platform", "set", "acme", "--file", str(saved), "--release", "2027 R1", "--json").stdout)
    assert (from_file["release"], from_file["patches"], from_file["version"]) == ("2027 R1", ["ES-103"], 3)

    gateway_update = ("updates", "request", "--account", "acme", "--contact", "c-alice", "--kind", "gateway-update",
                      "--reason", "behind-ga", "--update", "SU4")  # fmt: skip
    refused = dss(*gateway_update, "--gateway", "gw-recent", "--check", expect=1)
    assert one_line(refused.stderr) and "(not_behind_ga" in refused.stderr and "HTTP 422)" in refused.stderr
    allowed = dss(*gateway_update, "--gateway", "gw-behind", "--check")
    assert allowed.stdout.startswith("Allowed: The gateway is 3 updates behind the current GA. (allowed)")


def test_who_may_not_is_told_in_one_line(dss, tmp_path):
    customer = dss("updates", "platform", "set", "acme", "--release", "2026 R4", as_role="customer", expect=1)
    assert customer.stdout == "" and one_line(customer.stderr) and "HTTP 403)" in customer.stderr
    other = dss("updates", "platform", "show", "acme", as_role="other_customer", expect=1)
    assert one_line(other.stderr) and "HTTP 404)" in other.stderr
    recorded_by_staff = dss("updates", "record", *KB, expect=1)
    assert one_line(recorded_by_staff.stderr) and "HTTP 403)" in recorded_by_staff.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"release": "2026 R4", "gateway": []}')
    wrong = dss("updates", "platform", "set", "acme", "--file", str(broken), expect=1)
    assert wrong.stderr.startswith("Error: ") and "unknown field gateway" in wrong.stderr
