"""The alerts domain's queue consumer: the cases domain's openings, closures and reopenings (functions/alerts/
models/delivery.py), each message body one whole EventBridge event: an incident follows its case, and a
customer's maintenance case schedules its window. Only the records
that failed are reported back, so the queue retries just those (then dead-letters them)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.alerts.logic.dependencies import dependencies
from functions.alerts.logic.incident_changes import apply_case_event
from functions.alerts.logic.maintenance import schedule_from_case
from functions.alerts.models.delivery import SUBSCRIBED_DETAIL_TYPES
from functions.shared.bus_event import BusEvent
from functions.shared.contracts import CaseCreated, CaseFacts, DetailType
from functions.shared.observability import logger

processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def handle_record(record: SQSRecord) -> None:
    deps = dependencies()
    try:
        event = BusEvent.model_validate_json(record.body)
        opened = event.detail_type == DetailType.CASE_CREATED
        case = CaseCreated.model_validate(event.detail) if opened else CaseFacts.model_validate(event.detail)
        if isinstance(case, CaseCreated) and (notice := case.maintenance_window):  # a customer's maintenance case
            schedule_from_case(case.account_id, case.case_number, notice, case.actor, store=deps.window_store, now=deps.clock.now())
        elif event.detail_type in SUBSCRIBED_DETAIL_TYPES and case.monitoring_group_id is not None:
            apply_case_event(event.detail_type, case.monitoring_group_id, case.case_number, store=deps.alert_store, now=deps.clock.now())
    except Exception:
        logger.exception("case event not handled; the queue will deliver it again", extra={"message_id": record.message_id})
        raise


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=handle_record, processor=processor, context=context)
