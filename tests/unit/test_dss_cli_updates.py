"""dss CLI: `dss updates …` (dss_cli/commands/updates.py, the platform-update calls of dss_cli/api.py) against a scripted
API on the loopback: the request each command makes, an installation request retried with one Idempotency-Key (and the
key named when no answer came), a platform set from options on the version read (If-Match), the options refused before
anything is sent, and the API's refusal as one line with exit code 1. The real handlers: tests/integration/test_dss_updates_cli.py."""

from __future__ import annotations

import json

from tests.unit.test_dss_cli_alerts import BUSY, body, dss  # noqa: F401 (the fixture)
from tests.unit.test_dss_cli_http import Reply, server  # noqa: F401 (the fixture)

ACTOR = {"userId": "u-erin", "role": "engineers", "contactId": None}
PLATFORM = {
    "accountId": "acme", "release": "2026 R4", "patches": ["ES-101"], "fiscalYearStartMonth": 7, "releaseUpgradesPerQuarter": 1,
    "gatewayUpdatesPerContractYear": 1, "modifiedAt": "2026-12-08T20:00:00.000Z", "modifiedBy": ACTOR, "version": 4,
    "gateways": [
        {"gatewayId": "gw-old", "gatewayType": "interaction-gateway", "installedUpdate": "SU1", "currentGa": "SU4", "updatesBehind": 3,
         "behindGa": True},
        {"gatewayId": "gw-ac", "gatewayType": "audiocodes", "installedUpdate": None, "currentGa": None, "updatesBehind": None,
         "behindGa": False},
    ],
}  # fmt: skip
CASE = {"caseNumber": "0000000043", "subject": "Installation: Release 2026 R4", "caseType": "Service Request", "priority": "3-Medium",
        "status": "Open", "accountId": "acme", "contactId": "c-alice", "installation": {"quota": "Release upgrade, Q4 2026"}}  # fmt: skip
ACCEPTED = {"case": CASE, "resolvedCases": [{"caseNumber": "0000000041"}],
            "rule": {"code": "allowed", "message": "This Release uses the account's Release upgrade for Q4 2026."}}  # fmt: skip
RELEASE = ("updates", "request", "--account", "acme", "--kind", "release", "--reason", "known-scr", "--scr", "SCR-1",
           "--system-impacting", "--release", "2026 R4")  # fmt: skip


def sent(seen) -> dict:
    return json.loads(seen.body)


def test_a_request_is_retried_with_one_key_and_prints_its_installation_case(dss, server):  # noqa: F811
    server.script = [BUSY, Reply(201, body(ACCEPTED))]

    accepted = dss(*RELEASE, "--resolves", "41", "--notes", "After hours")

    assert [(seen.method, seen.path) for seen in server.seen] == [("POST", "/maintenance/requests")] * 2
    keys = {seen.headers.get("Idempotency-Key") for seen in server.seen}
    assert len(keys) == 1 and keys.pop().startswith("dss-cli-")
    assert sent(server.seen[0]) == {
        "accountId": "acme", "kind": "release", "reason": "known-scr", "target": {"release": "2026 R4"}, "scrs": ["SCR-1"],
        "systemImpacting": True, "resolvesCases": ["0000000041"], "notes": "After hours",
    }  # fmt: skip
    assert accepted.stdout.startswith("Installation case 0000000043 opened: Installation: Release 2026 R4\n")
    assert "Release upgrade, Q4 2026" in accepted.stdout and "0000000041" in accepted.stdout


def test_when_no_answer_comes_the_key_to_repeat_it_with_is_named(dss, server):  # noqa: F811
    server.script = [BUSY, BUSY, BUSY]

    failed = dss(*RELEASE, "--idempotency-key", "mine", expect=1)

    assert {seen.headers["Idempotency-Key"] for seen in server.seen} == {"mine"} and len(server.seen) == 3
    assert "repeat with --idempotency-key mine" in failed.stderr and "(unavailable; HTTP 503)" in failed.stderr


def test_check_asks_the_rules_and_a_refusal_is_the_rules_line(dss, server):  # noqa: F811
    message = "The gateway is only 1 update behind the current GA (SU4); behind-ga needs 3 or more."
    server.script = [Reply(200, body({"code": "allowed", "message": "Every update asked for is validated."})),
                     Reply(422, body({"error": "not_behind_ga", "message": message, "field": "reason"}))]  # fmt: skip

    allowed = dss("updates", "request", "--account", "acme", "--kind", "windows-update", "--reason", "feature", "--feature", "TLS",
                  "--kb", "kb5034441", "--kb", "KB890830", "--check")  # fmt: skip
    refused = dss("updates", "request", "--account", "acme", "--kind", "gateway-update", "--reason", "behind-ga", "--gateway", "gw-1",
                  "--update", "SU4", "--check", expect=1)  # fmt: skip

    assert [seen.path for seen in server.seen] == ["/maintenance/requests/check"] * 2
    assert "Idempotency-Key" not in server.seen[0].headers
    assert sent(server.seen[0])["target"] == {"kbs": ["KB5034441", "KB890830"]}
    assert sent(server.seen[1])["target"] == {"gateways": ["gw-1"], "update": "SU4"}
    assert allowed.stdout == "Allowed: Every update asked for is validated. (allowed)\n" and "Nothing was written" in allowed.stderr
    assert refused.stdout == "" and refused.stderr == f"Error: {message} (not_behind_ga, field reason; HTTP 422)\n"


