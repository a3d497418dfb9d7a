"""The updates domain's scheduled jobs, invoked by EventBridge Scheduler with their input: `{"job": "validation-due",
"kb": …}` (a critical update's one-time schedule), `{"job": "patch-tuesday"}` and `{"job": "behind-ga-check"}` (the
stack's crons). Each writes its notice once however often it fires (functions/updates/logic/jobs.py). An input it does
not know fails the invocation, so it lands in the dead-letter queue, whose alarm calls a human."""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.shared.observability import logger, metrics
from functions.updates.logic import jobs
from functions.updates.logic.dependencies import dependencies
from functions.updates.models.jobs import JobEvent, PatchTuesday, ValidationDue


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    job = JobEvent.model_validate({"job": event}).job
    deps = dependencies()
    now = deps.clock.now()
    if isinstance(job, ValidationDue):
        summary = jobs.validation_due(job.kb, store=deps.windows_updates, now=now)
    elif isinstance(job, PatchTuesday):
        summary = jobs.patch_tuesday(store=deps.windows_updates, now=now)
    else:
        summary = jobs.behind_ga_check(store=deps.platforms, now=now)
    metrics.add_metric(name="UpdateNoticesWritten", unit=MetricUnit.Count, value=summary.written)
    logger.info("updates job", extra={"summary": summary.as_dict()})
    return summary.as_dict()
