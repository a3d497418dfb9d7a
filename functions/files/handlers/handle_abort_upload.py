from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router

from functions.files.handlers.files_http import UploadId
from functions.files.logic.dependencies import dependencies
from functions.files.logic.uploads import abort_upload
from functions.shared.api.requests import CaseNumber, current_caller
from functions.shared.api.responses import error_responses

router = Router()


@router.delete(
    "/cases/<caseNumber>/uploads/<uploadId>",
    summary="Abort an upload",
    description="Deletes the parts stored so far and forgets the upload.",
    responses={204: {"description": "Aborted.", "content": {}}, **error_responses(404)},
    tags=["Files"],
)
def delete_upload(case_number: CaseNumber, upload_id: UploadId) -> Response[None]:
    deps = dependencies()
    abort_upload(case_number, upload_id, current_caller(router), store=deps.store, storage=deps.storage, now=deps.clock.now())
    return Response(status_code=204)
