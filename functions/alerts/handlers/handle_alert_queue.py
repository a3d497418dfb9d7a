"""The processor: the alerts queue's batches (functions/alerts/logic/processing.py).

Not Powertools' BatchProcessor, which handles records one by one: the processor folds the whole batch per
alert key before it writes, so a storm costs one write per alert and batch. It reports as the batch utility
does (`batchItemFailures`), naming the records of the accounts that failed, and a record that is not a
queued event (never sent by the intake) so that it reaches the dead-letter queue."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from functions.alerts.logic.dependencies import dependencies
from functions.alerts.logic.processing import process_batch
from functions.alerts.models.received import ReceivedEvent
from functions.shared.business_time import business_calendar
from functions.shared.observability import logger, metrics


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, list[dict[str, str]]]:
    deps = dependencies()
    records: dict[str, ReceivedEvent] = {}
    failures: list[str] = []
    for record in event.get("Records", []):
        try:
            records[record["messageId"]] = ReceivedEvent.model_validate_json(record["body"])
        except ValidationError:
            logger.exception("not a queued alert event", extra={"message_id": record["messageId"]})
            failures.append(record["messageId"])
    result = process_batch(list(records.values()), store=deps.alert_store, now=deps.clock.now(), calendar=business_calendar())
    failures += [message_id for message_id, received in records.items() if received.account_id in result.failed_accounts]
    metrics.add_metric(name="AlertEventsProcessed", unit=MetricUnit.Count, value=len(records) - len(failures))
    metrics.add_metric(name="AlertRetransmitsDropped", unit=MetricUnit.Count, value=result.retransmits)
    metrics.add_metric(name="AlertsWritten", unit=MetricUnit.Count, value=result.alerts_changed)
    for detail_type in result.events:
        metrics.add_metric(name=detail_type, unit=MetricUnit.Count, value=1)
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failures]}
