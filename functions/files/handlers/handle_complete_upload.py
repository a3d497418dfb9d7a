from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router

from functions.files.handlers.files_http import UploadId
from functions.files.logic.complete_upload import complete_upload
from functions.files.logic.dependencies import dependencies
from functions.files.models.files import CaseFile
from functions.shared.api.requests import CaseNumber, current_caller
from functions.shared.api.responses import error_responses, model_response, ok_response
from functions.shared.idempotency import REPLAYED_HEADER, IdempotencyKey
from functions.shared.observability import metrics

router = Router()


@router.post(
    "/cases/<caseNumber>/uploads/<uploadId>/complete",
    summary="Complete an upload: the file joins the case",
    description=(
        "Checks that every part is stored with its exact size (409 `parts_missing` / `part_size_mismatch`) and that the "
        "stored file's CRC32 is the declared one (422 `checksum_mismatch`: the upload is discarded, start again). "
        "Completing is idempotent by itself: a retried completion answers with the same file, with "
        f"`{REPLAYED_HEADER}: true` when an `Idempotency-Key` is sent. The key is accepted so that clients may send one "
        "on every POST; it is not recorded here, so reusing it for another upload is not refused."
    ),
    responses={**ok_response(CaseFile, "The file, as listed on the case.", 201), **error_responses(404, 409)},
    tags=["Files"],
)
def post_complete(case_number: CaseNumber, upload_id: UploadId, idempotency_key: IdempotencyKey = None) -> Response[CaseFile]:
    deps = dependencies()
    completed = complete_upload(
        case_number,
        upload_id,
        current_caller(router),
        store=deps.store,
        storage=deps.storage,
        now=deps.clock.now(),
    )
    headers = {"Location": f"/cases/{case_number}/files/{completed.file.file_id}/download"}
    if completed.replayed and idempotency_key:
        headers[REPLAYED_HEADER] = "true"
    elif not completed.replayed:
        metrics.add_metric(name="FilesAdded", unit="Count", value=1)
    return model_response(completed.file, 201, headers)
