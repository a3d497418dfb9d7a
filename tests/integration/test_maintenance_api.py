"""The maintenance windows API and proactive insights through the real alerts API handler under moto: staff
schedule a window naming the account's case (201; its checks, its Idempotency-Key), everyone lists and reads the
windows they may see (one Query a page, tenant isolation), staff change and cancel them by the rules of
functions/alerts/logic/maintenance.py (refusals as 4xx JSON); insights on alerts made by the real processor
(tests/integration/test_alert_processor.py's helpers)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from bench.aws_calls import count_aws_calls
from functions.alerts.logic.dependencies import dependencies
from functions.shared.clock import FixedClock, to_iso
from local.demo_directory import EXAMPLE_SUPPORT_CASE
from tests.integration.test_alert_processor import TUESDAY_10_ET, items, monitoring_events, process, resolve, trigger
from tests.integration.test_alert_reads import call, every_page
from tests.integration.test_incident_lifecycle import run_step

NOW = TUESDAY_10_ET
PATH = "/alerts/maintenance-windows"
ANSWER_FIELDS = {
    "windowId", "accountId", "caseNumber", "startsAt", "endsAt", "devices", "status", "suppressedCount", "createdBy", "createdAt",
    "modifiedAt", "version",
}  # fmt: skip


def at(moment) -> None:
    """The alerts API (and processor) act at `moment`."""
    dependencies().clock = FixedClock(moment)


def open_case(local_aws, user: str) -> str:
    created = local_aws.call("POST", "/cases", user=user, body={**EXAMPLE_SUPPORT_CASE, "subject": "Switch firmware upgrade"})
    assert created.status == 201, created
    return created.body["caseNumber"]


@pytest.fixture
def cases(local_aws) -> dict[str, str]:
    """A case of acme's and one of globex's; the API's clock at NOW."""
    numbers = {"acme": open_case(local_aws, "customer"), "globex": open_case(local_aws, "other_customer")}
    at(NOW)
    return numbers


def window_body(case_number: str, *, account: str = "acme", starts=NOW, hours: float = 2, devices: list[str] | None = None) -> dict:
    body = {"accountId": account, "caseNumber": case_number, "startsAt": to_iso(starts), "endsAt": to_iso(starts + timedelta(hours=hours))}
    return body | ({"devices": devices} if devices else {})


def schedule(local_aws, body: dict, **kwargs) -> dict:
    created = call(local_aws, "POST", PATH, body=body, **kwargs)
    assert created.status == 201, created
    return created.body


def window_items(local_aws, account: str = "acme") -> list[dict]:
    return items(local_aws, "WINDOW#", account)


# --- scheduling -----------------------------------------------------------------------------------------------------


def test_staff_schedule_a_window_of_the_accounts_case_in_one_read_and_one_write(local_aws, cases):
    monitoring_events(local_aws)
    body = window_body(cases["acme"], starts=NOW + timedelta(hours=1), devices=["ic-01", "sw-02"])

    with count_aws_calls() as calls:
        created = call(local_aws, "POST", PATH, body=body)

    assert created.status == 201, created
    window = created.body
    assert set(window) == ANSWER_FIELDS  # never the timers' tokens
    assert (window["accountId"], window["caseNumber"], window["status"], window["version"]) == ("acme", cases["acme"], "scheduled", 1)
    assert (window["startsAt"], window["endsAt"], window["devices"]) == (body["startsAt"], body["endsAt"], ["ic-01", "sw-02"])
    assert (window["suppressedCount"], window["createdBy"], window["createdAt"]) == (
        0,
        {"userId": "u-erin", "role": "engineers", "contactId": None},
        to_iso(NOW),
    )
    assert created.headers["location"] == f"{PATH}/{window['windowId']}" and created.headers["etag"] == '"1"'
    # The account and its case (one TransactGetItems), the account's live windows, then the change.
    assert calls == Counter({("DynamoDB", "TransactGetItems"): 1, ("DynamoDB", "GetItem"): 1, ("DynamoDB", "TransactWriteItems"): 1})
    kinds = [event["detail-type"] for event in monitoring_events(local_aws)]
    assert kinds.count("MaintenanceWindowScheduled") == 1 and kinds.count("MonitoringTimerStarted") == 2  # its start, its end

    started = schedule(local_aws, window_body(cases["acme"]), user="manager")  # starting now: active at once
    assert (started["status"], started["devices"], started["createdBy"]["role"]) == ("active", None, "support-managers")


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"endsAt": to_iso(NOW + timedelta(hours=72, seconds=1))}, "endsAt", "at most 72 hours"),
        ({"endsAt": to_iso(NOW)}, "endsAt", "after startsAt"),
        ({"startsAt": to_iso(NOW - timedelta(hours=3)), "endsAt": to_iso(NOW - timedelta(minutes=1))}, "endsAt", "in the past"),
        ({"caseNumber": "42"}, "caseNumber", "caseNumber"),
        ({"devices": []}, "devices", "devices"),
        ({"startsAt": "tomorrow"}, "startsAt", "startsAt"),
        ({"color": "red"}, "color", "unknown field"),
    ],
)
def test_a_window_is_validated_and_refused_with_what_to_fix(local_aws, cases, change, field, words):
    refused = call(local_aws, "POST", PATH, body={**window_body(cases["acme"]), **change})

    assert (refused.status, refused.body["error"], refused.body.get("field")) == (422, "validation_error", field), refused
    assert words in refused.body["message"]
    assert window_items(local_aws) == []


