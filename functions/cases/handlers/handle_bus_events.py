"""The cases domain's queue consumer: an SQS event source delivers batches of other domains' events for the
cases domain (functions/cases/models/delivery.py: the purge job's CaseFilesPurged, the alerts domain's
incidents and maintenance windows), each message body one whole EventBridge event; only the records that failed are reported back,
so the queue retries just those (then dead-letters them)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.cases.logic.bus_events import handle_bus_event
from functions.cases.logic.dependencies import dependencies
from functions.cases.models.bus_events import Outcome
from functions.shared.bus_event import BusEvent
from functions.shared.observability import logger, metrics

processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
METRICS = {
    Outcome.MARKED: "CasesMarkedFilesPurged",
    Outcome.OPENED: "MonitoringCasesOpened",
    Outcome.NOTED: "MonitoringNotesPosted",
    Outcome.CLOSED: "MonitoringCasesClosedOnRecovery",
    Outcome.MAINTENANCE_NOTED: "MaintenanceNotesPosted",
}


def handle_record(record: SQSRecord) -> None:
    deps = dependencies()
    try:
        event = BusEvent.model_validate_json(record.body)
        outcome = handle_bus_event(event, store=deps.store, now=deps.clock.now())
    except Exception:
        logger.exception("event not handled; the queue will deliver it again", extra={"message_id": record.message_id})
        raise
    if name := METRICS.get(outcome):
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=handle_record, processor=processor, context=context)