def test_a_target_that_does_not_fit_the_kind_is_refused_before_anything_is_sent(dss, server):  # noqa: F811
    base = ("updates", "request", "--account", "acme", "--reason", "known-scr")
    assert "--kb" in dss(*base, "--kind", "windows-update", expect=2).stderr
    assert "--update" in dss(*base, "--kind", "gateway-update", "--gateway", "gw-1", expect=2).stderr
    assert "--release" in dss(*base, "--kind", "patch", "--patch", "ES-1", "--release", "2026 R4", expect=2).stderr
    assert "YYYY-MM-DD" in dss("updates", "record", "KB5034441", "--title", "T", "--classification", "Tool", "--released", "12/8",
                               expect=2).stderr  # fmt: skip
    assert server.seen == []


def test_platform_set_from_options_changes_only_those_on_the_version_read(dss, server):  # noqa: F811
    server.script = [Reply(200, body(PLATFORM)), Reply(200, body({**PLATFORM, "version": 5}))]

    dss("updates", "platform", "set", "acme", "--gateway", "gw-new,interaction-gateway,SU4", "--gateway", "gw-old,interaction-gateway,SU2",
        "--remove-gateway", "gw-ac", "--patches", "", "--gateway-updates", "2")  # fmt: skip

    assert [(seen.method, seen.path) for seen in server.seen] == [("GET", "/accounts/acme/platform"), ("PUT", "/accounts/acme/platform")]
    assert server.seen[1].headers["If-Match"] == '"4"'
    assert sent(server.seen[1]) == {
        "release": "2026 R4", "patches": [], "fiscalYearStartMonth": 7, "releaseUpgradesPerQuarter": 1, "gatewayUpdatesPerContractYear": 2,
        "gateways": [{"gatewayId": "gw-old", "gatewayType": "interaction-gateway", "installedUpdate": "SU2"},
                     {"gatewayId": "gw-new", "gatewayType": "interaction-gateway", "installedUpdate": "SU4"}],
    }  # fmt: skip


def test_platform_set_from_a_file_sends_it_whole_without_reading(dss, server, tmp_path):  # noqa: F811
    saved = tmp_path / "platform.json"
    saved.write_text(json.dumps(PLATFORM))
    server.script = [Reply(200, body(PLATFORM))]

    dss("updates", "platform", "set", "acme", "--file", str(saved), "--release", "")

    (put,) = server.seen
    assert (put.method, put.path) == ("PUT", "/accounts/acme/platform") and "If-Match" not in put.headers
    assert sent(put)["release"] is None and sent(put)["gateways"][1] == {"gatewayId": "gw-ac", "gatewayType": "audiocodes"}
    assert "nothing to change" in dss("updates", "platform", "set", "acme", expect=2).stderr
    assert "ID,TYPE" in dss("updates", "platform", "set", "acme", "--file", str(saved), "--gateway", "gw-1", expect=2).stderr


def test_a_412_says_the_platform_changed_meanwhile(dss, server):  # noqa: F811
    message = "The platform changed since you read it (version 5); read it again and retry."
    server.script = [Reply(200, body(PLATFORM)), Reply(412, body({"error": "precondition_failed", "message": message}))]

    refused = dss("updates", "platform", "set", "acme", "--release", "2027 R1", expect=1)

    assert len(server.seen) == 2 and refused.stderr == f"Error: {message} (precondition_failed; HTTP 412)\n"


def test_the_catalog_and_the_windows_update_calls(dss, server):  # noqa: F811
    catalog = {"gatewayType": "audiocodes", "name": None, "updates": ["7.20A", "7.40A"], "currentGa": "7.40A",
               "modifiedAt": "2026-12-08T20:00:00.000Z", "modifiedBy": ACTOR, "version": 2}  # fmt: skip
    update = {"kb": "KB5034441", "title": "[Preview] Cumulative Update", "classification": "Security", "msrcSeverity": "Critical",
              "products": [], "releasedOn": "2026-12-08", "expectedOn": "2026-12-15", "status": "rejected", "critical": True,
              "rejectionReason": "Breaks the IC server's TLS", "recordedAt": "2026-12-08T20:00:00.000Z", "recordedBy": ACTOR,
              "version": 2}  # fmt: skip
    server.script = [Reply(200, body(catalog)), Reply(200, body({"items": [update], "nextToken": "n1"})), Reply(200, body(update)),
                     Reply(409, body({"error": "kb_decided", "message": "KB5034441 is rejected already."}))]  # fmt: skip

    dss("updates", "catalog", "set", "audiocodes", "7.20A", "7.40A", "--expect-version", "1")
    listed = dss("updates", "list", "--status", "rejected", "--limit", "10")
    rejected = dss("updates", "reject", "kb5034441", "--reason", "Breaks the IC server's TLS")
    again = dss("updates", "validate", "KB5034441", expect=1)

    assert [(seen.method, seen.path) for seen in server.seen] == [
        ("PUT", "/maintenance/gateway-catalog/audiocodes"),
        ("GET", "/maintenance/windows-updates?status=rejected&limit=10"),
        ("POST", "/maintenance/windows-updates/KB5034441/reject"),
        ("POST", "/maintenance/windows-updates/KB5034441/validate"),
    ]
    assert server.seen[0].headers["If-Match"] == '"1"' and sent(server.seen[0]) == {"updates": ["7.20A", "7.40A"]}
    assert sent(server.seen[2]) == {"reason": "Breaks the IC server's TLS"} and sent(server.seen[3]) == {}
    assert "[Preview] Cumulative Update" in listed.stdout and "--next-token n1" in listed.stderr
    assert "Breaks the IC server's TLS" in rejected.stdout and "Rejected KB5034441" in rejected.stderr
    assert again.stderr == "Error: KB5034441 is rejected already. (kb_decided; HTTP 409)\n"
