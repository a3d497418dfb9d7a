"""The alerts API Lambda (a Cognito token on every route): the staff's monitoring integrations, an account's alerts
and incidents, an engineer opening a held incident's case, an account's monitoring settings, its maintenance
windows and its proactive insights."""

from __future__ import annotations

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.alerts.handlers import (
    handle_alert_reads,
    handle_alert_settings,
    handle_group_case,
    handle_insights,
    handle_integrations,
    handle_maintenance_windows,
)
from functions.shared.api.resolver import create_api, resolve
from functions.shared.observability import logger, metrics

app = create_api(
    handle_integrations.router,
    handle_alert_reads.router,
    handle_group_case.router,
    handle_alert_settings.router,
    handle_maintenance_windows.router,
    handle_insights.router,
)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return resolve(app, event, context)
