"""How routes answer: a model as JSON, an error as the one error model, and their OpenAPI entries."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler import Response, content_types
from pydantic import BaseModel

from functions.shared.errors import ErrorResponse

if TYPE_CHECKING:  # typing only: the module is not needed at run time
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

ERROR_DESCRIPTIONS = {
    400: "Bad request: malformed JSON or a parameter that does not fit.",
    401: "Missing or invalid token.",
    403: "Not allowed for your role.",
    404: "No such resource among yours.",
    409: "Conflicts with the resource's state or an earlier request.",
    412: "The resource changed since the ETag in If-Match; reload and retry.",
    413: "Body larger than 256 KB.",
    415: "The body is not JSON.",
    429: "Too many requests; slow down and retry.",
    422: "A field is missing or invalid; `field` names it.",
    500: "Something failed on our side; retry, quoting the request id.",
    503: "A dependency is busy; retry.",
}


def error_responses(*codes: int) -> dict[int, OpenAPIResponse]:
    """OpenAPI entries for the listed error statuses, all with the one error model."""
    return {
        code: {"description": ERROR_DESCRIPTIONS[code], "content": {"application/json": {"model": ErrorResponse}}}
        for code in sorted({400, 401, 413, 422, 429, 500, 503, *codes})
    }


def ok_response(model: type, description: str, status: int = 200) -> dict[int, OpenAPIResponse]:
    return {status: {"description": description, "content": {"application/json": {"model": model}}}}


def model_response(model: BaseModel, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A route's JSON answer: the model as the contract spells it (camelCase, ISO dates)."""
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=model.model_dump(mode="json", by_alias=True),
        headers=headers,
    )


def error_json(status: HTTPStatus | int, error: ErrorResponse, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status_code=int(status),
        content_type=content_types.APPLICATION_JSON,
        body=error.model_dump_json(exclude_none=True),
        headers=headers,
    )
