"""The local API Gateway: a WSGI app that turns each HTTP request into a REST proxy event, runs the real
handler of the Lambda that serves the route in-process and writes its proxy response back. It does what
API Gateway does before the Lambda runs: the route table, the 10 MB body limit and the Cognito
authorizer (local/tokens.py: the ID token checked against the local user pool's keys), except on the routes
the stack serves without it (the documentation, and those whose OpenAPI needs no token: GET /sign-in)."""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from wsgiref.types import StartResponse, WSGIEnvironment

from werkzeug.wrappers import Request, Response

if TYPE_CHECKING:
    from functions.shared.api.resolver import ApiResolver

from functions.shared.api.openapi import PUBLIC_PATHS
from local.api_gateway import proxy_event
from local.tokens import Authorizer

API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024
API_GATEWAY_TIMEOUT_SECONDS = 29
# Routes the stack's API declares without the Cognito authorizer.
PUBLIC_ROUTES = {("GET", path) for path in PUBLIC_PATHS}
NO_SUCH_ROUTE = {"error": "not_found", "message": "No such route; see /openapi.json."}
UNAUTHORIZED = {"error": "unauthorized", "message": "Sign in and send your ID token in the Authorization header."}
TOO_LARGE = {"error": "payload_too_large", "message": "The body is larger than 10 MB, API Gateway's limit. Attach large content as a file."}
INTERNAL_ERROR = {"error": "internal_error", "message": "The local API failed to run the handler; see the server's log."}
# API Gateway sets these itself; a handler's values would be wrong after base64 decoding.
_HOP_BY_HOP = {"content-length", "transfer-encoding", "connection"}

log = logging.getLogger("local.api")

Handler = Callable[[dict, object], dict]
# Routes of the local stack itself (not the product's API, not in its OpenAPI), served without a token: path -> the
# JSON object answering a GET with the query's arguments; and path -> the status and JSON object answering a POST
# with its body. Any other method on such a path is the product API's (404: it declares no such path).
LocalRoutes = Mapping[str, Callable[[dict[str, str]], Mapping[str, object]]]
LocalPosts = Mapping[str, Callable[[bytes], tuple[int, Mapping[str, object]]]]


class LambdaContext:
    """The Lambda context attributes Powertools reads (Logger, idempotency's remaining time)."""

    memory_limit_in_mb = 512

    def __init__(self, function_name: str = "cases-api", timeout_seconds: float = API_GATEWAY_TIMEOUT_SECONDS):
        self.function_name = function_name
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.aws_request_id = str(uuid.uuid4())
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass
class LocalFunction:
    """One Lambda behind the API: its handler and the (path template, method) routes it serves."""

    name: str
    handler: Handler
    routes: list[tuple[str, str]] = field(default_factory=list)
    # Those of `routes` served without a token (the stack's API declares them without the authorizer).
    public_routes: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._patterns = [(re.compile("^" + re.sub(r"{\w+}", "[^/]+", path) + "$"), method) for path, method in self.routes]
        self._public = [(re.compile("^" + re.sub(r"{\w+}", "[^/]+", path) + "$"), method) for path, method in self.public_routes]
        # One warm container: the resolver keeps the current event on a module-level app, so two
        # requests at once in one interpreter would read each other's claims.
        self.container = threading.Lock()

    def serves(self, method: str, path: str) -> bool:
        return any(method == declared and pattern.match(path) for pattern, declared in self._patterns)

    def serves_path(self, path: str) -> bool:
        return any(pattern.match(path) for pattern, _ in self._patterns)

    def serves_publicly(self, method: str, path: str) -> bool:
        return any(method == declared and pattern.match(path) for pattern, declared in self._public)


class LocalApi:
    def __init__(
        self,
        handler: Handler,
        authorizer: Authorizer,
        routes: list[tuple[str, str]],
        *,
        function_name: str = "cases-api",
        local_routes: LocalRoutes | None = None,
        other_functions: tuple[LocalFunction, ...] = (),
        local_posts: LocalPosts | None = None,
    ):
        """`handler` serves `routes` (path template, method) and the public documentation; `other_functions`
        their own routes."""
        self.authorizer = authorizer
        self.local_routes = local_routes or {}
        self.local_posts = local_posts or {}
        self.functions = [LocalFunction(function_name, handler, routes), *other_functions]

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        try:
            response = self._respond(request)
        except Exception:
            log.exception("local API: %s %s failed", request.method, request.path)
            response = json_response(500, INTERNAL_ERROR)
        return response(environ, start_response)

    def _respond(self, request: Request) -> Response:
        if request.method == "GET" and request.path in self.local_routes:
            return json_response(200, self.local_routes[request.path](request.args.to_dict()))
        body = read_body(request, API_GATEWAY_MAX_BODY_BYTES)
        if body is None:
            return json_response(413, TOO_LARGE)
        if request.method == "POST" and request.path in self.local_posts:
            return json_response(*self.local_posts[request.path](body))
        public = (request.method, request.path) in PUBLIC_ROUTES
        serving = self.functions[0] if public else self._function_for(request.method, request.path)
        # API Gateway answers a request for a path it does not declare before any authorizer: 404. Another method
        # on a declared path reaches the path's Lambda through the resource's ANY method (behind the same
        # authorizer), which answers 405 with the methods it serves.
        if serving is None:
            return json_response(404, NO_SUCH_ROUTE)
        public = public or serving.serves_publicly(request.method, request.path)
        claims = None
        if not public:
            claims = self.authorizer.claims_for(request.headers.get("Authorization"))
            if claims is None:
                return json_response(401, UNAUTHORIZED)
        event = proxy_event(
            request.method,
            request.path,
            claims=claims,
            headers=dict(request.headers),
            query=request.query_string.decode("utf-8", "replace"),
            body=body,
        )
        with serving.container:
            result = serving.handler(event, LambdaContext(serving.name))
        return proxy_response(result)

    def _function_for(self, method: str, path: str) -> LocalFunction | None:
        return next((function for function in self.functions if function.serves(method, path)), None) or next(
            (function for function in self.functions if function.serves_path(path)), None
        )


