"""HTTP details shared by the file routes: path parameters and the 410 answer."""

from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from functions.shared.errors import ErrorResponse

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

UploadId = Annotated[str, Path(alias="uploadId", pattern=r"^[0-9a-f]{32}$", description="From POST /cases/{caseNumber}/uploads.")]
FileId = Annotated[str, Path(alias="fileId", pattern=r"^[0-9a-f]{32}$", description="From GET /cases/{caseNumber}/files.")]

GONE: dict[int, "OpenAPIResponse"] = {
    410: {
        "description": "The case's files were purged 30 days after it closed.",
        "content": {"application/json": {"model": ErrorResponse}},
    }
}
