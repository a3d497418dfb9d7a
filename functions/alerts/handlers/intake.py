"""The monitoring intake Lambda: public routes that check a sender's credential and queue its event (one
SQS send, no database write). Kept apart from the alerts API: its role may only read integrations and send
to the queue, and its cold start carries nothing else."""

from __future__ import annotations

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.alerts.handlers import handle_intake
from functions.shared.api.resolver import create_api, resolve
from functions.shared.observability import logger, metrics

app = create_api(handle_intake.router)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return resolve(app, event, context)
