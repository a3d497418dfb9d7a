"""The alerts API's reads, an engineer opening a held incident's case, and an account's monitoring settings,
through the real API handler under moto, on alerts and incidents made by the real processor
(tests/integration/test_alert_processor.py's helpers): one Query a page, the state filters, tenant isolation,
the case request and its event, the settings the processor then follows."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import boto3
import pytest

from bench.aws_calls import count_aws_calls
from functions.alerts.dal.alert_store import AlertStore
from functions.alerts.models.settings import AfterHours, AlertSettings
from tests.integration.test_alert_processor import (
    MONDAY_22_ET,
    TUESDAY_10_ET,
    monitoring_events,
    process,
    resolve,
    trigger,
)

ONE_QUERY = Counter({("DynamoDB", "Query"): 1})


def call(local_aws, method: str, path: str, *, user: str = "engineer", **kwargs):
    return local_aws.call(method, path, api="alerts", user=user, **kwargs)


def every_page(local_aws, path: str, query: dict, *, user: str = "engineer") -> list[list[dict]]:
    """Each page's items, following nextToken; asserts each page is one Query (the page token's key, read once
    per container, aside)."""
    pages, token = [], None
    while True:
        with count_aws_calls() as calls:
            page = call(local_aws, "GET", path, user=user, query={**query, **({"nextToken": token} if token else {})})
        calls.pop(("Secrets Manager", "GetSecretValue"), None)
        assert page.status == 200, page
        assert calls == ONE_QUERY, calls
        pages.append(page.body["items"])
        token = page.body.get("nextToken")
        if not token:
            return pages


def table():
    from functions.shared.settings import alerts_settings

    return boto3.resource("dynamodb").Table(alerts_settings().table_name)


def change_group(group_id: str, account: str = "acme", **changes) -> None:
    """Sets fields of an incident's stored body as the processor or the case's events would have."""
    key = {"pk": f"ALERTS#{account}", "sk": f"GROUP#{group_id}"}
    item = table().get_item(Key=key)["Item"]
    body = {**json.loads(item["body"]), **changes}
    table().update_item(
        Key=key,
        UpdateExpression="SET body = :body, version = version + :one, #state = :state",
        ExpressionAttributeNames={"#state": "state"},
        ExpressionAttributeValues={":body": json.dumps(body), ":one": 1, ":state": body["status"]},
    )


@pytest.fixture
def alerts(local_aws):
    """acme: seven alerts of one device (two resolved) in one incident asked for in business hours; globex: one."""
    keys = [f"ic-01/check-{n}" for n in range(7)]
    events = [trigger("acme", key, at=TUESDAY_10_ET, event_id=f"t{n}") for n, key in enumerate(keys)]
    events += [trigger("globex", "sw-01/link", device="sw-01", at=TUESDAY_10_ET, event_id="g1")]
    process(events, now=TUESDAY_10_ET)
    later = TUESDAY_10_ET + timedelta(minutes=1)
    process([resolve("acme", key, at=later, event_id=f"r{n}") for n, key in enumerate(keys[:2])], now=later)
    return keys


@pytest.fixture
def groups(local_aws):
    """acme's three incidents: held after hours (device a), then two asked for in business hours (b, then c 31 min
    later, past the account window). Their ids, oldest first."""
    process([trigger("acme", "a/down", device="a", at=MONDAY_22_ET, event_id="a1")], now=MONDAY_22_ET)
    process([trigger("acme", "b/down", device="b", at=TUESDAY_10_ET, event_id="b1")], now=TUESDAY_10_ET)
    later = TUESDAY_10_ET + timedelta(minutes=31)
    process([trigger("acme", "c/down", device="c", at=later, event_id="c1")], now=later)
    process([trigger("globex", "sw-01/link", device="sw-01", at=TUESDAY_10_ET, event_id="g1")], now=later)
    monitoring_events(local_aws)  # taken off the bus: each test looks at its own
    listed = call(local_aws, "GET", "/alerts/groups", query={"accountId": "acme"}).body["items"]
    return [group["groupId"] for group in reversed(listed)]


def held_group(local_aws) -> str:
    process([trigger("acme", "ic-01/down", at=MONDAY_22_ET, event_id="h1")], now=MONDAY_22_ET)
    monitoring_events(local_aws)
    (group,) = call(local_aws, "GET", "/alerts/groups", query={"accountId": "acme", "state": "held"}).body["items"]
    return group["groupId"]


# --- alerts ---------------------------------------------------------------------------------------------------------


def test_an_accounts_alerts_page_by_page_one_query_a_page(local_aws, alerts):
    pages = every_page(local_aws, "/alerts", {"accountId": "acme", "limit": "3"})

    assert [len(page) for page in pages] == [3, 3, 1]
    listed = [alert for page in pages for alert in page]
    assert [alert["dedupKey"] for alert in listed] == alerts  # by dedup key
    first = listed[2]
    assert (first["accountId"], first["device"], first["severity"], first["state"], first["triggerCount"]) == (
        "acme",
        "ic-01",
        "critical",
        "firing",
        1,
    )
    assert first["groupId"] and first["firstTriggeredAt"] == "2026-12-08T15:00:00.000Z"
    assert "recentEventIds" not in first and "recent_event_ids" not in first


def test_the_state_filter_keeps_one_query_a_page(local_aws, alerts):
    resolved = every_page(local_aws, "/alerts", {"accountId": "acme", "state": "resolved"})
    firing = [alert for page in every_page(local_aws, "/alerts", {"accountId": "acme", "state": "firing", "limit": "2"}) for alert in page]

    assert [alert["dedupKey"] for page in resolved for alert in page] == alerts[:2]
    assert [alert["dedupKey"] for alert in firing] == alerts[2:]
    assert {alert["state"] for alert in firing} == {"firing"}
    wrong = call(local_aws, "GET", "/alerts", query={"accountId": "acme", "state": "ringing"})
    assert (wrong.status, wrong.body["error"], wrong.body["field"]) == (422, "validation_error", "state")


def test_a_customer_lists_their_own_accounts_alerts_and_no_other(local_aws, alerts):
    own = call(local_aws, "GET", "/alerts", user="customer")
    assert own.status == 200 and [alert["dedupKey"] for alert in own.body["items"]] == alerts
    assert call(local_aws, "GET", "/alerts", user="customer", query={"accountId": "acme"}).body == own.body

    other = call(local_aws, "GET", "/alerts", user="customer", query={"accountId": "globex"})
    assert (other.status, other.body["error"], other.body["field"]) == (404, "not_found", "accountId")
    globex = call(local_aws, "GET", "/alerts", user="other_customer")
    assert [alert["dedupKey"] for alert in globex.body["items"]] == ["sw-01/link"]

    staff_without_account = call(local_aws, "GET", "/alerts")
    assert (staff_without_account.status, staff_without_account.body["field"]) == (422, "accountId")
    assert "accountId" in staff_without_account.body["message"]


def test_a_page_token_works_only_for_its_caller_and_listing(local_aws, alerts):
    first = call(local_aws, "GET", "/alerts", query={"accountId": "acme", "limit": "2"})
    token = first.body["nextToken"]
    for user, query in (
        ("manager", {"accountId": "acme", "nextToken": token}),  # another caller
        ("engineer", {"accountId": "acme", "state": "firing", "nextToken": token}),  # another filter
        ("engineer", {"accountId": "globex", "nextToken": token}),  # another account
    ):
        refused = call(local_aws, "GET", "/alerts", user=user, query=query)
        assert (refused.status, refused.body["error"]) == (400, "invalid_next_token"), (user, query)
    wrong_listing = call(local_aws, "GET", "/alerts/groups", query={"accountId": "acme", "nextToken": token})
    assert wrong_listing.status == 400


# --- incidents ------------------------------------------------------------------------------------------------------


def test_an_accounts_incidents_newest_first_one_query_a_page(local_aws, groups):
    held, second, third = groups

    pages = every_page(local_aws, "/alerts/groups", {"accountId": "acme", "limit": "2"})

    assert [[group["groupId"] for group in page] for page in pages] == [[third, second], [held]]
    newest = pages[0][0]
    assert (newest["status"], newest["device"], newest["devices"], newest["alertCount"]) == ("requested", "c", ["c"], 1)
    assert newest["alertKeys"] == newest["firingKeys"] == ["c/down"]
    assert not {"pendingDigest", "pendingCount", "lastDigestAt", "timers"} & set(newest)
    assert pages[1][0]["status"] == "held" and pages[1][0]["opensAt"] == "2026-12-08T12:00:00.000Z"


def test_incidents_by_status(local_aws, groups):
    held, second, third = groups

    def listed(state: str) -> list[str]:
        return [
            group["groupId"] for page in every_page(local_aws, "/alerts/groups", {"accountId": "acme", "state": state}) for group in page
        ]

    assert listed("held") == [held]
    assert listed("requested") == [third, second]
    assert listed("open") == listed("closed") == []


def test_one_incident_for_staff_and_its_account_and_not_found_for_another(local_aws, groups):
    held = groups[0]
    (globex,) = call(local_aws, "GET", "/alerts/groups", query={"accountId": "globex"}).body["items"]

    for user in ("engineer", "customer"):
        found = call(local_aws, "GET", f"/alerts/groups/{held}", user=user)
        assert (found.status, found.body["groupId"], found.body["accountId"]) == (200, held, "acme")
        assert found.headers["etag"] == f'"{found.body["version"]}"'
    assert call(local_aws, "GET", f"/alerts/groups/{globex['groupId']}", user="engineer").status == 200

    for user, group_id in (("customer", globex["groupId"]), ("other_customer", held)):
        refused = call(local_aws, "GET", f"/alerts/groups/{group_id}", user=user)
        assert (refused.status, refused.body["error"]) == (404, "not_found")
        assert "GET /alerts/groups" in refused.body["message"]
    other_account = call(local_aws, "GET", "/alerts/groups", user="customer", query={"accountId": "globex"})
    assert other_account.status == 404
    assert call(local_aws, "GET", f"/alerts/groups/{'0' * 32}").status == 404
    assert call(local_aws, "GET", "/alerts/groups/not-an-id").status == 422


# --- an engineer opens a held incident's case -----------------------------------------------------------------------


def test_an_engineer_opens_a_held_incidents_case_with_its_event_in_one_transaction(local_aws):
    group_id = held_group(local_aws)

    with count_aws_calls() as calls:
        opened = call(local_aws, "POST", f"/alerts/groups/{group_id}/case")

    assert opened.status == 200, opened
    assert (opened.body["status"], opened.body["groupId"]) == ("requested", group_id)
    assert calls == Counter({("DynamoDB", "GetItem"): 2, ("DynamoDB", "TransactWriteItems"): 1})  # locator, incident; the change
    (request,) = monitoring_events(local_aws)
    assert request["detail-type"] == "MonitoringCaseRequested"
    detail = request["detail"]
    assert (detail["groupId"], detail["accountId"], detail["reason"]) == (group_id, "acme", "engineer")
    assert detail["actor"] == {"userId": "u-erin", "role": "engineers"}
    assert [line["dedupKey"] for line in detail["alerts"]] == ["ic-01/down"]
    assert call(local_aws, "GET", f"/alerts/groups/{group_id}").body["status"] == "requested"

    again = call(local_aws, "POST", f"/alerts/groups/{group_id}/case", user="manager")
    assert (again.status, again.body["error"]) == (409, "case_already_requested")
    assert monitoring_events(local_aws) == []


def test_the_conflicts_name_the_case_or_the_closure_and_customers_may_not(local_aws):
    group_id = held_group(local_aws)

    refused = call(local_aws, "POST", f"/alerts/groups/{group_id}/case", user="customer")
    assert (refused.status, refused.body["error"]) == (403, "forbidden")
    assert call(local_aws, "POST", f"/alerts/groups/{'f' * 32}/case").status == 404

    change_group(group_id, status="open", case_number="0000000042")
    named = call(local_aws, "POST", f"/alerts/groups/{group_id}/case")
    assert (named.status, named.body["error"]) == (409, "case_already_requested")
    assert "case 0000000042" in named.body["message"]

    change_group(group_id, status="closed")
    closed = call(local_aws, "POST", f"/alerts/groups/{group_id}/case")
    assert (closed.status, closed.body["error"]) == (409, "incident_closed")
    assert monitoring_events(local_aws) == []


def test_an_idempotency_key_replays_the_first_answer(local_aws):
    group_id = held_group(local_aws)
    headers = {"Idempotency-Key": "open-now-1"}

    first = call(local_aws, "POST", f"/alerts/groups/{group_id}/case", headers=headers)
    replay = call(local_aws, "POST", f"/alerts/groups/{group_id}/case", headers=headers)

    assert first.status == replay.status == 200
    assert replay.body == first.body and replay.headers["idempotent-replayed"] == "true"
    assert [event["detail-type"] for event in monitoring_events(local_aws)] == ["MonitoringCaseRequested"]
    other_group = call(local_aws, "POST", f"/alerts/groups/{'e' * 32}/case", headers=headers)
    assert (other_group.status, other_group.body["error"]) == (409, "idempotency_key_reused")


def test_an_incident_that_moved_meanwhile_is_read_and_decided_again(local_aws, monkeypatch):
    """The processor adds an alert to the held incident between the engineer's read and write: the write's
    version condition fails, the incident is read again, and its case is asked for once, with both alerts."""
    group_id = held_group(local_aws)
    read_group = AlertStore.read_group

    def read_then_the_processor_writes(store, wanted):
        group = read_group(store, wanted)
        monkeypatch.setattr(AlertStore, "read_group", read_group)
        later = MONDAY_22_ET + timedelta(minutes=1)
        process([trigger("acme", "ic-01/fan", at=later, event_id="h2")], now=later)
        return group

    monkeypatch.setattr(AlertStore, "read_group", read_then_the_processor_writes)
    opened = call(local_aws, "POST", f"/alerts/groups/{group_id}/case")

    assert opened.status == 200 and opened.body["alertKeys"] == ["ic-01/down", "ic-01/fan"]
    requests = [event for event in monitoring_events(local_aws) if event["detail-type"] == "MonitoringCaseRequested"]
    assert [[line["dedupKey"] for line in event["detail"]["alerts"]] for event in requests] == [["ic-01/down", "ic-01/fan"]]


# --- settings -------------------------------------------------------------------------------------------------------


def test_staff_read_the_defaults_then_set_settings_the_processor_follows(local_aws):
    defaults = call(local_aws, "GET", "/alerts/settings/acme")
    assert defaults.status == 200 and defaults.headers["etag"] == '"0"'
    assert defaults.body == {
        "accountId": "acme", "version": 0, "caseSeverities": ["critical", "error"], "accountWindowMinutes": 30, "digestMinutes": 15,
        "settleMinutes": 10, "afterHours": "hold", "onRecovery": "note",
    }  # fmt: skip

    body = {"caseSeverities": ["critical"], "afterHours": "open", "settleMinutes": 20}
    saved = call(local_aws, "PUT", "/alerts/settings/acme", body=body)

    assert saved.status == 200 and saved.headers["etag"] == '"1"'
    expected = AlertSettings(case_severities=["critical"], after_hours=AfterHours.OPEN, settle_minutes=20)
    assert saved.body == {**defaults.body, **body, "version": 1}
    assert call(local_aws, "GET", "/alerts/settings/acme", user="manager").body == saved.body
    item = table().get_item(Key={"pk": "ALERTS#acme", "sk": "SETTINGS"})["Item"]
    assert AlertSettings.model_validate_json(item["body"]) == expected == AlertStore(table().name).read_settings("acme")
    assert call(local_aws, "PUT", "/alerts/settings/acme", body=body).body["version"] == 1  # the same again: nothing written

    # The processor follows them: after hours an incident asks for its case at once; an error opens nothing.
    process(
        [
            trigger("acme", "ic-01/down", at=MONDAY_22_ET, event_id="c1"),
            trigger("acme", "ic-02/slow", device="ic-02", at=MONDAY_22_ET, event_id="e1", severity="error"),
        ],
        now=MONDAY_22_ET,
    )
    requests = [event["detail"] for event in monitoring_events(local_aws) if event["detail-type"] == "MonitoringCaseRequested"]
    assert [(request["device"], request["reason"]) for request in requests] == [("ic-01", "around-the-clock")]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"afterHours": "sometimes"}, "afterHours"),
        ({"digestMinutes": 0}, "digestMinutes"),
        ({"digestMinutes": "15"}, "digestMinutes"),  # strict: a number is a number
        ({"accountWindowMinutes": 24 * 60 + 1}, "accountWindowMinutes"),
        ({"caseSeverities": []}, "caseSeverities"),
        ({"caseSeverities": ["critical", "critical"]}, "caseSeverities"),
        ({"caseSeverities": ["fatal"]}, "caseSeverities.0"),
        ({"after_hours": "open"}, "after_hours"),  # camelCase only
        ({"onRecovery": "note", "color": "red"}, "color"),
    ],
)
def test_settings_are_validated_strictly_and_name_the_field(local_aws, body, field):
    refused = call(local_aws, "PUT", "/alerts/settings/acme", body=body)

    assert (refused.status, refused.body["error"], refused.body["field"]) == (422, "validation_error", field)
    assert call(local_aws, "GET", "/alerts/settings/acme").body["version"] == 0


def test_settings_are_staffs_and_of_an_account_that_exists(local_aws):
    for method in ("GET", "PUT"):
        refused = call(local_aws, method, "/alerts/settings/acme", user="customer", body={} if method == "PUT" else None)
        assert (refused.status, refused.body["error"]) == (403, "forbidden"), method
        unknown = call(local_aws, method, "/alerts/settings/nope", body={} if method == "PUT" else None)
        assert (unknown.status, unknown.body["error"], unknown.body["field"]) == (404, "not_found", "accountId"), method
    assert table().get_item(Key={"pk": "ALERTS#nope", "sk": "SETTINGS"}).get("Item") is None
    not_json = call(local_aws, "PUT", "/alerts/settings/acme", body="{not json")
    assert (not_json.status, not_json.body["error"]) == (400, "malformed_json")
