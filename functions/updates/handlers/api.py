"""The updates API Lambda: the Testing Department's Windows-update catalog, the gateways' GA catalogs and the accounts'
platforms."""

from __future__ import annotations

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.shared.api.resolver import create_api, resolve
from functions.shared.observability import logger, metrics
from functions.updates.handlers import handle_gateway_catalog, handle_platforms, handle_windows_updates

app = create_api(handle_windows_updates.router, handle_gateway_catalog.router, handle_platforms.router)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return resolve(app, event, context)
