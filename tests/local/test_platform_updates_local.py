"""Platform updates over real HTTP on the local stack (docs/architecture.md, "Platform updates"): a Windows update the
Testing Department recorded today is refused for installation with its expected date and accepted once validated; a
Release request closes the two cases it resolves with its installation case; a second Release the same quarter is
refused naming the first and allowed once the desk's clock is in the next quarter; the weekly check opens a proactive
case for a gateway 3 updates behind GA, and a gateway 1 behind is refused for behind-ga."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from functions.shared.quarters import eastern_day, quarter_of
from local.demo_directory import EXAMPLE_SUPPORT_CASE
from tests.local.test_local_clock import desk_time, eventually, move_clock

pytestmark = pytest.mark.slow
EASTERN = ZoneInfo("America/New_York")
RELEASE = {"accountId": "acme", "kind": "release", "reason": "known-scr", "scrs": ["SCR-4711"], "systemImpacting": True}


def open_case(stack, subject: str) -> str:
    created = stack.request("POST", "/cases", role="customer", json={**EXAMPLE_SUPPORT_CASE, "subject": subject})
    assert created.status_code == 201, created.text
    return created.json()["caseNumber"]


def install(stack, body: dict, path: str = "/maintenance/requests"):
    return stack.request("POST", path, role="engineer", json=body)


def test_a_kb_recorded_today_is_refused_with_its_expected_date_until_validated(local_stack):
    today = eastern_day(desk_time(local_stack))
    kb = {"kb": "KB5034441", "title": "2026-12 Cumulative Update for Windows Server 2022", "classification": "Security",
          "msrcSeverity": "Critical", "products": ["Windows Server 2022"], "releasedOn": today.isoformat()}  # fmt: skip
    recorded = local_stack.request("POST", "/maintenance/windows-updates", role="testing", json=kb)
    assert recorded.status_code == 201, recorded.text
    expected = (today + timedelta(days=7)).isoformat()
    assert recorded.json()["expectedOn"] == expected

    body = {"accountId": "acme", "contactId": "c-alice", "kind": "windows-update", "reason": "known-scr", "scrs": ["SCR-9"],
            "target": {"kbs": ["KB5034441"]}}  # fmt: skip
    refused = install(local_stack, body)
    assert (refused.status_code, refused.json()["error"]) == (409, "kb_pending_validation"), refused.text
    assert f"is being validated by the Testing Department; expected from {expected}" in refused.json()["message"]

    validated = local_stack.request("POST", "/maintenance/windows-updates/KB5034441/validate", role="testing", json={})
    assert validated.status_code == 200, validated.text
    accepted = install(local_stack, body)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["case"]["subject"] == "Installation: Windows updates KB5034441"


def test_a_release_closes_what_it_resolves_once_a_quarter(local_stack):
    first, second = open_case(local_stack, "Calls drop at transfer"), open_case(local_stack, "Queue stalls at noon")
    accepted = install(local_stack, {**RELEASE, "target": {"release": "2026 R4"}, "resolvesCases": [first, second]})
    assert accepted.status_code == 201, accepted.text
    number = accepted.json()["case"]["caseNumber"]
    for resolved in (first, second):
        case = local_stack.request("GET", f"/cases/{resolved}", role="customer").json()
        assert (case["status"], case["subStatus"], case["resolvedByCase"]) == ("Closed", "Resolved", number)
    installation = local_stack.request("GET", f"/cases/{number}", role="engineer").json()
    assert installation["installation"]["resolvesCases"] == [first, second]

    again = install(local_stack, {**RELEASE, "contactId": "c-alice", "target": {"release": "2027 R1"}})
    assert (again.status_code, again.json()["error"]) == (409, "release_quota_used"), again.text
    quarter = quarter_of(eastern_day(desk_time(local_stack)))
    assert f"(case {number}, on " in again.json()["message"]
    assert f"the next can be requested from {quarter.next_first_day.isoformat()}" in again.json()["message"]

    move_clock(local_stack, datetime.combine(quarter.next_first_day, datetime.min.time(), EASTERN) + timedelta(hours=10))
    allowed = install(local_stack, {**RELEASE, "contactId": "c-alice", "target": {"release": "2027 R1"}})
    assert allowed.status_code == 201, allowed.text


def test_the_weekly_check_opens_a_case_for_a_gateway_three_behind_and_one_behind_is_refused(local_stack):
    catalog = local_stack.request(
        "PUT", "/maintenance/gateway-catalog/interaction-gateway", role="engineer", json={"updates": ["SU1", "SU2", "SU3", "SU4"]}
    )
    assert catalog.status_code == 200, catalog.text
    gateways = [
        {"gatewayId": "gw-behind", "gatewayType": "interaction-gateway", "installedUpdate": "SU1"},
        {"gatewayId": "gw-recent", "gatewayType": "interaction-gateway", "installedUpdate": "SU3"},
    ]
    platform = local_stack.request("PUT", "/accounts/acme/platform", role="engineer", json={"release": "2026 R4", "gateways": gateways})
    assert platform.status_code == 200, platform.text
    shown = local_stack.request("GET", "/accounts/acme/platform", role="customer").json()
    assert [(g["gatewayId"], g["updatesBehind"]) for g in shown["gateways"]] == [("gw-behind", 3), ("gw-recent", 1)]

    one_behind = install(local_stack, {"accountId": "acme", "contactId": "c-alice", "kind": "gateway-update", "reason": "behind-ga",
                                       "target": {"gateways": ["gw-recent"], "update": "SU4"}})  # fmt: skip
    assert (one_behind.status_code, one_behind.json()["error"]) == (422, "not_behind_ga"), one_behind.text
    assert "only 1 update behind the current GA" in one_behind.json()["message"]

    now = desk_time(local_stack).astimezone(EASTERN)
    monday = (now + timedelta(days=7 - now.weekday())).replace(hour=8, minute=1, second=0, microsecond=0)
    move_clock(local_stack, monday)

    def proactive() -> list[dict]:
        listed = local_stack.request("GET", "/cases", role="customer", params={"view": "all-non-closed"}).json()["items"]
        return [case for case in listed if case["caseType"] == "Proactive" and "gw-behind" in case["subject"]]

    (case,) = eventually(proactive, bool, "the weekly check's proactive case")
    assert "3 updates behind GA" in case["subject"]
