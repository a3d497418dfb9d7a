"""What routes read from a request: the caller (identity from the authorizer's claims, status and
authorizations from the directory), the paging parameters, and the body cap checked before anything parses
the body."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any, cast

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import Router
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from functions.shared.auth import Caller
from functions.shared.caller_directory import signed_in_caller
from functions.shared.errors import DomainError, ErrorResponse, Forbidden, PayloadTooLarge

MAX_BODY_BYTES = 256 * 1024

# Every listing's paging parameters. Pages stay far below Lambda's 6 MB answer: every text is capped, and
# the listings of long texts (updates) also end a page at about 1 MiB of JSON.
# Every route on a case names it by its number.
CaseNumber = Annotated[str, Path(alias="caseNumber", pattern=r"^\d{10}$", description="10 digits, e.g. 0002068177.")]
PageLimit = Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100.")]
NextToken = Annotated[
    str | None, Query(alias="nextToken", max_length=4096, description="From the previous page; it works only for you and this listing.")
]


# Where `resolve` (functions/shared/api/resolver.py) keeps the request's caller for the routes.
CALLER_CONTEXT = "caller"


def current_caller(router: Router | APIGatewayRestResolver, *, testing_department: bool = False) -> Caller:
    """The request's caller: resolved once by `resolve` before any route runs (functions/shared/api/middleware.py
    `check_caller`), else here, the same way (claims, then the directory). A Testing Department user is refused
    (403) except by the routes that take them (`testing_department`): the Windows-update catalog."""
    caller = router.context.get(CALLER_CONTEXT)
    if not isinstance(caller, Caller):
        event = cast(APIGatewayProxyEvent, router.current_event)  # every API Lambda is a REST API resolver
        caller = signed_in_caller(event.request_context.authorizer.claims)
    if caller.testing_department_only and not testing_department:
        raise Forbidden(
            "The Testing Department's users record and validate Windows updates (/maintenance/windows-updates) and nothing "
            "else; sign in with a support or customer user for this.",
            code="testing_department_only",
        )
    return caller


def proxy_json(status: HTTPStatus | int, error: ErrorResponse, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """A refusal as a proxy response, for what `resolve` answers before the resolver runs."""
    return {
        "statusCode": int(status),
        "headers": {"Content-Type": content_types.APPLICATION_JSON, **(headers or {})},
        "body": error.model_dump_json(exclude_none=True),
        "isBase64Encoded": False,
    }


def proxy_error(error: DomainError) -> dict[str, Any]:
    return proxy_json(error.status, error.to_response(), error.headers())


def oversized_body(event: dict[str, Any]) -> dict[str, Any] | None:
    """The 256 KB cap, checked before anything parses the body; answers with a proxy response."""
    body = event.get("body") or ""
    size = len(body) * 3 // 4 if event.get("isBase64Encoded") else len(body.encode())
    if size <= MAX_BODY_BYTES:
        return None
    return proxy_error(PayloadTooLarge(f"The body is {size} bytes; the limit is {MAX_BODY_BYTES} bytes. Attach large content as a file."))
