"""Installation requests through the real cases API (docs/architecture.md, "Platform updates"): the guide's rules decide
from the updates domain's catalogs; an accepted request opens the installation case, uses the entitlement and closes the
cases it resolves in one transaction; every refusal names its rule and writes nothing.

The updates domain's items are written here as that domain stores them (functions/shared/dal/platform_view.py names the
keys and attributes); tests/integration/test_platform_inventory.py writes them through the updates API."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import boto3
import pytest

from functions.shared.dal.platform_view import gateway_catalog_key, platform_key, windows_update_key
from tests.support.payloads import support_case

TUESDAY = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)  # Q4 2026 in Eastern time
NEXT_QUARTER = datetime(2027, 1, 4, 15, 0, tzinfo=UTC)
SUPPORT_CASE = support_case(priority="3-Medium")
RELEASE = {
    "accountId": "acme",
    "kind": "release",
    "reason": "known-scr",
    "scrs": ["SCR-1234"],
    "systemImpacting": True,
    "target": {"release": "2026 R4"},
}


@pytest.fixture
def desk(local_aws):
    local_aws.set_api_time(TUESDAY)
    return local_aws


def put(local_aws, key: tuple[str, str], **attributes) -> None:
    item = {"pk": {"S": key[0]}, "sk": {"S": key[1]}}
    for name, value in attributes.items():
        if isinstance(value, list):
            item[name] = {"L": [{"S": each} if isinstance(each, str) else {"M": {k: {"S": v} for k, v in each.items()}} for each in value]}
        elif isinstance(value, int):
            item[name] = {"N": str(value)}
        else:
            item[name] = {"S": value}
    boto3.client("dynamodb").put_item(TableName=local_aws.resources.table_name, Item=item)


def windows_update(local_aws, kb: str, status: str, released: date = date(2026, 12, 8)) -> None:
    put(
        local_aws,
        windows_update_key(kb),
        kb=kb,
        title="2026-12 Cumulative Update for Windows Server 2022",
        classification="Critical",
        released_on=released.isoformat(),
        expected_on=(released + timedelta(days=7)).isoformat(),
        status=status,
    )


def open_case(local_aws, user: str = "customer", **changes) -> str:
    created = local_aws.call("POST", "/cases", user=user, body={**SUPPORT_CASE, **changes})
    assert created.status == 201, created
    return created.body["caseNumber"]


def request(local_aws, body: dict, user: str = "engineer", **headers):
    return local_aws.call("POST", "/maintenance/requests", user=user, body=body, headers=headers or None)


def test_a_windows_update_is_refused_until_the_testing_department_validates_it(desk):
    windows_update(desk, "KB5034441", "pending-validation")
    body = {"accountId": "acme", "contactId": "c-alice", "kind": "windows-update", "reason": "known-scr", "scrs": ["SCR-9"],
            "target": {"kbs": ["kb5034441"]}}  # fmt: skip

    refused = request(desk, body)
    assert (refused.status, refused.body["error"], refused.body["field"]) == (409, "kb_pending_validation", "target.kbs"), refused
    assert (
        "KB5034441 (Critical, released 2026-12-08) is being validated by the Testing Department; expected from 2026-12-15"
        in (refused.body["message"])
    )
    assert desk.published_events() == []

    windows_update(desk, "KB5034441", "validated")
    accepted = request(desk, body)
    assert accepted.status == 201, accepted
    case = accepted.body["case"]
    assert (case["caseType"], case["priority"], case["contactId"], case["subject"]) == (
        "Service Request", "3-Medium", "c-alice", "Installation: Windows updates KB5034441"
    )  # fmt: skip
    assert case["installation"]["kind"] == "windows-update" and case["installation"]["quota"] is None


def test_an_unknown_kb_says_the_testing_department_records_it_first(desk):
    body = {"accountId": "acme", "contactId": "c-alice", "kind": "windows-update", "reason": "feature", "feature": "TLS 1.3",
            "target": {"kbs": ["KB5000001"]}}  # fmt: skip
    refused = request(desk, body)
    assert (refused.status, refused.body["error"]) == (422, "kb_unknown") and "POST /maintenance/windows-updates" in refused.body["message"]


def test_a_release_closes_the_cases_it_resolves_in_its_own_transaction(desk):
    first, second = open_case(desk), open_case(desk, subject="Queue stalls")
    desk.published_events()

    accepted = request(desk, {**RELEASE, "resolvesCases": [first, second]}, **{"Idempotency-Key": "release-1"})
    assert accepted.status == 201, accepted
    installation = accepted.body["case"]
    number = installation["caseNumber"]
    assert installation["installation"]["resolvesCases"] == [first, second]
    assert installation["installation"]["quota"] == "Release upgrade, Q4 2026"
    assert f"Resolves and closes: {first}, {second}." in installation["description"]
    for resolved in (first, second):
        case = desk.call("GET", f"/cases/{resolved}", user="customer").body
        assert (case["status"], case["subStatus"], case["resolvedByCase"]) == ("Closed", "Resolved", number)
        updates = desk.call("GET", f"/cases/{resolved}/updates", user="customer").body["items"]
        assert f"the installation of Release 2026 R4 (case {number}) resolves it" in updates[-1]["text"]

    events = desk.published_events()
    created = [e for e in events if e["detail-type"] == "CaseCreated"]
    closed = [e for e in events if e["detail-type"] == "CaseClosed"]
    assert [e["detail"]["installation"]["resolvesCases"] for e in created] == [[first, second]]
    assert sorted((e["detail"]["caseNumber"], e["detail"]["resolvedByCase"]) for e in closed) == [(first, number), (second, number)]

    replay = request(desk, {**RELEASE, "resolvesCases": [first, second]}, **{"Idempotency-Key": "release-1"})
    assert (replay.status, replay.body["case"]["caseNumber"], replay.headers.get("idempotent-replayed")) == (201, number, "true")


def test_a_case_changed_meanwhile_refuses_the_whole_request_naming_it(desk, monkeypatch):
    first, second = open_case(desk), open_case(desk)
    store = desk_store()
    read = store.read_before_installation

    def read_then_someone_updates_the_second(*args, **kwargs):
        answer = read(*args, **kwargs)
        assert desk.call("POST", f"/cases/{second}/updates", user="customer", body={"text": "It got worse."}).status == 201
        return answer

    monkeypatch.setattr(store, "read_before_installation", read_then_someone_updates_the_second)
    before = desk.item_count()
    refused = request(desk, {**RELEASE, "resolvesCases": [first, second]})
    assert (refused.status, refused.body["error"]) == (409, "resolved_case_changed"), refused
    assert f"Case {second} changed" in refused.body["message"]
    assert desk.call("GET", f"/cases/{first}", user="customer").body["status"] == "Open"
    monkeypatch.undo()
    assert desk.item_count() == before + 3  # only the customer's update (case, history, update; its event's outbox item expires)  # noqa: E501
    assert request(desk, {**RELEASE, "resolvesCases": [first, second]}).status == 201  # the quarter's Release is still free


def test_one_release_a_quarter_until_the_next_quarter_or_a_cancelled_installation(desk):
    first = request(desk, {**RELEASE, "contactId": "c-alice"})
    assert first.status == 201, first
    number = first.body["case"]["caseNumber"]

    second = request(desk, {**RELEASE, "contactId": "c-alice", "target": {"release": "2027 R1"}})
    assert (second.status, second.body["error"], second.body["field"]) == (409, "release_quota_used", "kind"), second
    assert f"already requested for this account in Q4 2026 (case {number}, on 2026-12-08)" in second.body["message"]
    assert "the next can be requested from 2027-01-01" in second.body["message"]

    cancel = {"subStatus": "Cancelled", "comment": "The customer postponed the upgrade.", "reason": "customer-asked"}
    assert desk.call("POST", f"/cases/{number}/close", user="engineer", body=cancel).status == 200
    again = request(desk, {**RELEASE, "contactId": "c-alice", "target": {"release": "2027 R1"}})
    assert again.status == 201, again  # cancelled before the installation: the quarter's Release is free again

    assert request(desk, {**RELEASE, "contactId": "c-alice"}).status == 409
    desk.set_api_time(NEXT_QUARTER)
    assert request(desk, {**RELEASE, "contactId": "c-alice"}).body["case"]["installation"]["quota"] == "Release upgrade, Q1 2027"


def test_a_done_installation_keeps_its_release_and_a_cancelled_one_is_not_reopened(desk):
    done = request(desk, {**RELEASE, "contactId": "c-alice"}).body["case"]["caseNumber"]
    resolved = {"subStatus": "Resolved", "comment": "Installed.", "reason": "solution-accepted"}
    assert desk.call("POST", f"/cases/{done}/close", user="engineer", body=resolved).status == 200
    assert desk.call("POST", f"/cases/{done}/reopen", user="engineer", body={"information": "Redo a step."}).status == 200
    cancel = {"subStatus": "Cancelled", "comment": "Not needed after all.", "reason": "customer-asked"}
    assert desk.call("POST", f"/cases/{done}/close", user="engineer", body=cancel).status == 200
    assert request(desk, {**RELEASE, "contactId": "c-alice"}).body["error"] == "release_quota_used"  # done: the quarter's is used

    desk.set_api_time(NEXT_QUARTER)
    cancelled = request(desk, {**RELEASE, "contactId": "c-alice"}).body["case"]["caseNumber"]
    assert desk.call("POST", f"/cases/{cancelled}/close", user="engineer", body=cancel).status == 200
    reopened = desk.call("POST", f"/cases/{cancelled}/reopen", user="customer", body={"information": "We want it now."})
    assert (reopened.status, reopened.body["error"]) == (409, "installation_cancelled") and "POST /maintenance/requests" in (
        reopened.body["message"]
    )


def test_a_contract_without_the_entitlement_is_refused(desk):
    put(desk, platform_key("acme"), account_id="acme", release_upgrades_per_quarter=0)
    refused = request(desk, {**RELEASE, "contactId": "c-alice"})
    assert (refused.status, refused.body["error"]) == (409, "not_entitled"), refused
    assert "releaseUpgradesPerQuarter is 0" in refused.body["message"]


def test_a_fiscal_year_sets_the_quarters(desk):
    put(desk, platform_key("acme"), account_id="acme", fiscal_year_start_month=11)
    accepted = request(desk, {**RELEASE, "contactId": "c-alice"})
    assert accepted.body["case"]["installation"]["quota"] == "Release upgrade, FY2027 Q1", accepted  # Nov 2026 - Jan 2027


@pytest.mark.parametrize(
    ("changes", "status", "code", "words"),
    [
        ({"reason": "behind-ga"}, 422, "no_release_criterion", "known or new SCR, or for a feature"),
        ({"systemImpacting": False}, 422, "not_system_impacting", "system-impacting issue"),
    ],
)
def test_a_release_without_the_guides_reason_is_refused(desk, changes, status, code, words):
    refused = request(desk, {**RELEASE, "contactId": "c-alice", **changes})
    assert (refused.status, refused.body["error"]) == (status, code), refused
    assert words in refused.body["message"]


def test_a_patch_needs_a_service_affecting_scr_in_a_feature_in_use(desk):
    body = {"accountId": "acme", "contactId": "c-alice", "kind": "patch", "reason": "new-scr", "scrs": ["SCR-77"],
            "target": {"patch": "2026 R4 Patch 3"}, "featureInUse": False, "serviceAffecting": True}  # fmt: skip
    refused = request(desk, body)
    assert (refused.status, refused.body["error"], refused.body["field"]) == (422, "feature_not_in_use", "featureInUse")
    assert request(desk, {**body, "featureInUse": True}).status == 201
    twice = request(desk, {**body, "kind": "windows-update", "target": {"kbs": ["KB5000001", "kb5000001"]}})
    assert twice.status == 422 and "target.kbs names one twice" in twice.body["message"]
    incomplete = request(desk, {k: v for k, v in body.items() if k != "serviceAffecting"})
    assert incomplete.status == 422 and "serviceAffecting" in incomplete.body["message"]


def test_a_gateway_update_for_behind_ga_needs_three_updates_and_one_a_contract_year(desk):
    put(desk, gateway_catalog_key("interaction-gateway"), gateway_type="interaction-gateway", updates=["SU1", "SU2", "SU3", "SU4"])
    gateways = [
        {"gateway_id": "gw-1", "gateway_type": "interaction-gateway", "installed_update": "SU3"},
        {"gateway_id": "gw-2", "gateway_type": "interaction-gateway", "installed_update": "SU1"},
    ]
    put(desk, platform_key("acme"), account_id="acme", gateways=gateways, gateway_updates_per_contract_year=1)
    body = {"accountId": "acme", "contactId": "c-alice", "kind": "gateway-update", "reason": "behind-ga",
            "target": {"gateways": ["gw-1"], "update": "SU4"}}  # fmt: skip

    one_behind = request(desk, body)
    assert (one_behind.status, one_behind.body["error"]) == (422, "not_behind_ga"), one_behind
    assert "only 1 update behind the current GA" in one_behind.body["message"]
    unknown = request(desk, {**body, "target": {"gateways": ["gw-9"], "update": "SU4"}})
    assert (unknown.status, unknown.body["error"]) == (422, "gateway_unknown")

    three_behind = request(desk, {**body, "target": {"gateways": ["gw-2"], "update": "SU4"}})
    assert three_behind.status == 201, three_behind
    assert three_behind.body["case"]["installation"]["quota"] == "gateway update, contract year 2026"
    again = request(desk, {**body, "target": {"gateways": ["gw-2"], "update": "SU4"}})
    assert (again.status, again.body["error"]) == (409, "gateway_quota_used")
    assert "the next can be requested from 2027-01-01" in again.body["message"]


def test_the_check_answers_the_rule_and_writes_nothing(desk):
    before = desk.item_count()
    allowed = desk.call("POST", "/maintenance/requests/check", user="engineer", body={**RELEASE, "contactId": "c-alice"})
    assert (allowed.status, allowed.body["code"]) == (200, "allowed") and "Q4 2026" in allowed.body["message"]
    refused = desk.call("POST", "/maintenance/requests/check", user="engineer", body={**RELEASE, "contactId": "c-alice", "scrs": []})
    assert refused.status == 422 and "scrs" in refused.body["message"]
    assert desk.item_count() == before


def test_customers_ask_through_a_case_and_other_accounts_cases_are_not_closed(desk):
    refused = request(desk, {**RELEASE, "contactId": "c-alice"}, user="customer")
    assert (refused.status, refused.body["error"]) == (403, "installation_staff_only") and "Service Request" in refused.body["message"]
    other = open_case(desk, user="other_customer")
    wrong = request(desk, {**RELEASE, "resolvesCases": [other]})
    assert (wrong.status, wrong.body["error"]) == (422, "case_not_of_account")
    missing = request(desk, {**RELEASE, "accountId": "nobody", "contactId": "c-alice"})
    assert missing.status == 404


def test_too_many_cases_for_one_transaction_are_refused_with_how_many_fit(desk):
    numbers = [open_case(desk, subject=f"Problem {n}") for n in range(30)]
    before = desk.item_count()
    refused = request(desk, {**RELEASE, "resolvesCases": numbers})
    assert (refused.status, refused.body["error"]) == (422, "too_many_resolved_cases"), refused
    assert "name at most" in refused.body["message"]
    assert desk.item_count() == before


def desk_store():
    from functions.cases.logic.dependencies import dependencies

    return dependencies().store