def test_the_account_must_exist_and_the_case_be_its_own(local_aws, cases):
    unknown = call(local_aws, "POST", PATH, body=window_body(cases["acme"], account="nope"))
    assert (unknown.status, unknown.body["error"], unknown.body["field"]) == (404, "not_found", "accountId")

    for number in (cases["globex"], "0009999999"):  # another account's case; no such case
        wrong = call(local_aws, "POST", PATH, body=window_body(number))
        assert (wrong.status, wrong.body["error"], wrong.body["field"]) == (422, "case_not_of_account", "caseNumber"), number
        assert f"Case {number} is not a case of account acme" in wrong.body["message"]
    assert window_items(local_aws) == [] and window_items(local_aws, "nope") == []


def test_customers_may_not_schedule_change_or_cancel(local_aws, cases):
    window = schedule(local_aws, window_body(cases["acme"], starts=NOW + timedelta(hours=1)))

    for method, path, body in (
        ("POST", PATH, window_body(cases["acme"])),
        ("PATCH", f"{PATH}/{window['windowId']}", {"endsAt": to_iso(NOW + timedelta(hours=2))}),
        ("POST", f"{PATH}/{window['windowId']}/cancel", None),
    ):
        refused = call(local_aws, method, path, user="customer", body=body)
        assert (refused.status, refused.body["error"]) == (403, "forbidden"), (method, path)
        assert "maintenance case" in refused.body["message"]
    assert call(local_aws, "GET", f"{PATH}/{window['windowId']}").body == window  # unchanged


def test_an_idempotency_key_makes_one_window_and_replays_it(local_aws, cases):
    monitoring_events(local_aws)
    body, headers = window_body(cases["acme"], starts=NOW + timedelta(hours=1)), {"Idempotency-Key": "upgrade-1"}

    first = call(local_aws, "POST", PATH, body=body, headers=headers)
    replay = call(local_aws, "POST", PATH, body=body, headers=headers)

    assert first.status == replay.status == 201
    assert replay.body == first.body and replay.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert len(window_items(local_aws)) == 1
    assert [event["detail-type"] for event in monitoring_events(local_aws)].count("MaintenanceWindowScheduled") == 1
    other = call(local_aws, "POST", PATH, body={**body, "endsAt": to_iso(NOW + timedelta(hours=4))}, headers=headers)
    assert (other.status, other.body["error"]) == (409, "idempotency_key_reused")
    manager = call(local_aws, "POST", PATH, body=body, headers=headers, user="manager")  # keys are the caller's own
    assert manager.status == 201 and manager.body["windowId"] != first.body["windowId"]


