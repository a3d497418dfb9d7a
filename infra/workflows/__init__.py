"""The timers' state machine definitions (ASL), one file each, run as they are by AWS (the stack's
DefinitionBody.from_file), the local stack and the tests. Plain Python, no CDK: the local stack and the
tests import it.

Each file names the step Lambda its tasks invoke by a placeholder: the case timers (the follow-up ladder,
the response escalation) ${TimerStepFunctionArn}, the cases domain's timer step; the incident timer
${IncidentTimerStepFunctionArn}, the alerts domain's. CloudFormation substitutes it on deploy
(definition_substitutions), `definition` does the same elsewhere."""

from __future__ import annotations

from pathlib import Path

WORKFLOWS_DIR = Path(__file__).resolve().parent
TIMER_STEP_PLACEHOLDER = "TimerStepFunctionArn"
INCIDENT_TIMER_STEP_PLACEHOLDER = "IncidentTimerStepFunctionArn"
FOLLOW_UP_LADDER = "follow_up_ladder.asl.json"
RESPONSE_ESCALATION = "response_escalation.asl.json"
INCIDENT_TIMER = "incident_timer.asl.json"
# Each workflow's placeholder for the ARN of the step Lambda its tasks invoke.
STEP_PLACEHOLDERS = {
    FOLLOW_UP_LADDER: TIMER_STEP_PLACEHOLDER,
    RESPONSE_ESCALATION: TIMER_STEP_PLACEHOLDER,
    INCIDENT_TIMER: INCIDENT_TIMER_STEP_PLACEHOLDER,
}


def definition(workflow: str, step_arn: str) -> str:
    """The ASL of `workflow` (FOLLOW_UP_LADDER, RESPONSE_ESCALATION or INCIDENT_TIMER) with its step Lambda's ARN in."""
    return (WORKFLOWS_DIR / workflow).read_text().replace("${" + STEP_PLACEHOLDERS[workflow] + "}", step_arn)
