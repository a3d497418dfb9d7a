"""The purge Lambda, invoked once a day by an EventBridge schedule (the event itself carries nothing it
needs). Returns and logs the run's summary. A case whose files could not all be deleted fails the
invocation after the others are done, so its alarm and on-failure destination see it; the case stays due
and the next run (or the asynchronous retry) tries it again."""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.purge.logic.dependencies import dependencies
from functions.purge.logic.purge_files import purge_files
from functions.shared.observability import logger, metrics

# Left for the case or upload in hand when the run stops starting new ones.
SAFETY_MARGIN_MILLIS = 60_000


class PurgeIncomplete(Exception):
    pass


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    deps = dependencies()
    summary = purge_files(
        index=deps.purge_index,
        files=deps.case_files,
        events=deps.outbox,
        now=deps.clock.now(),
        has_time=lambda: context.get_remaining_time_in_millis() > SAFETY_MARGIN_MILLIS,
    )
    result = summary.model_dump(by_alias=True)
    logger.info("purge run", extra={"summary": result})
    metrics.add_metric(name="CasesFilesPurged", unit=MetricUnit.Count, value=summary.cases_purged)
    metrics.add_metric(name="CaseFileObjectsDeleted", unit=MetricUnit.Count, value=summary.objects_deleted)
    metrics.add_metric(name="StaleUploadsAborted", unit=MetricUnit.Count, value=summary.uploads_aborted)
    if not summary.finished:
        metrics.add_metric(name="PurgeRunsUnfinished", unit=MetricUnit.Count, value=1)
    if summary.cases_failed:
        raise PurgeIncomplete(f"The files of {len(summary.cases_failed)} cases were not deleted: {', '.join(summary.cases_failed[:20])}")
    return result
