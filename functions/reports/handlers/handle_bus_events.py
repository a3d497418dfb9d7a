"""The reports domain's queue consumer (functions/reports/models/delivery.py), each message body one whole
EventBridge event: a case opened, closed or reopened counts in the account's tallies; addresses invited to a
subscription are emailed their confirmation link. Only the records that failed are reported back, so the queue
retries just those (then dead-letters them)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.reports.logic.delivery import send_confirmations
from functions.reports.logic.dependencies import dependencies
from functions.reports.logic.tallies import count_case_event
from functions.shared.bus_event import BusEvent
from functions.shared.contracts import DetailType, ReportRecipientsInvited
from functions.shared.observability import logger

processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def handle_record(record: SQSRecord) -> None:
    deps = dependencies()
    try:
        event = BusEvent.model_validate_json(record.body)
        if event.detail_type == DetailType.REPORT_RECIPIENTS_INVITED:
            send_confirmations(ReportRecipientsInvited.model_validate(event.detail), deps.delivery(), now=deps.clock.now())
        else:
            count_case_event(event.detail_type, event.detail, store=deps.store, now=deps.clock.now())
    except Exception:
        logger.exception("event not handled; the queue will deliver it again", extra={"message_id": record.message_id})
        raise


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=handle_record, processor=processor, context=context)
