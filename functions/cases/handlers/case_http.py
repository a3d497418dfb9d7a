"""HTTP details shared by the case routes: the case number path parameter, If-Match in, ETag out."""

import re
from collections.abc import Callable
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path
from aws_lambda_powertools.event_handler.router import Router
from pydantic import BaseModel

from functions.cases.logic import dependencies
from functions.cases.logic.change_case import Changed, change_case
from functions.cases.models.case import Case
from functions.shared.api import current_caller, model_response
from functions.shared.clock import utc_now
from functions.shared.errors import BadRequest

CaseNumber = Annotated[str, Path(alias="caseNumber", pattern=r"^\d{10}$", description="10 digits, e.g. 0002068177.")]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=40,
        description=(
            "The ETag you read; the change is refused with 412 if the case changed since. "
            "Leave it out to apply your change to the latest version."
        ),
    ),
]
_ETAG = re.compile(r'^(?:W/)?"?(\d{1,9})"?$')


def apply_change(router: Router, case_number: str, if_match: str | None, decide: Callable) -> Changed:
    """Runs one lifecycle action, `decide(caller, case, now)`, through the change engine."""
    caller, now = current_caller(router), utc_now()
    return change_case(
        case_number,
        caller,
        lambda case: decide(caller, case, now),
        if_match=expected_version(if_match),
        store=dependencies.store(),
        events=dependencies.event_bus(),
        now=now,
    )


def expected_version(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    match = _ETAG.match(if_match.strip())
    if not match:
        raise BadRequest('If-Match must be an ETag from this API, e.g. "3".', field="If-Match")
    return int(match.group(1))


def case_response(case: Case, status: int = 200, answer: BaseModel | None = None) -> Response:
    """The case with its version as ETag; `answer` replaces the body with an action's outcome about the case."""
    return model_response(answer or case, status, {"ETag": f'"{case.version}"'})
