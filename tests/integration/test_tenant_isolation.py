"""Every route, walked by a customer with another account's identifiers: always 404, nothing disclosed."""

import pytest

from tests.support.payloads import support_case


@pytest.fixture
def foreign_case(local_aws):
    """A case of account globex, as its own customer opened it."""
    return local_aws.call("POST", "/cases", user="other_customer", body=support_case()).body["caseNumber"]


ROUTES_WITH_FOREIGN_IDS = [
    ("GET", "/cases/{case}", None, None),
    ("GET", "/cases", {"view": "all-non-closed", "accountId": "globex"}, None),
    ("GET", "/cases", {"view": "my-open", "accountId": "globex"}, None),
    ("POST", "/cases", None, support_case(onBehalfOf={"accountId": "globex", "contactId": "c-gina"})),
]


@pytest.mark.parametrize("method, path, query, body", ROUTES_WITH_FOREIGN_IDS)
@pytest.mark.parametrize("user", ["customer", "customer_mac", "colleague"])
def test_another_accounts_identifiers_answer_404(local_aws, foreign_case, user, method, path, query, body):
    before = local_aws.item_count()

    result = local_aws.call(method, path.format(case=foreign_case), user=user, query=query, body=body)

    assert result.status == 404, result
    assert result.body["error"] == "not_found"
    assert "Globex" not in str(result.body) and "c-gina" not in str(result.body)
    assert local_aws.item_count() == before


def test_a_foreign_case_and_a_missing_case_answer_alike(local_aws, foreign_case):
    foreign = local_aws.call("GET", f"/cases/{foreign_case}")
    missing = local_aws.call("GET", "/cases/0009999999")
    assert foreign.status == missing.status == 404
    assert foreign.body == {**missing.body, "message": missing.body["message"].replace("0009999999", foreign_case)}


def test_the_owner_and_staff_do_see_it(local_aws, foreign_case):
    assert local_aws.call("GET", f"/cases/{foreign_case}", user="other_customer").status == 200
    assert local_aws.call("GET", f"/cases/{foreign_case}", user="engineer").status == 200
    assert local_aws.call("GET", f"/cases/{foreign_case}", user="manager").status == 200


def test_a_colleague_sees_account_cases_but_not_in_my_views(local_aws):
    number = local_aws.call("POST", "/cases", body=support_case()).body["caseNumber"]
    assert local_aws.call("GET", f"/cases/{number}", user="colleague").status == 200
    assert local_aws.call("GET", "/cases", user="colleague", query={"view": "my-open"}).body["items"] == []
    account_view = local_aws.call("GET", "/cases", user="colleague", query={"view": "all-open"}).body["items"]
    assert [case["caseNumber"] for case in account_view] == [number]
