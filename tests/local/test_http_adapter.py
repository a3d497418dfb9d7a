"""The local API Gateway's own behaviour, on a stand-in handler (no moto): ID tokens signed by the tests' own
issuer, whose JWKS is served on loopback."""

from __future__ import annotations

import base64
import json

import pytest
from werkzeug.test import Client

from local.http_adapter import LocalApi, LocalFunction
from tests.local.token_issuer import TokenIssuer, token_issuer

# The routes the stand-in handler serves, as a domain's OpenAPI would declare them.
ROUTES = [("/cases", "GET"), ("/cases", "POST"), ("/files", "POST"), ("/anything", "GET")]


@pytest.fixture(scope="module")
def issuer():
    with token_issuer() as running:
        yield running


@pytest.fixture
def client_for(issuer):
    def make(handler) -> tuple[Client, TokenIssuer]:
        return Client(LocalApi(handler, issuer.authorizer(), ROUTES)), issuer

    return make


def test_the_handler_gets_an_api_gateway_event_with_the_token_owners_claims(client_for):
    seen = {}

    def handler(event, context):
        seen.update(event=event, context=context)
        return {"statusCode": 200, "body": "{}", "headers": {"Content-Type": "application/json"}}

    client, tokens = client_for(handler)
    client.post("/cases?view=my-open", headers={"Authorization": f"Bearer {tokens.token()}"}, data=b'{"a": 1}')
    event = seen["event"]
    assert event["httpMethod"] == "POST" and event["path"] == "/cases"
    assert event["queryStringParameters"] == {"view": "my-open"}
    assert event["body"] == '{"a": 1}' and event["isBase64Encoded"] is False
    assert event["requestContext"]["authorizer"]["claims"]["sub"] == tokens.claims()["sub"]
    assert seen["context"].get_remaining_time_in_millis() > 0


def test_a_binary_body_arrives_base64_encoded(client_for):
    seen = {}

    def handler(event, context):
        seen.update(event)
        return {"statusCode": 204, "body": ""}

    client, tokens = client_for(handler)
    client.post("/files", headers={"Authorization": tokens.token()}, data=b"\xff\x00\xfe")
    assert seen["isBase64Encoded"] is True
    assert base64.b64decode(seen["body"]) == b"\xff\x00\xfe"


def test_the_proxy_response_is_written_back_as_api_gateway_does(client_for):
    def handler(event, context):
        return {
            "statusCode": 201,
            "headers": {"Content-Type": "application/octet-stream", "X-Single": "one", "Content-Length": "999"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"], "X-Single": ["multi wins"]},
            "body": base64.b64encode(b"\x00\x01").decode(),
            "isBase64Encoded": True,
        }

    client, tokens = client_for(handler)
    response = client.get("/anything", headers={"Authorization": tokens.token(**{"cognito:groups": ["engineers"]})})
    assert response.status_code == 201
    assert response.data == b"\x00\x01"
    assert response.headers.getlist("Set-Cookie") == ["a=1", "b=2"]
    assert response.headers.getlist("X-Single") == ["multi wins"]
    assert response.headers["Content-Length"] == "2"


def test_an_unknown_token_never_reaches_the_handler(client_for):
    client, _ = client_for(lambda event, context: pytest.fail("the handler ran"))
    response = client.get("/cases", headers={"Authorization": "forged"})
    assert response.status_code == 401
    assert response.json["error"] == "unauthorized"


def test_a_failure_in_the_adapter_or_handler_is_a_json_500(client_for):
    def handler(event, context):
        raise RuntimeError("boom")

    client, tokens = client_for(handler)
    response = client.get("/cases", headers={"Authorization": tokens.token()})
    assert response.status_code == 500
    assert response.mimetype == "application/json"
    assert json.loads(response.data)["error"] == "internal_error"


def test_local_routes_answer_without_a_token_and_never_reach_the_handler(issuer):
    seen = {}
    api = LocalApi(
        lambda event, context: pytest.fail("the handler ran"),
        issuer.authorizer(),
        [("/_local/outbox", "POST")],
        local_routes={"/_local/outbox": lambda query: seen.update(query) or {"items": []}},
    )
    response = Client(api).get("/_local/outbox?to=alice@acme.example")
    assert (response.status_code, response.json) == (200, {"items": []})
    assert seen == {"to": "alice@acme.example"}
    assert Client(api).post("/_local/outbox").status_code == 401  # only GET; anything else is the product's API


def test_an_undeclared_path_is_404_before_any_token_check_as_in_api_gateway(issuer):
    def handler(event, context):
        raise AssertionError("the handler must not run")

    tokens = issuer
    client = Client(LocalApi(handler, issuer.authorizer(), [("/cases/{caseNumber}", "GET")]))

    for method, path in [("GET", "/nothing"), ("DELETE", "/nothing"), ("GET", "/cases/0000000001/extra"), ("GET", "/cases")]:
        response = client.open(path, method=method, headers={"Authorization": tokens.token()})
        assert response.status_code == 404, (method, path)
        assert json.loads(response.data) == {"error": "not_found", "message": "No such route; see /openapi.json."}
    assert client.get("/cases/0000000001").status_code == 401  # declared: the authorizer answers


def test_another_method_on_a_declared_path_reaches_that_paths_lambda_behind_the_authorizer(issuer):
    """As the resource's ANY method does in API Gateway: the Lambda answers 405 with the methods it serves."""
    seen = []

    def cases(event, context):
        seen.append(("cases", event["httpMethod"], event["requestContext"]["authorizer"]["claims"]["sub"]))
        return {
            "statusCode": 405,
            "headers": {"Allow": "GET", "Content-Type": "application/json"},
            "body": '{"error": "method_not_allowed"}',
        }

    def files(event, context):
        seen.append(("files", event["httpMethod"], event["requestContext"]["authorizer"]["claims"]["sub"]))
        return {"statusCode": 405, "headers": {"Allow": "GET, POST"}, "body": '{"error": "method_not_allowed"}'}

    tokens, alice = issuer, issuer.claims()["sub"]
    files_function = LocalFunction("files-api", files, [("/cases/{caseNumber}/uploads", "GET"), ("/cases/{caseNumber}/uploads", "POST")])
    client = Client(LocalApi(cases, issuer.authorizer(), [("/cases/{caseNumber}", "GET")], other_functions=(files_function,)))

    assert client.delete("/cases/0000000001").status_code == 401  # the authorizer first, as for any declared resource
    assert seen == []
    signed_in = {"Authorization": tokens.token()}
    deleted = client.delete("/cases/0000000001", headers=signed_in)
    put = client.put("/cases/0000000001/uploads", headers=signed_in)

    assert (deleted.status_code, deleted.headers["Allow"], put.status_code, put.headers["Allow"]) == (405, "GET", 405, "GET, POST")
    assert seen == [("cases", "DELETE", alice), ("files", "PUT", alice)]
