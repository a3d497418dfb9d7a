"""The notifications Lambda: an SQS event source delivers batches of the cases domain's EventBridge
events (each message body is one whole event); each is handled on its own and only the ones that
failed are reported back, so the queue retries just those (then dead-letters them)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.notifications.logic.dependencies import dependencies
from functions.notifications.logic.notify_case_event import notify_case_event
from functions.shared.bus_event import BusEvent
from functions.shared.observability import logger, metrics

processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def handle_record(record: SQSRecord, lambda_context: LambdaContext) -> None:
    deps = dependencies()
    try:
        event = BusEvent.model_validate_json(record.body)
        now = deps.clock.now()
        outcome = notify_case_event(
            event,
            directory=deps.directory,
            updates=deps.case_updates,
            ledger=deps.ledger,
            mailer=deps.mailer,
            references=deps.references,
            portal_url=deps.portal_url,
            management_email_interval=deps.management_email_interval,
            now=now,
            # A claim on a recipient lasts as long as this invocation can (see dal/ledger.py).
            claim_until=now + timedelta(milliseconds=lambda_context.get_remaining_time_in_millis()),
        )
    except Exception:
        logger.exception("event not handled; the queue will deliver it again", extra={"message_id": record.message_id})
        raise
    if outcome.sent:
        metrics.add_metric(name="NotificationEmailsSent", unit=MetricUnit.Count, value=outcome.sent)
    if outcome.duplicates:
        metrics.add_metric(name="NotificationDuplicatesSkipped", unit=MetricUnit.Count, value=outcome.duplicates)
    if outcome.withheld:
        metrics.add_metric(name="ManagementEscalationEmailsWithheld", unit=MetricUnit.Count, value=outcome.withheld)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=handle_record, processor=processor, context=context)
