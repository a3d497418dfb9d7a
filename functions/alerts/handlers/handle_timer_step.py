"""The incident timer's step Lambda: the Task state of infra/workflows/incident_timer.asl.json invokes it with
{accountId, groupId, step, token} (an incident's step, or a maintenance window's); it answers
{"timerCurrent": bool}. An error (the table busy) fails the
task, which the state machine retries."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.alerts.logic.dependencies import dependencies
from functions.alerts.logic.incident_changes import run_timer_step
from functions.alerts.logic.maintenance import run_window_step
from functions.alerts.models.timer_steps import IncidentTimerRequest, IncidentTimerResult
from functions.shared.business_time import business_calendar
from functions.shared.contracts import IncidentTimerStep
from functions.shared.observability import logger, metrics

WINDOW_STEPS = (IncidentTimerStep.WINDOW_START, IncidentTimerStep.WINDOW_END)  # a maintenance window's (its id as groupId)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    deps = dependencies()
    request = IncidentTimerRequest.model_validate(event)
    logger.append_keys(group_id=request.group_id, step=request.step)
    now = deps.clock.now()
    if request.step in WINDOW_STEPS:
        current = run_window_step(
            request.group_id, request.step, request.token, store=deps.window_store, now=now, calendar=business_calendar()
        )
    else:
        current = run_timer_step(request.group_id, request.step, request.token, store=deps.alert_store, now=now)
    metrics.add_metric(name="IncidentTimerStepsActed" if current else "IncidentTimerStepsStale", unit=MetricUnit.Count, value=1)
    return IncidentTimerResult(timer_current=current).model_dump(by_alias=True)
