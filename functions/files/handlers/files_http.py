"""HTTP details shared by the file routes: path parameters and the 410 answer."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from functions.shared.errors import ErrorResponse

UploadId = Annotated[str, Path(alias="uploadId", pattern=r"^[0-9a-f]{32}$", description="From POST /cases/{caseNumber}/uploads.")]
FileId = Annotated[str, Path(alias="fileId", pattern=r"^[0-9a-f]{32}$", description="From GET /cases/{caseNumber}/files.")]

GONE = {
    410: {
        "description": "The case's files were purged 30 days after it closed.",
        "content": {"application/json": {"model": ErrorResponse}},
    }
}
