"""HTTP details shared by the file routes: path and paging parameters and the 410 answer."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from functions.shared.errors import ErrorResponse

CaseNumber = Annotated[str, Path(alias="caseNumber", pattern=r"^\d{10}$", description="10 digits, e.g. 0002068177.")]
UploadId = Annotated[str, Path(alias="uploadId", pattern=r"^[0-9a-f]{32}$", description="From POST /cases/{caseNumber}/uploads.")]
FileId = Annotated[str, Path(alias="fileId", pattern=r"^[0-9a-f]{32}$", description="From GET /cases/{caseNumber}/files.")]
# A page of 100 is a few hundred KB at most (every text of an item is capped), far below Lambda's 6 MB answer.
Limit = Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100.")]
NextToken = Annotated[
    str | None, Query(alias="nextToken", max_length=4096, description="From the previous page; it works only for you and this listing.")
]

GONE = {
    410: {
        "description": "The case's files were purged 30 days after it closed.",
        "content": {"application/json": {"model": ErrorResponse}},
    }
}
