"""The alerts API Lambda: the staff's monitoring integrations (a Cognito token on every route)."""

from __future__ import annotations

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.alerts.handlers import handle_integrations
from functions.shared.api.resolver import create_api, resolve
from functions.shared.observability import logger, metrics

app = create_api(handle_integrations.router)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return resolve(app, event, context)
