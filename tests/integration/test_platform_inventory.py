"""The gateways' GA catalogs and the accounts' platforms through the real updates API under moto: staff keep them,
customers read their own account's platform (another's is 404), each gateway says how far behind its type's current GA
it is (one BatchGetItem of the catalogs), and the read-only view the cases domain decides with reads what was written."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bench.aws_calls import count_aws_calls
from functions.shared.clock import FixedClock
from functions.shared.dal.platform_view import (
    GatewayCatalogViewItem,
    InstalledGateway,
    PlatformFacts,
    PlatformViewItem,
    gateway_catalog_key,
    platform_key,
)
from functions.updates.logic.dependencies import dependencies

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
CATALOG = "/maintenance/gateway-catalog"
IG = {"updates": ["SU1", "SU2", "SU3", "SU4", "SU5"], "name": "Interaction Gateway"}
PLATFORM = {
    "release": "2024 R1",
    "patches": ["ES-101", "ES-102"],
    "gateways": [
        {"gatewayId": "gw-old", "gatewayType": "interaction-gateway", "installedUpdate": "SU1"},
        {"gatewayId": "gw-new", "gatewayType": "interaction-gateway", "installedUpdate": "SU5"},
        {"gatewayId": "gw-unknown", "gatewayType": "interaction-gateway"},
        {"gatewayId": "gw-ac", "gatewayType": "audiocodes", "installedUpdate": "7.40A"},
    ],
    "fiscalYearStartMonth": 7,
}


@pytest.fixture
def updates(local_aws):
    local_aws.updates_settings()
    dependencies().clock = FixedClock(NOW)


def call(local_aws, method: str, path: str, user: str = "engineer", **kwargs):
    return local_aws.call(method, path, api="updates", user=user, **kwargs)


def refused(result, status: int, error: str | None = None) -> bool:
    body = result.body
    return result.status == status and isinstance(body, dict) and bool(body.get("message")) and body["error"] == (error or body["error"])


def updates_events(local_aws) -> list[dict]:
    return [event for event in local_aws.published_events() if event["source"] == "dss.updates"]


def test_staff_keep_a_gateway_catalog_and_everyone_signed_in_reads_it(local_aws, updates):
    created = call(local_aws, "PUT", f"{CATALOG}/interaction-gateway", body=IG)
    same_again = call(local_aws, "PUT", f"{CATALOG}/interaction-gateway", user="manager", body={"updates": IG["updates"]})
    stale = call(local_aws, "PUT", f"{CATALOG}/interaction-gateway", body={"updates": ["SU1"]}, headers={"If-Match": '"0"'})
    audiocodes = call(local_aws, "PUT", f"{CATALOG}/audiocodes", body={"updates": ["7.20A", "7.40A"]}, headers={"If-Match": '"0"'})

    assert created.status == 200 and created.body["currentGa"] == "SU5" and created.headers["etag"] == '"1"'
    assert same_again.status == 200 and same_again.body["version"] == 1 and same_again.body["name"] == "Interaction Gateway"
    assert refused(stale, 412) and audiocodes.status == 200
    read = call(local_aws, "GET", f"{CATALOG}/interaction-gateway", user="customer")
    assert read.status == 200 and read.body["updates"] == IG["updates"]
    listed = call(local_aws, "GET", CATALOG, user="other_customer")
    assert [each["gatewayType"] for each in listed.body["items"]] == ["audiocodes", "interaction-gateway"]
    events = updates_events(local_aws)
    assert [(event["detail-type"], event["detail"]["gatewayType"], event["detail"]["currentGa"]) for event in events] == [
        ("GatewayCatalogChanged", "interaction-gateway", "SU5"),
        ("GatewayCatalogChanged", "audiocodes", "7.40A"),
    ]
    view = GatewayCatalogViewItem.get(*gateway_catalog_key("interaction-gateway"))
    assert (view.gateway_type, list(view.updates)) == ("interaction-gateway", IG["updates"])


def test_a_catalog_change_is_refused_with_what_to_fix(local_aws, updates):
    assert refused(call(local_aws, "PUT", f"{CATALOG}/interaction-gateway", user="customer_mac", body=IG), 403)
    assert refused(call(local_aws, "PUT", f"{CATALOG}/interaction-gateway", body={"updates": ["SU1", "SU1"]}), 422)
    assert refused(call(local_aws, "PUT", f"{CATALOG}/Interaction Gateway", body=IG), 422)
    assert refused(call(local_aws, "GET", f"{CATALOG}/nothing-here"), 404)


def test_a_platform_says_how_far_behind_ga_each_gateway_is(local_aws, updates):
    call(local_aws, "PUT", f"{CATALOG}/interaction-gateway", body=IG)

    recorded = call(local_aws, "PUT", "/accounts/acme/platform", body=PLATFORM)
    call(local_aws, "GET", f"{CATALOG}/interaction-gateway", user="customer")  # the customer's directory read, now cached
    with count_aws_calls() as calls:
        read = call(local_aws, "GET", "/accounts/acme/platform", user="customer")

    assert recorded.status == 200 and recorded.headers["etag"] == '"1"', recorded
    assert read.status == 200 and read.body == recorded.body
    gateways = {gateway["gatewayId"]: gateway for gateway in read.body["gateways"]}
    assert {key: (each["updatesBehind"], each["behindGa"], each["currentGa"]) for key, each in gateways.items()} == {
        "gw-old": (4, True, "SU5"),
        "gw-new": (0, False, "SU5"),
        "gw-unknown": (5, True, "SU5"),  # nothing recorded: behind every GA update
        "gw-ac": (None, False, None),  # no catalog of its type
    }
    assert read.body["release"] == "2024 R1" and read.body["patches"] == ["ES-101", "ES-102"]
    assert (read.body["fiscalYearStartMonth"], read.body["releaseUpgradesPerQuarter"], read.body["gatewayUpdatesPerContractYear"]) == (
        7,
        1,
        1,
    )
    # The platform, then its gateway types' catalogs in one BatchGetItem.
    assert calls[("DynamoDB", "GetItem")] == 1 and calls[("DynamoDB", "BatchGetItem")] == 1, calls
    [event] = [event for event in updates_events(local_aws) if event["detail-type"] == "AccountPlatformChanged"]
    assert event["detail"]["accountId"] == "acme" and event["detail"]["version"] == 1
    # What the cases domain reads (functions/shared/dal/platform_view.py)
    assert PlatformViewItem.get(*platform_key("acme")).facts() == PlatformFacts(
        account_id="acme",
        release="2024 R1",
        gateways={
            "gw-old": InstalledGateway("interaction-gateway", "SU1"),
            "gw-new": InstalledGateway("interaction-gateway", "SU5"),
            "gw-unknown": InstalledGateway("interaction-gateway", None),
            "gw-ac": InstalledGateway("audiocodes", "7.40A"),
        },
        fiscal_year_start_month=7,
        release_upgrades_per_quarter=1,
        gateway_updates_per_contract_year=1,
    )


def test_the_same_platform_again_changes_nothing_and_if_match_guards_a_change(local_aws, updates):
    assert call(local_aws, "PUT", "/accounts/acme/platform", body=PLATFORM).status == 200
    again = call(local_aws, "PUT", "/accounts/acme/platform", body=PLATFORM)
    stale = call(local_aws, "PUT", "/accounts/acme/platform", body={**PLATFORM, "release": "2025 R1"}, headers={"If-Match": '"0"'})
    changed = call(local_aws, "PUT", "/accounts/acme/platform", body={"release": "2025 R1"}, headers={"If-Match": '"1"'})

    assert again.body["version"] == 1 and refused(stale, 412)
    assert changed.status == 200 and changed.body["version"] == 2 and changed.body["gateways"] == []
    assert changed.body["fiscalYearStartMonth"] == 1  # left out: the default again
    assert len([event for event in updates_events(local_aws) if event["detail-type"] == "AccountPlatformChanged"]) == 2


def test_who_may_read_and_record_a_platform(local_aws, updates):
    assert call(local_aws, "PUT", "/accounts/acme/platform", body=PLATFORM).status == 200

    assert refused(call(local_aws, "GET", "/accounts/acme/platform", user="other_customer"), 404)
    assert refused(call(local_aws, "GET", "/accounts/globex/platform", user="customer"), 404)
    assert refused(call(local_aws, "PUT", "/accounts/acme/platform", user="customer_mac", body=PLATFORM), 403)
    assert refused(call(local_aws, "PUT", "/accounts/globex/platform", user="customer_mac", body=PLATFORM), 404)
    assert refused(call(local_aws, "PUT", "/accounts/nobody/platform", body=PLATFORM), 404)
    assert refused(call(local_aws, "GET", "/accounts/nobody/platform"), 404)
    nothing_yet = call(local_aws, "GET", "/accounts/globex/platform", user="manager")
    assert nothing_yet.status == 200 and nothing_yet.body["version"] == 0 and nothing_yet.body["gateways"] == []
    assert call(local_aws, "GET", "/accounts/globex/platform", user="other_customer").body["version"] == 0


def test_a_platform_is_refused_with_what_to_fix(local_aws, updates):
    twice = {"gateways": [{"gatewayId": "gw-1", "gatewayType": "audiocodes"}] * 2}
    for body in (twice, {"fiscalYearStartMonth": 13}, {"gateways": [{"gatewayId": "gw-1"}]}, {"release": "x" * 100}, {"owner": "me"}):
        answer = call(local_aws, "PUT", "/accounts/acme/platform", body=body)
        assert refused(answer, 422), (body, answer)
