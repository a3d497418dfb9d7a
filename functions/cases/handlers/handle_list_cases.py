from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import Router

from functions.cases.logic.dependencies import dependencies
from functions.cases.logic.list_cases import list_cases
from functions.cases.models.case import CaseList
from functions.cases.models.requests import CaseView
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
