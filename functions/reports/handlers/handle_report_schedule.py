"""The report dispatcher, invoked by an EventBridge Scheduler cron (hourly, 06:00 to 23:00 US Eastern; the event
carries nothing it needs): delivers every subscription whose next delivery has come. A subscription the run had no
time left for stays due for the next run, an hour later. One whose delivery failed stays due too, and fails the run
after the others are done, so Lambda retries it and then records it in the dead-letter queue, whose alarm calls a
human; the delivery claims make reruns send nobody twice."""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.reports.logic.delivery import dispatch_due
from functions.reports.logic.dependencies import dependencies
from functions.shared.observability import logger, metrics

SAFETY_MARGIN_MILLIS = 120_000  # left for the subscription in hand when the run stops starting new ones


class ReportsNotDelivered(Exception):
    pass


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    deps = dependencies()
    summary = dispatch_due(
        deps.delivery(), now=deps.clock.now(), has_time=lambda: context.get_remaining_time_in_millis() > SAFETY_MARGIN_MILLIS
    )
    metrics.add_metric(name="CaseReportsDelivered", unit=MetricUnit.Count, value=summary.delivered)
    metrics.add_metric(name="CaseReportEmailsSent", unit=MetricUnit.Count, value=summary.emails)
    metrics.add_metric(name="CaseReportsNotDelivered", unit=MetricUnit.Count, value=len(summary.failed))
    result = {
        "due": summary.due, "delivered": summary.delivered, "emails": summary.emails,
        "deferred": summary.deferred, "failed": summary.failed,
    }  # fmt: skip
    logger.info("report dispatch", extra={"summary": result})
    if summary.failed:
        raise ReportsNotDelivered(f"{len(summary.failed)} due reports were not delivered: {', '.join(summary.failed[:20])}")
    return result
