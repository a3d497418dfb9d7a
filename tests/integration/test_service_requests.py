"""Service requests (MACs) through the real handler under moto: the catalog, who may open one, form checks."""

from collections import Counter

import pytest

from bench.aws_calls import count_aws_calls, count_caller_directory_reads  # imported at collection: before any client exists
from bench.call_budgets import create_within_budget
from functions.cases.models.service_requests import MAC_RULE
from tests.support.payloads import service_request

BOB_BY_PHONE = {"accountId": "acme", "contactId": "c-bob"}  # c-bob is acme's MAC-authorized contact


def test_any_signed_in_role_reads_the_catalog(local_aws):
    for user in ("customer", "customer_mac", "engineer", "manager", "other_customer"):
        result = local_aws.call("GET", "/catalog/service-requests", user=user)
        assert result.status == 200, user

    catalog = result.body
    assert catalog["rule"] == MAC_RULE
    assert len(catalog["macTypes"]) == 20
    add_user = next(mac_type for mac_type in catalog["macTypes"] if mac_type["id"] == "add-user")
    assert add_user["name"] == "Add A User" and add_user["timeAndMaterial"] is False
    login = next(field for field in add_user["fields"] if field["name"] == "loginId")
    assert login == {
        "name": "loginId", "label": "User id (login)", "type": "string", "required": True, "maxLength": 64,
        "minimum": None, "maximum": None, "choices": None, "help": "The PureConnect user id, e.g. jsmith.",
    }  # fmt: skip


def test_the_catalog_needs_a_token(local_aws):
    assert local_aws.call("GET", "/catalog/service-requests", user=None).status == 401


@pytest.mark.parametrize(
    "mac_type, fields",
    [
        ("add-user", {"fullName": "Dana Agent", "loginId": "dagent", "email": "dana@acme.example", "workgroups": "Sales\nSupport"}),
        ("toll-free-number-add", {"tollFreeNumber": "1-800-555-0199", "routeTo": "Main IVR", "effectiveDate": "2026-12-01"}),
        ("add-workgroup", {"workgroupName": "Billing", "acd": True, "wrapUpSeconds": 30}),
        ("attendant-modification", {"profile": "Main", "changeDescription": "Holiday greeting", "requestedCompletionDate": "2026-12-20"}),
    ],
)
def test_a_mac_authorized_contact_opens_a_service_request(local_aws, mac_type, fields):
    result = local_aws.call("POST", "/cases", user="customer_mac", body=service_request(mac_type, fields))

    assert result.status == 201, result
    case = result.body
    assert (case["caseType"], case["macType"], case["macFields"]) == ("Service Request", mac_type, fields)
    assert (case["contactId"], case["channel"], case["priority"], case["timeAndMaterial"]) == ("c-bob", "web", "4-Low", False)
    stored = local_aws.call("GET", f"/cases/{case['caseNumber']}", user="customer_mac").body
    assert stored["macFields"] == fields and stored["macType"] == mac_type
    assert {name: type(value) for name, value in stored["macFields"].items()} == {name: type(value) for name, value in fields.items()}


def test_other_mac_requests_are_time_and_material_and_text_is_trimmed(local_aws):
    body = service_request("other", {"requestDescription": "  Rename the Sales queue  ", "requestedCompletionDate": ""})
    case = local_aws.call("POST", "/cases", user="customer_mac", body=body).body

    assert case["timeAndMaterial"] is True
    assert case["macFields"] == {"requestDescription": "Rename the Sales queue"}


def test_a_contact_who_is_not_mac_authorized_is_refused_with_the_rule_and_nothing_is_written(local_aws):
    before = local_aws.item_count()
    result = local_aws.call("POST", "/cases", user="customer", body=service_request("add-user", {}))

    assert (result.status, result.body["error"]) == (403, "forbidden")
    assert result.body["message"] == MAC_RULE
    assert local_aws.item_count() == before
    assert local_aws.published_events() == []


@pytest.mark.parametrize(
    "mac_type, fields, field, words",
    [
        ("add-user", {"fullName": "Dana", "email": "dana@acme.example"}, "fields.loginId", "required"),
        ("add-user", {"fullName": "Dana", "loginId": "d", "email": "dana@acme.example", "pager": "1"}, "fields.pager", "not a field"),
        ("add-user", {"fullName": "Dana", "loginId": "d", "email": "not-an-address"}, "fields.email", "email address"),
        ("add-user", {"fullName": "Dana", "loginId": "d" * 65, "email": "dana@acme.example"}, "fields.loginId", "at most 64"),
        ("add-workgroup", {"workgroupName": "Billing", "acd": "yes"}, "fields.acd", "true or false"),
        ("add-workgroup", {"workgroupName": "Billing", "wrapUpSeconds": 7200}, "fields.wrapUpSeconds", "at most 3600"),
        ("toll-free-number-remove", {"tollFreeNumber": "1-800-555-0199", "effectiveDate": "12/01/2026"}, "fields.effectiveDate",
         "YYYY-MM-DD"),
        ("did-dnis-table-modification", {"action": "Move", "numbers": "3175550100"}, "fields.action", "one of Add, Change, Remove"),
        ("tsra-add-user", {"tsraUserId": "t1", "fullName": "T", "email": "t@acme.example", "phoneNumber": "call me"},
         "fields.phoneNumber", "phone number"),
    ],
)  # fmt: skip
def test_form_errors_name_the_field(local_aws, mac_type, fields, field, words):
    result = local_aws.call("POST", "/cases", user="customer_mac", body=service_request(mac_type, fields))

    assert (result.status, result.body["error"], result.body["field"]) == (422, "validation_error", field)
    assert words in result.body["message"]
    assert local_aws.call("GET", "/cases", user="customer_mac", query={"view": "all-non-closed"}).body["items"] == []


