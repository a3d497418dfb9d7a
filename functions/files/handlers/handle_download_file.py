from aws_lambda_powertools.event_handler.router import Router

from functions.files.handlers.files_http import GONE, FileId
from functions.files.logic.case_files import download
from functions.files.logic.dependencies import dependencies
from functions.files.models.files import Download
from functions.shared.api.requests import CaseNumber, current_caller
from functions.shared.api.responses import error_responses, ok_response

router = Router()


@router.get(
    "/cases/<caseNumber>/files/<fileId>/download",
    summary="A short-lived download URL for a file",
    description="GET the URL within 5 minutes; the file arrives as an attachment under its name. Compare its CRC32 with `checksum`.",
    responses={**ok_response(Download, "The URL."), **error_responses(404), **GONE},
    tags=["Files"],
)
def get_download(case_number: CaseNumber, file_id: FileId) -> Download:
    deps = dependencies()
    return download(case_number, file_id, current_caller(router), store=deps.store, storage=deps.storage, now=deps.clock.now())