def test_a_key_claimed_by_a_try_that_stopped_before_its_window_schedules_it_under_that_id(local_aws, cases, monkeypatch):
    from functions.alerts.logic import window_requests

    body, headers = window_body(cases["acme"]), {"Idempotency-Key": "upgrade-2"}

    def stops(*args, **kwargs):
        raise RuntimeError("the Lambda timed out")

    monkeypatch.setattr(window_requests, "schedule_window", stops)
    assert call(local_aws, "POST", PATH, body=body, headers=headers).status == 500
    monkeypatch.undo()
    retried = call(local_aws, "POST", PATH, body=body, headers=headers)
    again = call(local_aws, "POST", PATH, body=body, headers=headers)

    assert retried.status == again.status == 201 and "idempotent-replayed" not in retried.headers
    assert again.body == retried.body and again.headers["idempotent-replayed"] == "true"
    assert [window["window_id"] for window in window_items(local_aws)] == [retried.body["windowId"]]


# --- listing and reading --------------------------------------------------------------------------------------------


@pytest.fixture
def windows(local_aws, cases) -> list[str]:
    """acme's four windows (the last scheduled first): cancelled, scheduled, scheduled, active; globex's one."""
    ids = []
    for hours in (1, 2, 3, 0):
        at(NOW + timedelta(minutes=len(ids)))  # ids begin with their scheduling time
        ids.append(schedule(local_aws, window_body(cases["acme"], starts=NOW + timedelta(hours=hours)))["windowId"])
    assert call(local_aws, "POST", f"{PATH}/{ids[0]}/cancel").status == 200
    schedule(local_aws, window_body(cases["globex"], account="globex"))
    at(NOW + timedelta(minutes=5))
    return list(reversed(ids))


def test_an_accounts_windows_last_first_one_query_a_page(local_aws, windows):
    pages = every_page(local_aws, PATH, {"accountId": "acme", "limit": "3"})

    assert [[window["windowId"] for window in page] for page in pages] == [windows[:3], windows[3:]]
    assert [window["status"] for page in pages for window in page] == ["active", "scheduled", "scheduled", "cancelled"]
    assert all(set(window) == ANSWER_FIELDS for page in pages for window in page)


def test_windows_by_state_one_query_a_page(local_aws, windows):
    def listed(state: str) -> list[str]:
        return [
            window["windowId"]
            for page in every_page(local_aws, PATH, {"accountId": "acme", "state": state, "limit": "1"})
            for window in page
        ]

    assert listed("scheduled") == windows[1:3]
    assert listed("active") == windows[:1]
    assert listed("cancelled") == windows[3:]
    assert listed("ended") == []
    wrong = call(local_aws, "GET", PATH, query={"accountId": "acme", "state": "paused"})
    assert (wrong.status, wrong.body["field"]) == (422, "state")


def test_customers_see_their_own_accounts_windows_and_no_others(local_aws, windows):
    own = call(local_aws, "GET", PATH, user="customer")
    assert own.status == 200 and [window["windowId"] for window in own.body["items"]] == windows
    other = call(local_aws, "GET", PATH, user="customer", query={"accountId": "globex"})
    assert (other.status, other.body["error"], other.body["field"]) == (404, "not_found", "accountId")
    (globex,) = call(local_aws, "GET", PATH, user="other_customer").body["items"]
    assert globex["accountId"] == "globex"
    assert (call(local_aws, "GET", PATH).status, call(local_aws, "GET", PATH).body["field"]) == (422, "accountId")  # staff name it

    for user in ("customer", "engineer", "manager"):
        found = call(local_aws, "GET", f"{PATH}/{windows[0]}", user=user)
        assert (found.status, found.body["windowId"], found.headers["etag"]) == (200, windows[0], '"1"'), user
    assert call(local_aws, "GET", f"{PATH}/{globex['windowId']}", user="engineer").status == 200
    for user, window_id in (("customer", globex["windowId"]), ("other_customer", windows[0])):
        refused = call(local_aws, "GET", f"{PATH}/{window_id}", user=user)
        assert (refused.status, refused.body["error"]) == (404, "not_found"), user
        assert "GET /alerts/maintenance-windows" in refused.body["message"]
    assert call(local_aws, "GET", f"{PATH}/{'0' * 32}").status == 404
    assert call(local_aws, "GET", f"{PATH}/not-a-window").status == 422


