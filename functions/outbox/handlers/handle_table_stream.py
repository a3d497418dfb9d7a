"""The outbox publisher Lambda: the table stream's event source mapping (filtered to new outbox items)
invokes it with up to 100 records; it answers with a partial batch response naming the first record it
could not publish, from which Lambda retries."""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.outbox.logic.dependencies import dependencies
from functions.outbox.logic.publish_events import publish_events
from functions.outbox.models.outbox_records import OutboxRecord
from functions.shared.observability import logger, metrics


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    records = [record for raw in event.get("Records", []) if (record := OutboxRecord.from_stream(raw))]
    published, first_failed = publish_events(records, dependencies().event_bus)
    metrics.add_metric(name="EventsPublished", unit=MetricUnit.Count, value=published)
    if first_failed is None:
        return {"batchItemFailures": []}
    metrics.add_metric(name="EventsPublishFailed", unit=MetricUnit.Count, value=len(records) - published)
    logger.warning("publishing stopped; Lambda retries from the first record not published", extra={"sequence_number": first_failed})
    return {"batchItemFailures": [{"itemIdentifier": first_failed}]}
