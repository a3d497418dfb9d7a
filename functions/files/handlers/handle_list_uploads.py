from aws_lambda_powertools.event_handler.router import Router

from functions.files.handlers.files_http import CaseNumber
from functions.files.logic import dependencies
from functions.files.logic.uploads import list_uploads
from functions.files.models.files import UploadList
from functions.shared.api import current_caller, error_responses, ok_response
from functions.shared.clock import utc_now

router = Router()


@router.get(
    "/cases/<caseNumber>/uploads",
    summary="List a case's unfinished uploads",
    responses={**ok_response(UploadList, "Uploads started and neither completed, aborted nor expired."), **error_responses(404)},
    tags=["Files"],
)
def get_uploads(case_number: CaseNumber) -> UploadList:
    return UploadList(items=list_uploads(case_number, current_caller(router), store=dependencies.store(), now=utc_now()))