def test_a_page_token_is_the_callers_and_the_listings(local_aws, windows):
    token = call(local_aws, "GET", PATH, query={"accountId": "acme", "limit": "1"}).body["nextToken"]
    for user, query in (
        ("manager", {"accountId": "acme"}),
        ("engineer", {"accountId": "acme", "state": "scheduled"}),
        ("engineer", {"accountId": "globex"}),
    ):
        refused = call(local_aws, "GET", PATH, user=user, query={**query, "nextToken": token})
        assert (refused.status, refused.body["error"]) == (400, "invalid_next_token"), (user, query)
    assert call(local_aws, "GET", "/alerts", query={"accountId": "acme", "nextToken": token}).status == 400


# --- changing and cancelling ----------------------------------------------------------------------------------------


def test_before_its_start_a_window_changes_its_times_and_devices(local_aws, cases):
    window = schedule(local_aws, window_body(cases["acme"], starts=NOW + timedelta(hours=1)))
    path = f"{PATH}/{window['windowId']}"

    changed = call(local_aws, "PATCH", path, body={"startsAt": to_iso(NOW + timedelta(hours=2)), "devices": ["ic-01"]})

    assert changed.status == 200, changed
    assert (changed.body["startsAt"], changed.body["endsAt"]) == (to_iso(NOW + timedelta(hours=2)), window["endsAt"])
    assert (changed.body["devices"], changed.body["version"], changed.headers["etag"]) == (["ic-01"], 2, '"2"')
    assert set(changed.body) == ANSWER_FIELDS
    assert call(local_aws, "GET", path).body == changed.body

    for body, words in (
        ({"endsAt": to_iso(NOW + timedelta(hours=75))}, "at most 72 hours"),
        ({"endsAt": to_iso(NOW + timedelta(hours=1))}, "after startsAt"),
        ({}, "Send what changes"),
    ):
        refused = call(local_aws, "PATCH", path, body=body)
        assert (refused.status, refused.body["error"]) == (422, "validation_error"), body
        assert words in refused.body["message"]
    assert call(local_aws, "GET", path).body["version"] == 2
    assert call(local_aws, "PATCH", f"{PATH}/{'0' * 32}", body={"endsAt": window["endsAt"]}).status == 404
    unknown = call(local_aws, "PATCH", path, body={"state": "active"})
    assert (unknown.status, unknown.body["field"]) == (422, "state")


def test_once_active_only_its_end_changes_and_the_current_time_ends_it(local_aws, cases):
    window = schedule(local_aws, window_body(cases["acme"], starts=NOW - timedelta(minutes=30)))
    path = f"{PATH}/{window['windowId']}"
    assert window["status"] == "active"

    for body in ({"devices": ["ic-01"]}, {"startsAt": to_iso(NOW + timedelta(minutes=5))}):
        refused = call(local_aws, "PATCH", path, body=body)
        assert (refused.status, refused.body["error"]) == (409, "window_active"), body
        assert "only its end can change" in refused.body["message"]
    past = call(local_aws, "PATCH", path, body={"endsAt": to_iso(NOW - timedelta(minutes=3))})
    assert (past.status, past.body["field"]) == (422, "endsAt") and "send the current time" in past.body["message"]
    cancel = call(local_aws, "POST", f"{path}/cancel")
    assert (cancel.status, cancel.body["error"]) == (409, "window_active") and "PATCH endsAt" in cancel.body["message"]

    later = call(local_aws, "PATCH", path, body={"endsAt": to_iso(NOW + timedelta(hours=3))})
    assert (later.status, later.body["endsAt"], later.body["status"]) == (200, to_iso(NOW + timedelta(hours=3)), "active")
    # "Now" as the client's clock said it, a moment before ours: the window ends at our now.
    ended_now = call(local_aws, "PATCH", path, body={"endsAt": to_iso(NOW - timedelta(seconds=30))})
    assert (ended_now.status, ended_now.body["endsAt"], ended_now.body["version"]) == (200, to_iso(NOW), 3)

    # Its end step (after the settle time) ends it: then nothing changes it any more.
    stored = dependencies().window_store.read_window(window["windowId"])
    assert run_step(stored.model_dump(mode="json") | {"group_id": window["windowId"]}, "window-end") is True
    at(NOW + timedelta(minutes=11))
    assert call(local_aws, "GET", path).body["status"] == "ended"
    for method, route, body in (("PATCH", path, {"endsAt": to_iso(NOW + timedelta(hours=1))}), ("POST", f"{path}/cancel", None)):
        refused = call(local_aws, method, route, body=body)
        assert (refused.status, refused.body["error"]) == (409, "window_ended"), method
        assert "schedule a new one" in refused.body["message"]


