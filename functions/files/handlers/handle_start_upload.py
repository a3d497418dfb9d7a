from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import Router

from functions.files.logic.dependencies import dependencies
from functions.files.logic.uploads import start_upload
from functions.files.models.files import NewUploadRequest, Upload
from functions.shared.api.requests import CaseNumber, current_caller
from functions.shared.api.responses import error_responses, model_response, ok_response
from functions.shared.idempotency import REPLAYED_HEADER, IdempotencyKey
from functions.shared.observability import metrics

router = Router()


@router.post(
    "/cases/<caseNumber>/uploads",
    summary="Start uploading a file to a case",
    description=(
        "Non-closed cases only. Declare the whole file's CRC32; the answer gives the part size and count: cut the file into "
        "`partCount` parts of `partSize` bytes (the last holds the rest), get their URLs from `part-urls`, PUT them (several "
        "at once if you like), then `complete`. Several uploads may run at once, up to a limit per case and per account "
        "(20 and 100 unless configured otherwise): beyond it 409 `too_many_open_uploads` until unfinished uploads are "
        "completed or aborted. Send an `Idempotency-Key` so that a retried start returns the same upload."
    ),
    responses={
        **ok_response(Upload, "The upload, ready for parts (also for a replayed Idempotency-Key).", 201),
        **error_responses(404, 409, 415),
    },
    tags=["Files"],
)
def post_upload(
    case_number: CaseNumber, request: Annotated[NewUploadRequest, Body()], idempotency_key: IdempotencyKey = None
) -> Response[Upload]:
    deps = dependencies()
    started = start_upload(
        case_number,
        request,
        current_caller(router),
        store=deps.store,
        storage=deps.storage,
        now=deps.clock.now(),
        limits=deps.open_upload_limits,
        idempotency_key=idempotency_key,
    )
    headers = {"Location": f"/cases/{case_number}/uploads/{started.upload.upload_id}"}
    if started.replayed:
        headers[REPLAYED_HEADER] = "true"
    else:
        metrics.add_metric(name="UploadsStarted", unit="Count", value=1)
    return model_response(started.upload, 201, headers)
