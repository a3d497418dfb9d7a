"""Every refusal as the one error model (docs/architecture.md, Domain rules): domain errors with their
status, validation errors naming the field as the caller sent it, 404 and 405 for routes, 500 for bugs."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestUnsupportedContentType, RequestValidationError
from pydantic import ValidationError as PydanticValidationError

from functions.shared.api.middleware import allowed_methods
from functions.shared.api.responses import error_json
from functions.shared.errors import DomainError, ErrorResponse, ServiceUnavailable
from functions.shared.observability import logger


def _json_or_none(text: str | None) -> object:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def field_path(location: list[Any], body: object) -> str | None:
    """The field as the caller named it: drops pydantic's union-tag steps (e.g. `Support`) that are
    not keys of what was sent, and the leading `body`/`query`/`path`/`header`."""
    parts, current = [], body
    for index, part in enumerate(location[1:], start=1):
        is_last = index == len(location) - 1
        if isinstance(current, dict) and part not in current and not is_last:
            continue
        parts.append(str(part))
        current = current.get(part) if isinstance(current, dict) else None
    return ".".join(parts) or None


def describe_validation_errors(errors: list[dict[str, Any]], body: object) -> tuple[str, str, str | None]:
    """(error code, message, field) of the first problem, with how many more there are."""
    first = errors[0]
    kind = first.get("type", "")
    if kind == "json_invalid":
        return "malformed_json", "The body is not valid JSON; send a JSON object.", None
    field = field_path(list(first.get("loc", ())), body)
    if kind.startswith("union_tag"):
        # A discriminated union: the tag field is the last alias pydantic names, e.g. "'case_type' | 'caseType'".
        field = first.get("ctx", {}).get("discriminator", "").split("|")[-1].strip(" '") or field
        detail = "missing or not one of the accepted values (see the schema in /openapi.json)"
    elif kind == "extra_forbidden":
        detail = "unknown field; remove it"
    elif kind == "missing":
        detail = "required"
    elif kind == "value_error":  # our validators' ValueError: its message without pydantic's "Value error, "
        detail = str(first.get("ctx", {}).get("error") or first.get("msg") or "invalid")
    else:
        detail = first.get("msg") or kind.replace("_", " ")
    more = f" ({len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return "validation_error", f"{field or 'request'}: {detail}{more}.", field


def register_error_handlers(app: APIGatewayRestResolver) -> None:
    @app.exception_handler(DomainError)
    def handle_domain_error(error: DomainError) -> Response:
        if isinstance(error, ServiceUnavailable):
            logger.warning("dependency unavailable", extra={"reason": error.message})
        return error_json(error.status, error.to_response(), error.headers())

    @app.exception_handler(RequestValidationError)
    def handle_validation_error(error: RequestValidationError) -> Response:
        code, message, field = describe_validation_errors(list(error.errors()), _json_or_none(app.current_event.body))
        status = HTTPStatus.BAD_REQUEST if code == "malformed_json" else HTTPStatus.UNPROCESSABLE_ENTITY
        return error_json(status, ErrorResponse(error=code, message=message, field=field))

    @app.exception_handler(RequestUnsupportedContentType)
    def handle_unsupported_content_type(_: RequestUnsupportedContentType) -> Response:
        return error_json(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            ErrorResponse(error="unsupported_media_type", message="Send the body as JSON with Content-Type: application/json."),
        )

    @app.exception_handler(ValueError)
    def handle_unparseable(error: ValueError) -> Response:
        if isinstance(error, PydanticValidationError):  # our own data or response failed its model: a bug, not the caller's
            return handle_unexpected(error)
        # Powertools raises a bare ValueError for bodies it cannot parse (e.g. multipart without boundary).
        logger.info("unparseable request", extra={"reason": str(error)})
        return error_json(HTTPStatus.BAD_REQUEST, ErrorResponse(error="bad_request", message="Send the body as application/json."))

    @app.exception_handler(RecursionError)
    def handle_deep_nesting(_: RecursionError) -> Response:
        return error_json(
            HTTPStatus.BAD_REQUEST, ErrorResponse(error="malformed_json", message="The JSON is nested too deeply; send a flat JSON object.")
        )

    @app.not_found
    def handle_not_found(_: Exception) -> Response:
        method, allowed = app.current_event.http_method.upper(), allowed_methods(app, app.context.get("_path", app.current_event.path))
        if allowed:  # a path we serve, another method (API Gateway's ANY method on the resource brings it here)
            return error_json(
                HTTPStatus.METHOD_NOT_ALLOWED,
                ErrorResponse(
                    error="method_not_allowed",
                    message=f"{method} is not served here; this resource serves {', '.join(allowed)} (see /openapi.json).",
                ),
                {"Allow": ", ".join(allowed)},
            )
        return error_json(HTTPStatus.NOT_FOUND, ErrorResponse(error="not_found", message="No such route; see /openapi.json."))

    @app.exception_handler(Exception)
    def handle_unexpected(error: Exception) -> Response:
        logger.exception("unhandled error")
        return error_json(
            HTTPStatus.INTERNAL_SERVER_ERROR,
            ErrorResponse(error="internal_error", message="Something failed on our side; retry, and quote the request id to support."),
        )