def test_a_window_not_started_yet_is_cancelled_once(local_aws, cases):
    window = schedule(local_aws, window_body(cases["acme"], starts=NOW + timedelta(hours=1)))
    path = f"{PATH}/{window['windowId']}"
    monitoring_events(local_aws)

    cancelled = call(local_aws, "POST", f"{path}/cancel", user="manager")

    assert cancelled.status == 200, cancelled
    assert (cancelled.body["status"], cancelled.body["version"], cancelled.headers["etag"]) == ("cancelled", 2, '"2"')
    assert [event["detail-type"] for event in monitoring_events(local_aws)] == ["MaintenanceWindowCancelled"]
    for method, body in (("POST", None), ("PATCH", {"endsAt": window["endsAt"]})):
        refused = call(local_aws, method, f"{path}/cancel" if method == "POST" else path, body=body)
        assert (refused.status, refused.body["error"]) == (409, "window_cancelled"), method
    assert call(local_aws, "POST", f"{PATH}/{'0' * 32}/cancel").status == 404


# --- proactive insights ---------------------------------------------------------------------------------------------


@pytest.fixture
def alert_history(local_aws):
    """acme: ic-01/disk fired three times (recurring), ic-01/cpu was triggered 12 times, sw-02/link flapped, ic-02/fan
    fired once; ic-03/old fired twice, but 10 days ago. globex: one recurring alert."""
    old = NOW - timedelta(days=10)
    events = [trigger("acme", "ic-03/old", device="ic-03", at=old, event_id="o1")]
    process(events, now=old)
    process([resolve("acme", "ic-03/old", at=old + timedelta(minutes=1), event_id="o2")], now=old + timedelta(minutes=1))
    process([trigger("acme", "ic-03/old", device="ic-03", at=old + timedelta(minutes=2), event_id="o3")], now=old + timedelta(minutes=2))
    for minute in range(3):  # disk: three instances
        moment = NOW - timedelta(days=2) + timedelta(hours=minute)
        process([trigger("acme", "ic-01/disk", at=moment, event_id=f"d{minute}", severity="warning")], now=moment)
        process(
            [resolve("acme", "ic-01/disk", at=moment + timedelta(minutes=5), event_id=f"dr{minute}")], now=moment + timedelta(minutes=5)
        )
    cpu = [
        trigger("acme", "ic-01/cpu", at=NOW - timedelta(days=1) + timedelta(minutes=n), event_id=f"c{n}", severity="info")
        for n in range(12)
    ]
    process(cpu, now=NOW - timedelta(days=1) + timedelta(minutes=12))
    for n in range(5):  # link: up and down five times within an hour
        moment = NOW - timedelta(hours=3) + timedelta(minutes=10 * n)
        step = trigger("acme", "sw-02/link", device="sw-02", at=moment, event_id=f"l{n}", severity="warning")
        process([step], now=moment)
        process([resolve("acme", "sw-02/link", at=moment + timedelta(minutes=5), event_id=f"lr{n}")], now=moment + timedelta(minutes=5))
    process([trigger("acme", "ic-02/fan", device="ic-02", at=NOW - timedelta(hours=1), event_id="f1", severity="warning")], now=NOW)
    for n, action in enumerate((trigger, resolve, trigger)):
        moment = NOW - timedelta(hours=5) + timedelta(minutes=n)
        kwargs = {"device": "gw-01", "severity": "warning"} if action is trigger else {}
        process([action("globex", "gw-01/sip", at=moment, event_id=f"g{n}", **kwargs)], now=moment)
    at(NOW)


