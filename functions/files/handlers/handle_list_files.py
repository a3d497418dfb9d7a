from aws_lambda_powertools.event_handler.router import Router

from functions.files.handlers.files_http import CaseNumber
from functions.files.logic import dependencies
from functions.files.logic.case_files import list_files
from functions.files.models.files import CaseFileList
from functions.shared.api import current_caller, error_responses, ok_response

router = Router()


@router.get(
    "/cases/<caseNumber>/files",
    summary="List a case's files",
    description="Name, size, checksum, who and when; while the case is closed, when its files will be purged.",
    responses={**ok_response(CaseFileList, "The case's files, oldest first."), **error_responses(404)},
    tags=["Files"],
)
def get_files(case_number: CaseNumber) -> CaseFileList:
    return list_files(case_number, current_caller(router), store=dependencies.store())