def test_an_unknown_mac_type_lists_the_valid_ids(local_aws):
    result = local_aws.call("POST", "/cases", user="customer_mac", body=service_request("add-users", {}))

    assert (result.status, result.body["field"]) == (422, "macType")
    assert "'add-users' is not a MAC type" in result.body["message"]
    assert "add-user, delete-user" in result.body["message"] and "other" in result.body["message"]


def test_service_requests_follow_the_web_priority_rules(local_aws):
    fields = {"tsraUserId": "t1"}
    medium = local_aws.call("POST", "/cases", user="customer_mac", body=service_request("tsra-password-reset", fields, priority="3-Medium"))
    high = local_aws.call("POST", "/cases", user="customer_mac", body=service_request("tsra-password-reset", fields, priority="2-High"))

    assert (medium.status, medium.body["priority"]) == (201, "3-Medium")
    assert (high.status, high.body["error"]) == (422, "priority_requires_phone")


def test_an_engineer_opens_one_by_phone_for_a_mac_authorized_contact(local_aws):
    body = service_request("tsra-user-deletion", {"tsraUserId": "t1"}, onBehalfOf=BOB_BY_PHONE, priority="2-High")
    result = local_aws.call("POST", "/cases", user="engineer", body=body)

    assert result.status == 201, result
    assert (result.body["contactId"], result.body["openedBy"], result.body["channel"]) == ("c-bob", "u-erin", "phone")
    assert result.body["macFields"] == {"tsraUserId": "t1"}
    mine = local_aws.call("GET", "/cases", user="customer_mac", query={"view": "my-open"}).body["items"]
    assert [case["caseNumber"] for case in mine] == [result.body["caseNumber"]]


def test_an_engineer_cannot_open_one_for_a_contact_who_is_not_mac_authorized(local_aws):
    body = service_request("tsra-user-deletion", {"tsraUserId": "t1"}, onBehalfOf={"accountId": "acme", "contactId": "c-alice"})
    before = local_aws.item_count()
    result = local_aws.call("POST", "/cases", user="engineer", body=body)

    assert (result.status, result.body["field"]) == (403, "onBehalfOf.contactId")
    assert "not MAC-authorized" in result.body["message"]
    assert local_aws.item_count() == before
    assert local_aws.published_events() == []


def test_an_idempotent_retry_returns_the_same_service_request(local_aws):
    headers = {"Idempotency-Key": "mac-retry-1"}
    body = service_request("other", {"requestDescription": "Add a skill"})
    first = local_aws.call("POST", "/cases", user="customer_mac", body=body, headers=headers)
    retry = local_aws.call("POST", "/cases", user="customer_mac", body=body, headers=headers)

    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.body == first.body and retry.body["timeAndMaterial"] is True


def test_a_service_request_create_stays_within_the_create_budget_and_refusals_make_no_call(local_aws):
    body = service_request("tsra-password-reset", {"tsraUserId": "t1"})
    for_bob = {**body, "onBehalfOf": BOB_BY_PHONE}
    requests = [
        ("customer_mac", body, None, 201),
        ("customer_mac", body, {"Idempotency-Key": "mac-budget-1"}, 201),
        ("customer_mac", body, {"Idempotency-Key": "mac-budget-1"}, 201),  # a replay
        ("engineer", for_bob, {"Idempotency-Key": "mac-budget-2"}, 201),  # reads the account's directory too
        ("customer", body, None, 403),
        ("customer_mac", {**body, "fields": {}}, None, 422),
    ]
    for user, request, headers, status in requests:
        with count_aws_calls() as calls, count_caller_directory_reads() as directory_reads:
            result = local_aws.call("POST", "/cases", user=user, body=request, headers=headers)
        assert result.status == status, (user, result)
        calls -= Counter({("DynamoDB", "GetItem"): directory_reads.total()})  # the caller's account, per 60 s: its own budget
        assert create_within_budget(calls) if status == 201 else calls == Counter(), (user, headers, calls)
