"""The resolver's route table as the other modules ask about it, and the middleware that refuses unknown
query parameters."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from functions.shared.api.responses import error_json
from functions.shared.errors import ErrorResponse


def routes(app: APIGatewayRestResolver) -> list[Any]:
    """The resolver's route table (Powertools keeps it in these two lists; not found means neither holds one)."""
    return app._static_routes + app._dynamic_routes


def allowed_methods(app: APIGatewayRestResolver, path: str) -> list[str]:
    """The methods the app serves on `path` (empty when it serves none there)."""
    return sorted({route.method for route in routes(app) if route.rule.match(path)})


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
