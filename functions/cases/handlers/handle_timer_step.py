"""The timer step Lambda: each Task state of the follow-up ladder and of the response escalation
(infra/workflows/*.asl.json) invokes it with {caseNumber, token, step}; it answers {"timerCurrent": bool}.
An error (the table busy, say) fails the task, which the state machine retries."""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.cases.logic.dependencies import dependencies
from functions.cases.logic.timer_steps import run_timer_step
from functions.cases.models.timer_steps import StepOutcome, TimerStepRequest, TimerStepResult
from functions.shared.observability import logger, metrics

_METRICS = {StepOutcome.ACTED: "TimerStepsActed", StepOutcome.REPEATED: "TimerStepsRepeated", StepOutcome.TIMER_GONE: "TimerStepsStale"}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    deps = dependencies()
    request = TimerStepRequest.model_validate(event)
    logger.append_keys(case_number=request.case_number, step=request.step)
    outcome = run_timer_step(request, store=deps.store, now=deps.clock.now())
    metrics.add_metric(name=_METRICS[outcome], unit=MetricUnit.Count, value=1)
    return TimerStepResult(timer_current=outcome is not StepOutcome.TIMER_GONE).model_dump(by_alias=True)
