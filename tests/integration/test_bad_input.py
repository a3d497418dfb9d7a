"""Bad input gets a 4xx JSON error naming what to fix, and writes nothing."""

import json

import pytest

from tests.support.payloads import admin_case, service_request, support_case
from tests.support.stack import ApiResult


@pytest.fixture
def stack(local_aws):
    local_aws.baseline = local_aws.item_count()
    yield local_aws
    assert local_aws.item_count() == local_aws.baseline, "a refused request wrote something"
    assert local_aws.published_events() == [], "a refused request published an event"


def files_call(method: str, path: str, body: dict, user: str = "customer") -> ApiResult:
    """The files API handler on one event (refusals only: they never reach AWS)."""
    from functions.files.handlers.api import lambda_handler
    from local.api_gateway import proxy_event
    from local.demo_directory import DEMO_USERS
    from local.http_adapter import LambdaContext

    event = proxy_event(method, path, claims=DEMO_USERS[user].claims(), body=json.dumps(body))
    response = lambda_handler(event, LambdaContext("files-api"))
    return ApiResult(response["statusCode"], json.loads(response["body"]), {})


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
        # Taken as sent: no coercion of 0/1 or "true" to a boolean, of a number to text.
        ({"securityThreat": 0}, "securityThreat"),
        ({"securityThreat": 1}, "securityThreat"),
        ({"securityThreat": "true"}, "securityThreat"),
        ({"product": 7}, "product"),
        ({"onBehalfOf": {"accountId": 1, "contactId": "c-1"}}, "onBehalfOf.accountId"),
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

    customer = {"sub": "u-x", "cognito:groups": "customer-contacts", "custom:account_id": "acme", "custom:contact_id": "c-alice"}
    for claims in (
        {"sub": "u-x"},
        {"sub": "u-x", "cognito:groups": "customer-contacts"},
        {"sub": "u-x", "cognito:groups": "hackers"},
        {**customer, "custom:account_id": "globex#c-gina"},  # a key separator in a claim
        {**customer, "custom:contact_id": "c" * 65},
        {**customer, "sub": "u x"},
    ):
        response = lambda_handler(proxy_event("GET", "/cases", claims=claims), LambdaContext())
        assert response["statusCode"] == 401, claims
        assert json.loads(response["body"])["error"] == "unauthorized"


@pytest.mark.parametrize("number", ["123", "00000000001", "abcdefghij", "0000000001%20"])
def test_badly_formed_case_numbers(stack, number):
    assert_error(stack.call("GET", f"/cases/{number}"), 422, "validation_error", "caseNumber")


@pytest.mark.parametrize("key", ["", "has space", "k" * 129, "ünïcode"])
def test_bad_idempotency_keys(stack, key):
    assert_error(stack.call("POST", "/cases", body=support_case(), headers={"Idempotency-Key": key}), 422, "validation_error")


def test_an_unknown_path_is_404(stack):
    assert_error(stack.call("GET", "/nothing-here"), 404, "not_found")
    assert_error(stack.call("DELETE", "/cases/0000000001/nothing"), 404, "not_found")


@pytest.mark.parametrize(
    "method, path, allow",
    [
        ("DELETE", "/cases", "GET, POST"),
        ("PUT", "/cases/0000000001", "GET, PATCH"),
        ("GET", "/cases/0000000001/close", "POST"),
        ("PATCH", "/cases/0000000001/updates", "GET, POST"),
    ],
)
def test_a_method_the_path_does_not_serve_is_405_with_allow(stack, method, path, allow):
    result = stack.call(method, path, body="{}" if method != "GET" else None, query={"view": "my-open"})
    assert_error(result, 405, "method_not_allowed")
    assert result.headers["allow"] == allow


def test_every_route_is_served_with_its_declared_methods_only(stack):
    """Each documented route answers its own method (never 405), and each other method on its path with 405."""
    from functions.cases.handlers.api import app
    from functions.shared.api.openapi import documented_routes

    routes = documented_routes(app)
    paths = {path for path, _ in routes}
    for path in paths:
        concrete = path.replace("{caseNumber}", "0009999999")
        declared = sorted(method for route_path, method in routes if route_path == path)
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - set(declared):
            result = stack.call(method, concrete, body="{}" if method != "GET" else None)
            assert (result.status, result.headers.get("allow")) == (405, ", ".join(declared)), (method, path)


