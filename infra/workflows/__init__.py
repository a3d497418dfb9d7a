"""The timers' state machine definitions (ASL), one file each, run as they are by AWS (the stack's
DefinitionBody.from_file), the local stack and the tests. Plain Python, no CDK: the local stack and the
tests import it.

The files name the timer step Lambda by the placeholder ${TimerStepFunctionArn}; CloudFormation
substitutes it on deploy (definition_substitutions), `definition` does the same elsewhere."""

from __future__ import annotations

from pathlib import Path

WORKFLOWS_DIR = Path(__file__).resolve().parent
TIMER_STEP_PLACEHOLDER = "TimerStepFunctionArn"
FOLLOW_UP_LADDER = "follow_up_ladder.asl.json"
RESPONSE_ESCALATION = "response_escalation.asl.json"


def definition(workflow: str, timer_step_arn: str) -> str:
    """The ASL of `workflow` (FOLLOW_UP_LADDER or RESPONSE_ESCALATION) with the timer step Lambda's ARN in."""
    return (WORKFLOWS_DIR / workflow).read_text().replace("${" + TIMER_STEP_PLACEHOLDER + "}", timer_step_arn)
