"""POST /cases through the real handler under moto: the guide's web and phone rules, numbering, events."""

import pytest

from tests.support.payloads import admin_case, support_case


def test_customer_opens_a_web_support_case_with_the_form_fields(local_aws):
    result = local_aws.call("POST", "/cases", body=support_case(securityThreat=True))

    assert result.status == 201
    case = result.body
    assert case["caseNumber"] == "0000000001"
    assert result.headers["location"] == "/cases/0000000001"
    assert result.headers["etag"] == '"1"'
    assert (case["accountId"], case["contactId"], case["openedBy"]) == ("acme", "c-alice", "u-alice")
    assert (case["status"], case["subStatus"], case["priority"], case["channel"]) == ("Open", "New", "4-Low", "web")
    assert case["securityThreat"] is True
    assert case["productGroup"] == "PureConnect" and case["database"] == "SQL Server 2019"
    assert case["createdAt"].endswith("Z") and case["createdAt"] == case["modifiedAt"]


def test_case_numbers_are_sequential_and_ten_digits(local_aws):
    numbers = [local_aws.call("POST", "/cases", body=admin_case()).body["caseNumber"] for _ in range(3)]
    assert numbers == ["0000000001", "0000000002", "0000000003"]


def test_admin_case_needs_no_product_fields(local_aws):
    result = local_aws.call("POST", "/cases", body=admin_case())
    assert result.status == 201
    assert result.body["caseType"] == "Admin" and result.body["product"] is None


def test_customer_may_choose_medium_on_the_web(local_aws):
    assert local_aws.call("POST", "/cases", body=support_case(priority="3-Medium")).body["priority"] == "3-Medium"


@pytest.mark.parametrize("priority", ["2-High", "1-Prod Down"])
def test_high_and_prod_down_from_the_web_say_to_call(local_aws, priority):
    result = local_aws.call("POST", "/cases", body=support_case(priority=priority))

    assert result.status == 422
    assert result.body["error"] == "priority_requires_phone"
    assert result.body["field"] == "priority"
    assert "call 1-866-794-3423" in result.body["message"]
    assert local_aws.call("GET", "/cases", query={"view": "all-non-closed"}).body["items"] == []


def test_customer_cannot_open_a_case_for_someone_else(local_aws):
    behalf = local_aws.call("POST", "/cases", body=support_case(onBehalfOf={"accountId": "acme", "contactId": "c-carol"}))

    assert (behalf.status, behalf.body["field"]) == (403, "onBehalfOf")
    assert local_aws.call("GET", "/cases", user="other_customer", query={"view": "all-non-closed"}).body["items"] == []


def test_engineer_opens_a_prod_down_case_by_phone_for_a_contact(local_aws):
    result = local_aws.call(
        "POST", "/cases", user="engineer",
        body=support_case(priority="1-Prod Down", onBehalfOf={"accountId": "acme", "contactId": "c-carol"}),
    )  # fmt: skip

    assert result.status == 201
    assert (result.body["priority"], result.body["channel"]) == ("1-Prod Down", "phone")
    assert (result.body["accountId"], result.body["contactId"], result.body["openedBy"]) == ("acme", "c-carol", "u-erin")
    mine = local_aws.call("GET", "/cases", user="colleague", query={"view": "my-open"}).body["items"]
    assert [case["caseNumber"] for case in mine] == [result.body["caseNumber"]]


def test_engineer_must_name_an_existing_account_and_contact(local_aws):
    missing = local_aws.call("POST", "/cases", user="engineer", body=support_case())
    unknown_account = local_aws.call(
        "POST", "/cases", user="engineer", body=support_case(onBehalfOf={"accountId": "nope", "contactId": "c-alice"})
    )
    foreign_contact = local_aws.call(
        "POST", "/cases", user="engineer", body=support_case(onBehalfOf={"accountId": "acme", "contactId": "c-gina"})
    )

    assert (missing.status, missing.body["field"]) == (422, "onBehalfOf")
    assert (unknown_account.status, unknown_account.body["field"]) == (404, "onBehalfOf.accountId")
    assert (foreign_contact.status, foreign_contact.body["field"]) == (422, "onBehalfOf.contactId")
    # nothing was written, not even the case-number counter
    assert local_aws.call("POST", "/cases", body=support_case()).body["caseNumber"] == "0000000001"


def test_every_create_emits_case_created_with_number_account_and_actor(local_aws):
    created = local_aws.call("POST", "/cases", body=support_case()).body

    events = local_aws.published_events()

    # A web case also starts its first-response escalation timer.
    assert [event["detail-type"] for event in events] == ["CaseCreated", "CaseTimerStarted"]
    assert {event["source"] for event in events} == {"dss.cases"}
    detail = events[0]["detail"]
    assert (detail["caseNumber"], detail["accountId"]) == (created["caseNumber"], "acme")
    assert detail["actor"] == {"userId": "u-alice", "role": "customer-contacts", "contactId": "c-alice"}


def test_a_retry_with_the_same_idempotency_key_returns_the_same_case(local_aws):
    headers = {"Idempotency-Key": "8d3c6f0e-retry-1"}
    first = local_aws.call("POST", "/cases", body=support_case(), headers=headers)
    retry = local_aws.call("POST", "/cases", body=support_case(), headers=headers)

    assert first.status == retry.status == 201
    assert retry.body == first.body
    assert retry.headers["idempotent-replayed"] == "true"
    listed = local_aws.call("GET", "/cases", query={"view": "my-non-closed"}).body["items"]
    assert len(listed) == 1


def test_the_same_key_with_a_different_body_is_refused(local_aws):
    headers = {"Idempotency-Key": "reused-key"}
    local_aws.call("POST", "/cases", body=support_case(), headers=headers)
    other = local_aws.call("POST", "/cases", body=support_case(subject="Something else"), headers=headers)

    assert other.status == 409
    assert other.body["error"] == "idempotency_key_reused"


def test_idempotency_keys_belong_to_their_caller(local_aws):
    headers = {"Idempotency-Key": "shared-key"}
    mine = local_aws.call("POST", "/cases", body=support_case(), headers=headers)
    theirs = local_aws.call("POST", "/cases", user="other_customer", body=support_case(), headers=headers)

    assert theirs.status == 201
    assert theirs.body["caseNumber"] != mine.body["caseNumber"]
    assert theirs.body["accountId"] == "globex"
