from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import Router

from functions.cases.handlers.case_http import IfMatch, apply_change, change_headers
from functions.cases.logic import lifecycle
from functions.cases.logic.case_records import list_updates
from functions.cases.logic.dependencies import dependencies
from functions.cases.models.lifecycle import CaseUpdate, NewUpdate, UpdateList
from functions.shared.api.requests import CaseNumber, NextToken, PageLimit, current_caller
from functions.shared.api.responses import error_responses, model_response, ok_response
from functions.shared.idempotency import IdempotencyKey

router = Router()


@router.post(
    "/cases/<caseNumber>/updates",
    summary="Post an update",
    description="Plain text. A customer's update on a case in Awaiting Info or Solution Proposed sets it back to Open.",
    responses={**ok_response(CaseUpdate, "The update; ETag is the case's new version.", 201), **error_responses(404, 409, 412, 415)},
    tags=["Updates"],
)
def post_update(
    case_number: CaseNumber, request: Annotated[NewUpdate, Body()], if_match: IfMatch = None, idempotency_key: IdempotencyKey = None
) -> Response[CaseUpdate]:
    changed = apply_change(
        router, case_number, if_match, idempotency_key, request, lambda caller, case, now: lifecycle.post_update(request, caller, case)
    )
    if changed.update is None:  # posting an update always records one
        raise RuntimeError(f"the update on case {case_number} was not recorded")
    return model_response(changed.update, 201, change_headers(changed))


@router.get(
    "/cases/<caseNumber>/updates",
    summary="List a case's updates",
    description=(
        "Oldest first. Internal notes (kind `internal-note`, e.g. a monitoring incident's digest of new alerts) are for "
        "support staff: a customer's listing leaves them out."
    ),
    responses={**ok_response(UpdateList, "One page of updates."), **error_responses(404)},
    tags=["Updates"],
)
def get_updates(case_number: CaseNumber, limit: PageLimit = 50, next_token: NextToken = None) -> UpdateList:
    deps = dependencies()
    return list_updates(
        case_number,
        current_caller(router),
        limit=limit,
        next_token=next_token,
        store=deps.store,
        page_tokens=deps.page_tokens,
    )
