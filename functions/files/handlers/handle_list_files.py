from aws_lambda_powertools.event_handler.router import Router

from functions.files.logic.case_files import list_files
from functions.files.logic.dependencies import dependencies
from functions.files.models.files import CaseFileList
from functions.shared.api.requests import CaseNumber, NextToken, PageLimit, current_caller
from functions.shared.api.responses import error_responses, ok_response

router = Router()


@router.get(
    "/cases/<caseNumber>/files",
    summary="List a case's files",
    description=(
        "Name, size, checksum, who and when, oldest upload first, a page at a time (follow `nextToken` until it is absent); "
        "while the case is closed, when its files will be purged."
    ),
    responses={**ok_response(CaseFileList, "One page of the case's files."), **error_responses(404)},
    tags=["Files"],
)
def get_files(case_number: CaseNumber, limit: PageLimit = 50, next_token: NextToken = None) -> CaseFileList:
    deps = dependencies()
    return list_files(
        case_number,
        current_caller(router),
        limit=limit,
        next_token=next_token,
        store=deps.store,
        page_tokens=deps.page_tokens,
    )
