from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import Router

from functions.files.handlers.files_http import UploadId
from functions.files.logic.dependencies import dependencies
from functions.files.logic.uploads import part_urls
from functions.files.models.files import PartUrls, PartUrlsRequest
from functions.shared.api.requests import CaseNumber, current_caller
from functions.shared.api.responses import error_responses, ok_response

router = Router()


@router.post(
    "/cases/<caseNumber>/uploads/<uploadId>/part-urls",
    summary="Presigned URLs for parts",
    description=(
        "Up to 100 parts per call, each with the CRC32 of its bytes. Each URL is valid for 15 minutes; PUT the part's bytes "
        "with the returned headers: S3 refuses a part whose bytes do not match its checksum (400 BadDigest)."
    ),
    responses={**ok_response(PartUrls, "One URL per part asked for."), **error_responses(404, 409, 415)},
    tags=["Files"],
)
def post_part_urls(case_number: CaseNumber, upload_id: UploadId, request: Annotated[PartUrlsRequest, Body()]) -> PartUrls:
    deps = dependencies()
    return part_urls(
        case_number,
        upload_id,
        request,
        current_caller(router),
        store=deps.store,
        storage=deps.storage,
        now=deps.clock.now(),
    )
