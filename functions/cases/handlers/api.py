"""The cases API Lambda: one resolver, one router per operation."""

from __future__ import annotations

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.cases.handlers import (
    handle_case_actions,
    handle_case_history,
    handle_case_updates,
    handle_create_case,
    handle_get_case,
    handle_installations,
    handle_list_cases,
    handle_service_request_catalog,
)
from functions.shared.api.resolver import create_api, resolve
from functions.shared.observability import logger, metrics

app = create_api(
    handle_create_case.router,
    handle_list_cases.router,
    handle_get_case.router,
    handle_case_updates.router,
    handle_case_actions.router,
    handle_case_history.router,
    handle_service_request_catalog.router,
    handle_installations.router,
)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return resolve(app, event, context)
