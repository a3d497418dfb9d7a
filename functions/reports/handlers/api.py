"""The reports API Lambda: the on-demand case report, the report subscriptions with their deliveries, and the
recipients' public signed links."""

from __future__ import annotations

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.reports.handlers import handle_case_report, handle_recipient_links, handle_subscriptions
from functions.shared.api.resolver import create_api, resolve
from functions.shared.observability import logger, metrics

app = create_api(handle_case_report.router, handle_subscriptions.router, handle_recipient_links.router)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return resolve(app, event, context)
