from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import Router

from functions.cases.logic.dependencies import dependencies
from functions.cases.logic.list_cases import list_cases, list_queue
from functions.cases.models.case import CaseList
from functions.cases.models.requests import CaseQueue, CaseView
from functions.shared.api.requests import current_caller
from functions.shared.api.responses import error_responses, ok_response

router = Router()


@router.get(
    "/cases",
    summary="List cases in a view",
    description=(
        "Newest modification first. `my-*` views list the cases you are the contact of (including those an engineer "
        "opened for you by phone), `all-*` your account's."
    ),
    responses={**ok_response(CaseList, "One page of the view."), **error_responses(404)},
    tags=["Cases"],
)
def get_cases(
    view: Annotated[CaseView, Query()] = CaseView.MY_NON_CLOSED,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100.")] = 25,
    next_token: Annotated[str | None, Query(alias="nextToken", max_length=4096, description="From the previous page.")] = None,
    account_id: Annotated[
        str | None, Query(alias="accountId", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$", description="Staff: the account to list.")
    ] = None,
) -> CaseList:
    deps = dependencies()
    return list_cases(
        view,
        current_caller(router),
        limit=limit,
        next_token=next_token,
        account_id=account_id,
        store=deps.store,
        page_tokens=deps.page_tokens,
    )


@router.get(
    "/queues/<queue>",
    summary="List a support queue (staff)",
    description=(
        "Non-closed cases across accounts: `unassigned` (no owner), `mine` (you own them), `waiting-on-customer` "
        "(Awaiting Info, Solution Proposed), `region` (one region's, with `region`), newest activity first; "
        "`response-due` (support's first response still missing) soonest due first, so breached targets lead."
    ),
    responses={**ok_response(CaseList, "One page of the queue."), **error_responses(400, 403)},
    tags=["Cases"],
)
def get_queue(
    queue: Annotated[CaseQueue, Path(description="unassigned, mine, response-due, waiting-on-customer or region.")],
    region: Annotated[
        str | None, Query(pattern=r"^[a-z][a-z0-9-]{1,31}$", description="The region queue's region, e.g. `americas`.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100.")] = 25,
    next_token: Annotated[str | None, Query(alias="nextToken", max_length=4096, description="From the previous page.")] = None,
) -> CaseList:
    deps = dependencies()
    return list_queue(
        queue, current_caller(router), region=region, limit=limit, next_token=next_token, store=deps.store, page_tokens=deps.page_tokens
    )
