"""The directory API Lambda: one resolver, one router per resource."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.directory.handlers import handle_accounts, handle_contacts, handle_regions, handle_sign_in
from functions.shared.api.resolver import create_api, resolve
from functions.shared.observability import logger, metrics

app = create_api(handle_accounts.router, handle_contacts.router, handle_regions.router, handle_sign_in.router)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
