from aws_lambda_powertools.event_handler.router import Router

from functions.cases.logic.case_records import list_history
from functions.cases.logic.dependencies import dependencies
from functions.cases.models.lifecycle import HistoryList
from functions.shared.api.requests import CaseNumber, NextToken, PageLimit, current_caller
from functions.shared.api.responses import error_responses, ok_response

router = Router()


@router.get(
    "/cases/<caseNumber>/history",
    summary="A case's history",
    description="Every change, oldest first: who, when, what, from -> to. Written in the same transaction as the change.",
    responses={**ok_response(HistoryList, "One page of history."), **error_responses(404)},
    tags=["History"],
)
def get_history(case_number: CaseNumber, limit: PageLimit = 50, next_token: NextToken = None) -> HistoryList:
    deps = dependencies()
    return list_history(
        case_number,
        current_caller(router),
        limit=limit,
        next_token=next_token,
        store=deps.store,
        page_tokens=deps.page_tokens,
    )
