"""The dss-monitoring bus's intake: its rule invokes this with each event (CloudWatch alarm state changes and
`dss.monitoring` events of the AWS accounts the bus's policy admits); an alert is one send to the alerts queue,
as from the HTTP intake. A failure (the queue unavailable) raises, so EventBridge retries, then dead-letters."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.alerts.logic.dependencies import dependencies
from functions.alerts.logic.intake import receive_bus_event
from functions.shared.observability import logger, metrics


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, bool]:
    deps = dependencies()
    queued = receive_bus_event(event, integrations=deps.integration_cache, queue=deps.queue, now=deps.clock.now())
    metrics.add_metric(name="AlertEventsReceived" if queued else "BusEventsIgnored", unit=MetricUnit.Count, value=1)
    return {"queued": queued}