def test_insights_list_recurring_flapping_and_per_device_most_significant_first_in_one_query(local_aws, alert_history):
    with count_aws_calls() as calls:
        found = call(local_aws, "GET", "/alerts/insights", query={"accountId": "acme"})

    assert found.status == 200, found
    assert calls == Counter({("DynamoDB", "Query"): 1})
    insights = found.body
    assert (insights["accountId"], insights["days"], insights["since"]) == ("acme", 7, to_iso(NOW - timedelta(days=7)))
    assert (insights["alertsExamined"], insights["complete"]) == (5, True)
    recurring = [(alert["dedupKey"], alert["instance"], alert["triggerCount"]) for alert in insights["recurring"]]
    assert recurring == [("sw-02/link", 5, 1), ("ic-01/disk", 3, 1), ("ic-01/cpu", 1, 12)]  # ic-03/old: before the period
    assert insights["recurringTotal"] == 3
    (link,) = insights["flapping"]
    assert (link["dedupKey"], link["flapping"], link["device"], insights["flappingTotal"]) == ("sw-02/link", True, "sw-02", 1)
    assert link["transitions"] >= 4 and link["state"] == "resolved"
    devices = [(device["device"], device["alertCount"], device["firingCount"], device["triggerCount"]) for device in insights["devices"]]
    assert devices == [("ic-01", 2, 1, 13), ("ic-02", 1, 1, 1), ("sw-02", 1, 0, 1)]
    assert insights["devicesTotal"] == 3 and insights["devices"][2]["flappingCount"] == 1

    month = call(local_aws, "GET", "/alerts/insights", query={"accountId": "acme", "days": "30"}).body
    assert [alert["dedupKey"] for alert in month["recurring"]] == ["sw-02/link", "ic-01/disk", "ic-03/old", "ic-01/cpu"]
    assert month["devicesTotal"] == 4 and month["since"] == to_iso(NOW - timedelta(days=30))
    globex = call(local_aws, "GET", "/alerts/insights", query={"accountId": "globex", "days": "1"}).body
    assert [alert["dedupKey"] for alert in globex["recurring"]] == ["gw-01/sip"] and globex["alertsExamined"] == 1


def test_insights_are_staffs_for_a_named_account_and_a_period_of_1_to_90_days(local_aws, alert_history):
    refused = call(local_aws, "GET", "/alerts/insights", user="customer", query={"accountId": "acme"})
    assert (refused.status, refused.body["error"]) == (403, "forbidden")
    for query, field in (({}, "accountId"), ({"accountId": "acme", "days": "0"}, "days"), ({"accountId": "acme", "days": "91"}, "days")):
        invalid = call(local_aws, "GET", "/alerts/insights", query=query)
        assert (invalid.status, invalid.body["field"]) == (422, field), query
    empty = call(local_aws, "GET", "/alerts/insights", query={"accountId": "initech", "days": "90"}).body
    assert (empty["alertsExamined"], empty["recurring"], empty["flapping"], empty["devices"]) == (0, [], [], [])


def test_insights_cap_each_list_at_twenty_with_its_total(local_aws):
    events = [trigger("acme", f"d{n}/check", device=f"d{n}", at=NOW - timedelta(minutes=30), event_id=f"a{n}") for n in range(25)]
    events += [
        trigger("acme", f"d{n}/check", device=f"d{n}", at=NOW - timedelta(minutes=29), event_id=f"b{n}-{k}")
        for n in range(25)
        for k in range(9)
    ]
    process(events, now=NOW)
    at(NOW)

    insights = call(local_aws, "GET", "/alerts/insights", query={"accountId": "acme"}).body

    assert (len(insights["recurring"]), insights["recurringTotal"], len(insights["devices"]), insights["devicesTotal"]) == (20, 25, 20, 25)
    assert {alert["triggerCount"] for alert in insights["recurring"]} == {10}
    assert items(local_aws, "GROUP#")  # the same alerts made an incident as ever
