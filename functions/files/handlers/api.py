"""The files API Lambda: one resolver, one router per operation."""

from __future__ import annotations

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.files.handlers import (
    handle_abort_upload,
    handle_complete_upload,
    handle_download_file,
    handle_get_upload,
    handle_list_files,
    handle_list_uploads,
    handle_part_urls,
    handle_start_upload,
)
from functions.shared.api.resolver import create_api, resolve
from functions.shared.observability import logger, metrics

app = create_api(
    handle_start_upload.router,
    handle_part_urls.router,
    handle_get_upload.router,
    handle_list_uploads.router,
    handle_complete_upload.router,
    handle_abort_upload.router,
    handle_list_files.router,
    handle_download_file.router,
)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return resolve(app, event, context)
