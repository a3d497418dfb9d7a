"""HTTP details shared by the case routes: the case number path parameter, If-Match in, ETag out."""

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.event_handler.router import Router
from pydantic import BaseModel

from functions.cases.logic.change_case import Changed, change_case
from functions.cases.logic.dependencies import dependencies
from functions.cases.models.case import Case
from functions.shared.api.requests import current_caller
from functions.shared.api.responses import model_response
from functions.shared.entity_tags import MalformedIfMatch, strong_if_match_tags
from functions.shared.errors import BadRequest
from functions.shared.idempotency import REPLAYED_HEADER, IdempotentRequest, idempotent_request

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=1024,
        description=(
            'The ETag you read (e.g. `"3"`); the change is refused with 412 if the case changed since. As RFC 9110 '
            'defines it: `*` matches the case as it is (a missing case is still 404), a list (`"3", "4"`) matches if '
            'any of its tags does, tags are compared strongly (a weak `W/"3"` or any other tag never matches: 412), '
            "and only a value that is neither `*` nor a list of quoted entity tags is refused with 400. "
            "Leave it out to apply your change to the latest version."
        ),
    ),
]
_VERSION_TAG = re.compile(r"0|[1-9][0-9]{0,17}")  # an ETag of ours, without its quotes: the version as written


def idempotency_of(router: Router, key: str | None, request: BaseModel, now: datetime) -> IdempotentRequest | None:
    """The request's Idempotency-Key, bound to its method, path (the case) and body."""
    event = router.current_event
    operation = f"{event.http_method} {event.path}"
    return idempotent_request(current_caller(router), key, operation, request.model_dump(mode="json"), now)


def apply_change(
    router: Router, case_number: str, if_match: str | None, idempotency_key: str | None, request: BaseModel, decide: Callable
) -> Changed:
    """Runs one lifecycle action, `decide(caller, case, now)`, through the change engine."""
    deps = dependencies()
    caller, now = current_caller(router), deps.clock.now()
    return change_case(
        case_number,
        caller,
        lambda case: decide(caller, case, now),
        if_match=expected_version(if_match),
        store=deps.store,
        now=now,
        idempotency=idempotency_of(router, idempotency_key, request, now),
    )


def expected_version(if_match: str | None) -> frozenset[int] | None:
    """The versions If-Match accepts: None for none given or `*` (any), none at all when no tag listed can
    match one of our ETags."""
    if if_match is None:
        return None
    try:
        tags = strong_if_match_tags(if_match)
    except MalformedIfMatch:
        raise BadRequest(
            'If-Match must be "*" or entity tags as RFC 9110 writes them, e.g. "3" (the ETag you read), quotes included.',
            field="If-Match",
        ) from None
    if tags is None:
        return None
    return frozenset(int(tag) for tag in tags if _VERSION_TAG.fullmatch(tag))


def change_headers(changed: Changed) -> dict[str, str]:
    """The case's new version as ETag, and whether this answer is a replay of an Idempotency-Key's first one."""
    return {"ETag": f'"{changed.case.version}"', **({REPLAYED_HEADER: "true"} if changed.replayed else {})}


def case_response(case: Case) -> Response:
    """The case with its version as ETag."""
    return model_response(case, 200, {"ETag": f'"{case.version}"'})


def changed_response(changed: Changed, answer: BaseModel | None = None) -> Response:
    """The changed case; `answer` replaces the body with an action's outcome about the case."""
    return model_response(answer or changed.case, 200, change_headers(changed))
