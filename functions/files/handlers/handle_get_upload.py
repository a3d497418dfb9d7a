from aws_lambda_powertools.event_handler.router import Router

from functions.files.handlers.files_http import UploadId
from functions.files.logic.dependencies import dependencies
from functions.files.logic.uploads import get_upload
from functions.files.models.files import UploadDetail
from functions.shared.api.requests import CaseNumber, current_caller
from functions.shared.api.responses import error_responses, ok_response

router = Router()


@router.get(
    "/cases/<caseNumber>/uploads/<uploadId>",
    summary="Show an upload and the parts stored so far",
    description="Resume an interrupted upload: send only the parts not listed (or listed with the wrong size).",
    responses={**ok_response(UploadDetail, "The upload and the parts S3 holds."), **error_responses(404)},
    tags=["Files"],
)
def get_one_upload(case_number: CaseNumber, upload_id: UploadId) -> UploadDetail:
    deps = dependencies()
    return get_upload(case_number, upload_id, current_caller(router), store=deps.store, storage=deps.storage, now=deps.clock.now())
