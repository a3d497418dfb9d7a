from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router

from functions.files.handlers.files_http import CaseNumber, UploadId
from functions.files.logic import dependencies
from functions.files.logic.complete_upload import complete_upload
from functions.files.models.files import CaseFile
from functions.shared.api import current_caller, error_responses, model_response, ok_response
from functions.shared.clock import utc_now
from functions.shared.observability import metrics

router = Router()


@router.post(
    "/cases/<caseNumber>/uploads/<uploadId>/complete",
    summary="Complete an upload: the file joins the case",
    description=(
        "Checks that every part is stored with its exact size (409 `parts_missing` / `part_size_mismatch`) and that the "
        "stored file's CRC32 is the declared one (422 `checksum_mismatch`: the upload is discarded, start again). "
        "A retried completion answers with the same file."
    ),
    responses={**ok_response(CaseFile, "The file, as listed on the case.", 201), **error_responses(404, 409)},
    tags=["Files"],
)
def post_complete(case_number: CaseNumber, upload_id: UploadId) -> Response[CaseFile]:
    file = complete_upload(
        case_number,
        upload_id,
        current_caller(router),
        store=dependencies.store(),
        storage=dependencies.storage(),
        now=utc_now(),
    )
    metrics.add_metric(name="FilesAdded", unit="Count", value=1)
    return model_response(file, 201, {"Location": f"/cases/{case_number}/files/{file.file_id}/download"})