def test_a_malformed_if_match_is_400_and_a_non_matching_one_412(local_aws):
    case = local_aws.call("POST", "/cases", body=support_case()).body["caseNumber"]

    def update(if_match: str):
        return local_aws.call("POST", f"/cases/{case}/updates", body={"text": "t"}, headers={"If-Match": if_match})

    for malformed in ["banana", "1", '"1', '"1" "2"', 'w/"1"', '"a b"']:
        assert_error(update(malformed), 400, "bad_request", "If-Match")
    for stale in ['"abc"', 'W/"1"', '"2"', '"01"', '"abc", W/"1"']:
        refused = update(stale)
        assert_error(refused, 412, "precondition_failed", "If-Match")
        assert "changed since you read it" in refused.body["message"]
    assert [item["text"] for item in local_aws.call("GET", f"/cases/{case}/updates").body["items"]] == []

    assert update('"0", "1"').status == 201  # a list matches if any of its tags does
    assert update('W/"2", "abc", "2"').status == 201
    assert update("*").status == 201  # any version of the case
    assert local_aws.call("GET", f"/cases/{case}").headers["etag"] == '"4"'
    missing = local_aws.call("POST", "/cases/0009999999/updates", body={"text": "t"}, headers={"If-Match": "*"})
    assert_error(missing, 404, "not_found")


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/close", {"subStatus": "Resolved", "comment": 1}, "comment"),
        ("/updates", {"text": True}, "text"),
        ("/escalations", {"kind": "priority", "requestedPriority": 3, "reason": "r"}, "requestedPriority"),
    ],
)
def test_change_bodies_are_not_coerced_either(local_aws, path, body, field):
    case = local_aws.call("POST", "/cases", body=support_case()).body["caseNumber"]
    version = local_aws.call("GET", f"/cases/{case}").body["version"]
    assert_error(local_aws.call("POST", f"/cases/{case}{path}", body=body), 422, "validation_error", field)
    assert local_aws.call("GET", f"/cases/{case}").body["version"] == version


def test_text_is_capped_in_utf8_bytes_as_well_as_characters(stack):
    four_bytes = "\U0001f600"
    at_cap = stack.call("POST", "/cases", body=admin_case(description=four_bytes * 16_384 + "a"))  # 16,385 characters, 65,537 bytes
    assert_error(at_cap, 422, "validation_error", "description")
    assert "at most 65,536 bytes in UTF-8" in at_cap.body["message"]


def test_service_request_form_values_are_capped(stack):
    form = {"requestDescription": "\u00e9" * 16_385}  # 32,770 bytes
    result = stack.call("POST", "/cases", user="customer_mac", body=service_request("other", form))
    assert_error(result, 422, "validation_error", "fields.requestDescription")
    assert "32,768 bytes" in result.body["message"]
    nested = stack.call("POST", "/cases", user="customer_mac", body=service_request("other", {"requestDescription": {"a": "b"}}))
    assert_error(nested, 422, "validation_error", "fields.requestDescription")


@pytest.mark.parametrize(
    "change, words",
    [
        ({"contentType": "text/plain\r\n; charset=utf-8"}, "pattern"),
        ({"contentType": "text/plain;\tcharset=utf-8"}, "pattern"),
        ({"contentType": "text/plain;\u00a0charset=utf-8"}, "pattern"),
        ({"contentType": "text/plain; name=\x01"}, "pattern"),
        ({"fileName": "invoice\u202egpj.exe"}, "bidirectional control characters (U+202E)"),
        ({"fileName": "a\u2066b.txt"}, "bidirectional control characters (U+2066)"),
        ({"size": "1"}, "valid integer"),
    ],
)
def test_upload_declarations_that_storage_or_people_cannot_trust_are_422(stack, change, words):
    body = {"fileName": "trace.txt", "size": 1, "checksum": {"algorithm": "CRC32", "value": "AAAAAA=="}, **change}
    result = files_call("POST", "/cases/0000000001/uploads", body)
    assert_error(result, 422, "validation_error", next(iter(change)))
    assert words in result.body["message"]


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
