"""dss CLI: `dss alerts list|groups|open-case` (dss_cli/commands/alerts.py, the monitoring calls of dss_cli/api.py)
against a scripted API on the loopback: the query each option makes, one page with the next page's token, the
case request retried with one Idempotency-Key, and the API's refusal as one line."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dss_cli.main import app
from tests.unit.test_dss_cli_http import Reply, server  # noqa: F401 (the fixture)

BUSY = Reply(503, b'{"error": "unavailable", "message": "busy"}')
GROUP_ID = "0193a5c2e1f04b7d9c3e2a1f5b6c7d8e"
ALERT = {
    "accountId": "acme", "dedupKey": "ic-01/cpu", "device": "ic-01", "severity": "critical", "summary": "CPU 99%", "state": "firing",
    "stateAt": "2026-12-08T15:00:00.000Z", "triggerCount": 3, "flapping": False, "groupId": GROUP_ID, "instance": 1,
}  # fmt: skip
GROUP = {
    "groupId": GROUP_ID, "accountId": "acme", "device": "ic-01", "severity": "critical", "summary": "CPU 99%", "status": "held",
    "caseNumber": None, "alertCount": 2, "detectedAt": "2026-12-08T03:00:00.000Z", "opensAt": "2026-12-08T12:00:00.000Z",
}  # fmt: skip


def body(data: object) -> bytes:
    return json.dumps(data).encode()


@pytest.fixture
def dss(server, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DSS_CONFIG_DIR", str(tmp_path / "config"))
    for name in ("DSS_API", "DSS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def run(*args: str, expect: int = 0):
        result = runner.invoke(app, ["--api", server.url, "--token", "t", *args])
        assert result.exit_code == expect, (result.stdout, result.stderr)
        return result

    return run


def test_alerts_list_asks_for_one_page_with_the_options_given(dss, server):  # noqa: F811
    server.script = [Reply(200, body({"items": [ALERT], "nextToken": "n1"})), Reply(200, body({"items": []}))]

    listed = dss("alerts", "list", "--account", "acme", "--state", "firing", "--limit", "20")
    dss("alerts", "list", "--next-token", "n1", "--json")

    assert [seen.path for seen in server.seen] == ["/alerts?accountId=acme&state=firing&limit=20", "/alerts?nextToken=n1"]
    assert "ic-01/cpu" in listed.stdout and "critical" in listed.stdout and "Alerts of acme (firing)" in listed.stdout
    assert "--next-token n1" in listed.stderr
    assert "--state" in dss("alerts", "list", "--state", "ringing", expect=2).stderr


def test_alerts_groups_lists_incidents_by_status(dss, server):  # noqa: F811
    server.script = [Reply(200, body({"items": [GROUP]}))]

    listed = dss("alerts", "groups", "--account", "acme", "--state", "held")

    assert server.seen[0].path == "/alerts/groups?accountId=acme&state=held"
    assert GROUP_ID in listed.stdout and "held" in listed.stdout and "2026-12-08T12:00:00.000Z" in listed.stdout


def test_open_case_is_retried_with_the_same_idempotency_key_and_says_what_it_did(dss, server):  # noqa: F811
    server.script = [BUSY, Reply(200, body({**GROUP, "status": "requested"}))]

    opened = dss("alerts", "open-case", GROUP_ID)

    assert [(seen.method, seen.path) for seen in server.seen] == [("POST", f"/alerts/groups/{GROUP_ID}/case")] * 2
    keys = {seen.headers.get("Idempotency-Key") for seen in server.seen}
    assert len(keys) == 1 and keys.pop().startswith("dss-cli-")
    assert f"Asked for the case of incident {GROUP_ID} (acme)" in opened.stderr and "requested" in opened.stdout


def test_open_case_refused_is_one_line_with_the_apis_message(dss, server):  # noqa: F811
    message = "Incident x already has case 0000000042; work there instead of opening another."
    server.script = [Reply(409, body({"error": "case_already_requested", "message": message}))]

    refused = dss("alerts", "open-case", GROUP_ID, "--idempotency-key", "mine", expect=1)

    assert server.seen[0].headers["Idempotency-Key"] == "mine"
    assert "0000000042" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
