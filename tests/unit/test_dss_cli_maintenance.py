"""dss CLI: `dss alerts windows list|create|end|cancel` and `dss alerts insights` (dss_cli/commands/alerts.py, the
maintenance and insights calls of dss_cli/api.py) against a scripted API on the loopback: the request each option
makes, a new window retried with one Idempotency-Key, a change and a cancellation sent once, times checked before
anything is sent, and the API's refusal as one line."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from dss_cli.commands.alerts import instant, iso
from tests.unit.test_dss_cli_alerts import BUSY, body, dss  # noqa: F401 (the fixture)
from tests.unit.test_dss_cli_http import Reply, server  # noqa: F401 (the fixture)

WINDOW_ID = "0193a5c2e1f04b7d9c3e2a1f5b6c7d8e"
WINDOW = {
    "windowId": WINDOW_ID, "accountId": "acme", "caseNumber": "0000000042", "startsAt": "2026-12-09T02:00:00.000Z",
    "endsAt": "2026-12-09T06:00:00.000Z", "devices": ["ic-01", "sw-02"], "status": "scheduled", "suppressedCount": 0,
    "createdBy": {"userId": "u-erin", "role": "engineers"}, "createdAt": "2026-12-08T15:00:00.000Z",
    "modifiedAt": "2026-12-08T15:00:00.000Z", "version": 1,
}  # fmt: skip
ALERT_LINE = {
    "dedupKey": "ic-01/disk", "device": "ic-01", "severity": "warning", "summary": "disk 95%", "state": "resolved", "instance": 3,
    "triggerCount": 1, "flapping": False, "transitions": 2, "lastReceivedAt": "2026-12-08T14:00:00.000Z",
}  # fmt: skip
INSIGHTS = {
    "accountId": "acme", "days": 30, "since": "2026-11-08T15:00:00.000Z", "alertsExamined": 5, "complete": True,
    "recurring": [ALERT_LINE], "recurringTotal": 1, "flapping": [], "flappingTotal": 0,
    "devices": [{"device": "ic-01", "alertCount": 2, "firingCount": 1, "triggerCount": 13, "flappingCount": 0,
                 "lastReceivedAt": "2026-12-08T14:00:00.000Z"}],
    "devicesTotal": 1,
}  # fmt: skip


def sent(seen) -> dict:
    return json.loads(seen.body)


def test_windows_list_asks_for_one_page_with_the_options_given(dss, server):  # noqa: F811
    server.script = [Reply(200, body({"items": [WINDOW], "nextToken": "n1"})), Reply(200, body({"items": []}))]

    listed = dss("alerts", "windows", "list", "--account", "acme", "--state", "scheduled", "--limit", "5")
    dss("alerts", "windows", "list", "--next-token", "n1", "--json")

    paths = [seen.path for seen in server.seen]
    assert paths == ["/alerts/maintenance-windows?accountId=acme&state=scheduled&limit=5", "/alerts/maintenance-windows?nextToken=n1"]
    assert WINDOW_ID in listed.stdout and "ic-01, sw-02" in listed.stdout and "0000000042" in listed.stdout
    assert "--next-token n1" in listed.stderr
    assert "--state" in dss("alerts", "windows", "list", "--state", "paused", expect=2).stderr


def test_create_sends_the_window_and_retries_with_one_idempotency_key(dss, server):  # noqa: F811
    server.script = [BUSY, Reply(201, body(WINDOW))]

    created = dss(
        "alerts", "windows", "create", "--account", "acme", "--case", "42", "--starts", "2026-12-08T21:00-05:00", "--hours", "4",
        "--device", "ic-01", "--device", "sw-02",
    )  # fmt: skip

    assert [(seen.method, seen.path) for seen in server.seen] == [("POST", "/alerts/maintenance-windows")] * 2
    assert sent(server.seen[0]) == {
        "accountId": "acme", "caseNumber": "0000000042", "startsAt": "2026-12-09T02:00:00.000Z", "endsAt": "2026-12-09T06:00:00.000Z",
        "devices": ["ic-01", "sw-02"],
    }  # fmt: skip
    keys = {seen.headers.get("Idempotency-Key") for seen in server.seen}
    assert len(keys) == 1 and keys.pop().startswith("dss-cli-")
    assert f"Window {WINDOW_ID} is scheduled" in created.stderr and "10 minutes after 2026-12-09T06:00:00.000Z" in created.stderr
    assert "scheduled" in created.stdout


def test_create_starts_now_by_default_and_takes_an_end_instead_of_hours(dss, server):  # noqa: F811
    server.script = [Reply(201, body({**WINDOW, "status": "active"}))]
    before = datetime.now(UTC)

    dss("alerts", "windows", "create", "--account", "acme", "--case", "0000000042", "--ends", "2026-12-09T06:00Z", "--json")

    request = sent(server.seen[0])
    assert before - timedelta(seconds=1) <= datetime.fromisoformat(request["startsAt"]) <= datetime.now(UTC)
    assert request["endsAt"] == "2026-12-09T06:00:00.000Z" and "devices" not in request


def test_create_refuses_bad_times_before_sending_anything(dss, server):  # noqa: F811
    base = ("alerts", "windows", "create", "--account", "acme", "--case", "42")
    assert "--ends / --hours" in dss(*base, expect=2).stderr  # neither
    assert "--ends / --hours" in dss(*base, "--ends", "now", "--hours", "2", expect=2).stderr  # both
    assert "no offset" in dss(*base, "--starts", "2026-12-08T21:00", "--hours", "2", expect=2).stderr
    assert "not a time" in dss(*base, "--ends", "tomorrow", expect=2).stderr
    assert "--hours" in dss(*base, "--hours", "73", expect=2).stderr
    assert server.seen == []


def test_end_patches_the_end_once_and_cancel_posts_once(dss, server):  # noqa: F811
    server.script = [Reply(200, body({**WINDOW, "status": "active"})), Reply(200, body({**WINDOW, "status": "cancelled"}))]

    ended = dss("alerts", "windows", "end", WINDOW_ID, "--at", "2026-12-09T04:00Z")
    cancelled = dss("alerts", "windows", "cancel", WINDOW_ID, "--json")

    assert [(seen.method, seen.path) for seen in server.seen] == [
        ("PATCH", f"/alerts/maintenance-windows/{WINDOW_ID}"),
        ("POST", f"/alerts/maintenance-windows/{WINDOW_ID}/cancel"),
    ]
    assert sent(server.seen[0]) == {"endsAt": "2026-12-09T04:00:00.000Z"}
    assert "silenced 10 minutes more" in ended.stderr
    assert json.loads(cancelled.stdout)["status"] == "cancelled"


def test_a_refusal_is_one_line_and_a_busy_change_is_not_repeated(dss, server):  # noqa: F811
    message = "The window is active: only its end can change (send endsAt; now ends it)."
    server.script = [Reply(409, body({"error": "window_active", "message": message})), BUSY]

    refused = dss("alerts", "windows", "cancel", WINDOW_ID, expect=1)
    busy = dss("alerts", "windows", "end", WINDOW_ID, expect=1)

    assert "only its end can change" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert len(server.seen) == 2 and busy.stderr.strip()  # the PATCH sent once: its "now" would be stale on a retry


def test_insights_prints_the_three_lists_with_their_totals(dss, server):  # noqa: F811
    server.script = [Reply(200, body(INSIGHTS)), Reply(200, body({**INSIGHTS, "complete": False}))]

    shown = dss("alerts", "insights", "--account", "acme", "--days", "30")
    partial = dss("alerts", "insights", "--account", "acme")

    assert [seen.path for seen in server.seen] == ["/alerts/insights?accountId=acme&days=30", "/alerts/insights?accountId=acme&days=7"]
    assert "Recurring alerts of acme, last 30 days (1 of 1)" in shown.stdout and "ic-01/disk" in shown.stdout
    assert "Flapping alerts" in shown.stdout and "Alerts per device" in shown.stdout and "13" in shown.stdout
    assert "alertReferences" in shown.stderr and "Only the first 5 alerts" in partial.stderr
    assert "--days" in dss("alerts", "insights", "--account", "acme", "--days", "91", expect=2).stderr
    assert "--account" in dss("alerts", "insights", expect=2).stderr


def test_times_are_sent_in_utc_with_milliseconds():
    assert iso(instant("2026-12-08T21:00:00-05:00", "--starts")) == "2026-12-09T02:00:00.000Z"
    assert iso(instant(" 2026-12-09T02:00:00.5Z ", "--starts")) == "2026-12-09T02:00:00.500Z"
