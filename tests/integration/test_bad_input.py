"""Bad input gets a 4xx JSON error naming what to fix, and writes nothing."""

import json

import pytest

from tests.support.payloads import support_case


@pytest.fixture
def stack(local_aws):
    local_aws.baseline = local_aws.item_count()
    yield local_aws
    assert local_aws.item_count() == local_aws.baseline, "a refused request wrote something"
    assert local_aws.published_events() == [], "a refused request published an event"


def assert_error(result, status: int, error: str, field: str | None = None):
    assert result.status == status, result
    assert result.body["error"] == error
    assert result.body["message"]
    if field:
        assert result.body["field"] == field


@pytest.mark.parametrize("raw", ['{"caseType": "Support",', "not json", "[1, 2", "{'single': 'quotes'}"])
def test_malformed_json(stack, raw):
    assert_error(stack.call("POST", "/cases", body=raw), 400, "malformed_json")


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"subject": 42}, "subject"),
        ({"securityThreat": "maybe"}, "securityThreat"),
        ({"priority": "0-Apocalypse"}, "priority"),
        ({"environmentType": "Staging"}, "environmentType"),
        ({"caseSubType": None, "subject": "x"}, "caseSubType"),
        ({"subject": "   "}, "subject"),
        ({"subject": "x" * 256}, "subject"),
        ({"caseType": "Telepathy"}, "caseType"),
    ],
)
def test_wrong_types_and_values_name_the_field(stack, overrides, field):
    result = stack.call("POST", "/cases", body=support_case(**overrides))
    assert_error(result, 422, "validation_error")
    assert field in result.body["field"]


def test_unknown_fields_are_refused_not_dropped(stack):
    result = stack.call("POST", "/cases", body=support_case(accountId="globex"))
    assert_error(result, 422, "validation_error")
    assert result.body["field"].endswith("accountId")
    assert "unknown field" in result.body["message"]


@pytest.mark.parametrize("body", ["", "null", "[]", "123", '"text"'])
def test_missing_or_non_object_body(stack, body):
    result = stack.call("POST", "/cases", body=body)
    assert result.status in (400, 422), result
    assert result.body["error"] in ("malformed_json", "validation_error")


def test_body_over_256_kb_is_refused_before_parsing(stack):
    huge = json.dumps(support_case(description="x" * (256 * 1024)))
    assert_error(stack.call("POST", "/cases", body=huge), 413, "payload_too_large")


def test_description_just_under_the_cap_is_refused_by_its_own_limit(stack):
    result = stack.call("POST", "/cases", body=support_case(description="y" * 40_000))
    assert_error(result, 422, "validation_error", None)
    assert "description" in result.body["field"]


def test_missing_token(stack):
    assert_error(stack.call("POST", "/cases", user=None, body=support_case()), 401, "unauthorized")
    assert_error(stack.call("GET", "/cases", user=None), 401, "unauthorized")


def test_claims_without_a_support_group_or_account(stack):
    from functions.cases.handlers.api import lambda_handler
    from local.api_gateway import proxy_event
    from local.http_adapter import LambdaContext

    for claims in ({"sub": "u-x"}, {"sub": "u-x", "cognito:groups": "customer-contacts"}, {"sub": "u-x", "cognito:groups": "hackers"}):
        response = lambda_handler(proxy_event("GET", "/cases", claims=claims), LambdaContext())
        assert response["statusCode"] == 401
        assert json.loads(response["body"])["error"] == "unauthorized"


@pytest.mark.parametrize("number", ["123", "00000000001", "abcdefghij", "0000000001%20"])
def test_badly_formed_case_numbers(stack, number):
    assert_error(stack.call("GET", f"/cases/{number}"), 422, "validation_error", "caseNumber")


@pytest.mark.parametrize("key", ["", "has space", "k" * 129, "ünïcode"])
def test_bad_idempotency_keys(stack, key):
    assert_error(stack.call("POST", "/cases", body=support_case(), headers={"Idempotency-Key": key}), 422, "validation_error")


def test_unknown_route_and_method(stack):
    assert_error(stack.call("GET", "/nothing-here"), 404, "not_found")
    assert_error(stack.call("DELETE", "/cases"), 404, "not_found")


@pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream", "application/xml"])
def test_a_body_that_is_not_json(stack, content_type):
    result = stack.call("POST", "/cases", body="subject=hello", headers={"Content-Type": content_type})
    assert_error(result, 415, "unsupported_media_type")


def test_multipart_without_boundary(stack):
    result = stack.call("POST", "/cases", body="--x--", headers={"Content-Type": "multipart/form-data"})
    assert 400 <= result.status < 500
    assert result.body["error"]


def test_a_misspelt_query_parameter_is_refused_not_ignored(stack):
    result = stack.call("GET", "/cases", query={"veiw": "my-closed"})
    assert_error(result, 400, "unknown_parameter", "veiw")
    assert "view" in result.body["message"]


def test_deeply_nested_json(stack):
    assert_error(stack.call("POST", "/cases", body="[" * 3000 + "]" * 3000), 400, "malformed_json")