def product_api(authorizer: Authorizer, local_routes: LocalRoutes | None = None, local_posts: LocalPosts | None = None) -> LocalApi:
    """The product's API as the stack deploys it: the cases Lambda (with the public documentation), the
    files, directory, alerts, monitoring intake, reports and updates Lambdas, each serving the routes its own OpenAPI
    declares. Imports the handlers, so call it once the environment points at the emulator."""
    from functions.alerts.handlers.api import app as alerts_app
    from functions.alerts.handlers.api import lambda_handler as alerts_handler
    from functions.alerts.handlers.intake import app as intake_app
    from functions.alerts.handlers.intake import lambda_handler as intake_handler
    from functions.cases.handlers.api import app as cases_app
    from functions.cases.handlers.api import lambda_handler as cases_handler
    from functions.directory.handlers.api import app as directory_app
    from functions.directory.handlers.api import lambda_handler as directory_handler
    from functions.files.handlers.api import app as files_app
    from functions.files.handlers.api import lambda_handler as files_handler
    from functions.reports.handlers.api import app as reports_app
    from functions.reports.handlers.api import lambda_handler as reports_handler
    from functions.shared.api.openapi import documented_routes
    from functions.updates.handlers.api import app as updates_app
    from functions.updates.handlers.api import lambda_handler as updates_handler

    others = (
        LocalFunction("files-api", files_handler, documented_routes(files_app), public_routes(files_app)),
        LocalFunction("directory-api", directory_handler, documented_routes(directory_app), public_routes(directory_app)),
        LocalFunction("alerts-api", alerts_handler, documented_routes(alerts_app), public_routes(alerts_app)),
        LocalFunction("alerts-intake", intake_handler, documented_routes(intake_app), public_routes(intake_app)),
        LocalFunction("reports-api", reports_handler, documented_routes(reports_app), public_routes(reports_app)),
        # /maintenance/windows-updates…, /maintenance/gateway-catalog…, /accounts/{accountId}/platform (the directory's
        # /accounts/{accountId} is another path); /maintenance/requests is the cases API's, from its own document.
        LocalFunction("updates-api", updates_handler, documented_routes(updates_app), public_routes(updates_app)),
    )
    return LocalApi(
        cases_handler, authorizer, documented_routes(cases_app), local_routes=local_routes, other_functions=others, local_posts=local_posts
    )


def public_routes(app: ApiResolver) -> list[tuple[str, str]]:
    """(path template, method) of the app's routes whose OpenAPI operation needs no token (`security: [{}]`, e.g.
    GET /sign-in), as the stack reads them (infra/components/api.py public_api_routes)."""
    methods = ("get", "post", "put", "patch", "delete")
    paths = (app.own_openapi_schema().paths or {}).items()
    return [(path, method.upper()) for path, item in paths for method in methods if (op := getattr(item, method)) and op.security == [{}]]


def read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None when it exceeds `limit`; an oversized body is still drained so the client,
    still sending, reads the 413 instead of a reset connection."""
    chunks, size, stream = [], 0, request.stream
    while chunk := stream.read(64 * 1024):
        size += len(chunk)
        if size <= limit:
            chunks.append(chunk)
    return b"".join(chunks) if size <= limit else None


def proxy_response(result: dict) -> Response:
    """A Lambda proxy response as API Gateway returns it: multiValueHeaders win over headers."""
    multi = {key.lower(): (key, values) for key, values in (result.get("multiValueHeaders") or {}).items()}
    headers = [(key, str(value)) for key, values in multi.values() for value in values]
    headers += [(key, str(value)) for key, value in (result.get("headers") or {}).items() if key.lower() not in multi]
    headers = [(key, value) for key, value in headers if key.lower() not in _HOP_BY_HOP]
    body = result.get("body") or ""
    payload = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
    return Response(payload, status=int(result["statusCode"]), headers=headers)


def json_response(status: int, body: Mapping[str, object]) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")
