"""Every domain API answers a method its path does not serve with 405 and Allow (API Gateway's ANY method on
each resource brings such requests to the Lambda); a path it does not serve stays 404."""

import json

import pytest
from aws_lambda_powertools.event_handler.router import Router

from functions.shared.api.middleware import allowed_methods
from functions.shared.api.resolver import create_api, resolve
from local.api_gateway import proxy_event
from local.http_adapter import LambdaContext

router = Router()


@router.get("/things")
def list_things():
    return {"items": []}


@router.post("/things")
def add_thing():
    return {}


@router.get("/things/<thingId>")
def get_thing(thingId: str):
    return {"thingId": thingId}


@router.delete("/things/<thingId>")
def delete_thing(thingId: str):
    return {}


app = create_api(router)


def call(method: str, path: str, query: dict | None = None) -> tuple[int, dict, dict]:
    response = resolve(app, proxy_event(method, path, query=query), LambdaContext("things-api"))
    headers = {key: values[-1] for key, values in (response.get("multiValueHeaders") or {}).items()}
    return response["statusCode"], {**headers, **(response.get("headers") or {})}, json.loads(response["body"])


@pytest.mark.parametrize(
    "method, path, allow",
    [
        ("DELETE", "/things", "GET, POST"),
        ("PATCH", "/things/7", "DELETE, GET"),
        ("PUT", "/things", "GET, POST"),
        ("HEAD", "/things/7", "DELETE, GET"),
    ],
)
def test_a_known_path_with_another_method_is_405_with_allow(method, path, allow):
    status, headers, body = call(method, path)
    assert (status, headers["Allow"]) == (405, allow)
    assert body["error"] == "method_not_allowed" and allow in body["message"]


def test_405_comes_before_the_query_check():
    assert call("DELETE", "/things", {"view": "x"})[0] == 405


@pytest.mark.parametrize("path", ["/nothing", "/things/7/parts", "/thing"])
def test_an_unknown_path_stays_404(path):
    status, headers, body = call("GET", path)
    assert (status, body["error"]) == (404, "not_found") and "Allow" not in headers


def test_served_methods_are_read_from_the_route_table():
    assert allowed_methods(app, "/things/7") == ["DELETE", "GET"]
    assert allowed_methods(app, "/openapi.json") == ["GET"]
    assert allowed_methods(app, "/other") == []
