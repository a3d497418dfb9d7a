from aws_lambda_powertools.event_handler.router import Router

from functions.files.logic.dependencies import dependencies
from functions.files.logic.uploads import list_uploads
from functions.files.models.files import UploadList
from functions.shared.api.requests import CaseNumber, NextToken, PageLimit, current_caller
from functions.shared.api.responses import error_responses, ok_response

router = Router()


@router.get(
    "/cases/<caseNumber>/uploads",
    summary="List a case's unfinished uploads",
    description="Oldest first, a page at a time: follow `nextToken` until it is absent (a page may hold fewer than `limit`).",
    responses={
        **ok_response(UploadList, "One page of the uploads started and neither completed, aborted nor expired."),
        **error_responses(404),
    },
    tags=["Files"],
)
def get_uploads(case_number: CaseNumber, limit: PageLimit = 50, next_token: NextToken = None) -> UploadList:
    deps = dependencies()
    return list_uploads(
        case_number,
        current_caller(router),
        limit=limit,
        next_token=next_token,
        store=deps.store,
        page_tokens=deps.page_tokens,
        now=deps.clock.now(),
    )
