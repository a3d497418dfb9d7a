"""The resolver's route table as the other modules ask about it, who the caller is before any route runs, and
the middleware that refuses unknown query parameters."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from functions.shared.api.requests import CALLER_CONTEXT, proxy_error, proxy_json
from functions.shared.api.responses import error_json
from functions.shared.caller_directory import signed_in_caller
from functions.shared.errors import DomainError, ErrorResponse, ServiceUnavailable
from functions.shared.observability import logger

# OpenAPI's "no security requirement": a route that declares it (e.g. GET /sign-in) takes no token.
NO_TOKEN: list[dict[str, list[str]]] = [{}]


def routes(app: APIGatewayRestResolver) -> list[Any]:
    """The resolver's route table (Powertools keeps it in these two lists; not found means neither holds one)."""
    return app._static_routes + app._dynamic_routes


def allowed_methods(app: APIGatewayRestResolver, path: str) -> list[str]:
    """The methods the app serves on `path` (empty when it serves none there)."""
    return sorted({route.method for route in routes(app) if route.rule.match(path)})


def is_public(route: Any) -> bool:
    """A route that takes no caller: the documentation, and a route whose OpenAPI declares no token."""
    declared = route.security if route.security is not None else (route.openapi_extensions or {}).get("security")
    return not route.include_in_schema or declared == NO_TOKEN


def check_caller(app: APIGatewayRestResolver, event: dict[str, Any]) -> dict[str, Any] | None:
    """Who the caller is, before any route runs or any input is validated (docs/architecture.md, "Who the
    caller is"): every request that carries a signed-in user's claims, whatever its route (none matched
    included), is resolved here, so no route can skip the directory's word on a disabled contact. The caller
    is kept in the resolver's context for `current_caller`; a refusal answers as a proxy response. A request
    without claims goes on: a public route needs none, and every other route's `current_caller` refuses it
    (API Gateway's authorizer already has)."""
    claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims")
    if not claims:
        return None
    method, path = str(event.get("httpMethod") or "").upper(), str(event.get("path") or "")
    matched = next((route for route in routes(app) if route.method == method and route.rule.match(path)), None)
    if matched is not None and is_public(matched):
        return None
    try:
        app.append_context(**{CALLER_CONTEXT: signed_in_caller(claims)})
    except DomainError as error:
        if isinstance(error, ServiceUnavailable):
            logger.warning("dependency unavailable", extra={"reason": error.message})
        return proxy_error(error)
    except Exception:  # a bug: answered as the one error model, as the resolver answers its routes' bugs
        logger.exception("unhandled error")
        return proxy_json(
            HTTPStatus.INTERNAL_SERVER_ERROR,
            ErrorResponse(error="internal_error", message="Something failed on our side; retry, and quote the request id to support."),
        )
    return None


def refuse_unknown_query_parameters(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
    """A misspelt parameter (`?veiw=my-open`) must not silently fall back to a default. Documented
    routes only: the documentation routes take Swagger UI's own parameters (`?format=json`)."""
    route = app.context["_route"]
    if not route.include_in_schema or route not in routes(app):  # documentation, or no route: 404 or 405 first
        return next_middleware(app)
    declared = {param.alias for param in route.dependant.query_params}
    unknown = sorted(set(app.current_event.query_string_parameters or {}) - declared)
    if unknown:
        allowed = ", ".join(sorted(declared)) or "none"
        return error_json(
            HTTPStatus.BAD_REQUEST,
            ErrorResponse(
                error="unknown_parameter", message=f"Unknown query parameter {unknown[0]!r}; allowed: {allowed}.", field=unknown[0]
            ),
        )
    return next_middleware(app)
