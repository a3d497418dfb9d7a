"""The followups Lambda: an SQS event source delivers batches of the cases domain's CaseTimerStarted and
CaseTimerStopped events (each message body is one whole EventBridge event); each starts or stops one
Step Functions execution, and only the records that failed are reported back, so the queue retries just
those (then dead-letters them)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.followups.logic.dependencies import dependencies
from functions.followups.logic.run_timers import Outcome, run_timer_event
from functions.shared.bus_event import BusEvent
from functions.shared.observability import logger, metrics

processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

_METRICS = {Outcome.STARTED: "TimersStarted", Outcome.STOPPED: "TimersStopped"}


def handle_record(record: SQSRecord) -> None:
    deps = dependencies()
    try:
        event = BusEvent.model_validate_json(record.body)
        outcome = run_timer_event(event, deps.state_machines, deps.time_scale)
    except Exception:
        logger.exception("timer event not handled; the queue will deliver it again", extra={"message_id": record.message_id})
        raise
    if outcome in _METRICS:
        metrics.add_metric(name=_METRICS[outcome], unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=handle_record, processor=processor, context=context)
