"""What each step of the case timers does when its time comes (docs/architecture.md, Domain rules), run by the state
machines of infra/workflows through functions/cases/handlers/handle_timer_step.py.

A step acts only if the case still holds the execution's token and the step is not done yet, and it
goes through change_case like any other change: a customer's update committed while the step runs makes
the step's conditional write fail, and the step, decided again on the fresh case, then finds its token
gone and does nothing. So a late, stopped or duplicated execution never closes a case by mistake.

The step's change and its events are one transaction (the outbox): a step retried after its change
committed (its answer lost) finds itself done and does nothing more; its events are on their way.
"""

from __future__ import annotations

from datetime import datetime

from functions.cases.logic.case_store import CaseStore
from functions.cases.logic.change_case import Decision, change_case
from functions.cases.logic.lifecycle import close_automatically
from functions.cases.models.actions import CaseAction
from functions.cases.models.case import Case, CaseTimer, Status, TimerStep
from functions.cases.models.timer_steps import StepOutcome, TimerStepRequest
from functions.shared.auth import AUTOMATION
from functions.shared.contracts import EscalationLevel, FollowUpReminder, ReminderNumber, ResponseOverdue, TimerStepName
from functions.shared.errors import NotFound

REMINDERS: dict[TimerStepName, tuple[ReminderNumber, CaseAction]] = {
    TimerStepName.REMINDER_1: (1, CaseAction.FOLLOW_UP_REMINDER_1),
    TimerStepName.REMINDER_2: (2, CaseAction.FOLLOW_UP_REMINDER_2),
}
ESCALATIONS: dict[TimerStepName, tuple[EscalationLevel, CaseAction]] = {
    TimerStepName.ESCALATE_TO_OWNER: ("owner", CaseAction.RESPONSE_ESCALATED_TO_OWNER),
    TimerStepName.ESCALATE_TO_MANAGER: ("manager", CaseAction.RESPONSE_ESCALATED_TO_MANAGER),
}


class _TimerGone(Exception):
    """The case no longer holds the execution's token (or the step): the execution ends."""


class _AlreadyDone(Exception):
    pass


def run_timer_step(request: TimerStepRequest, *, store: CaseStore, now: datetime) -> StepOutcome:
    """Performs the step if it is still due; the execution goes on unless the outcome is TIMER_GONE."""

    def decide(case: Case) -> Decision:
        timer = next((timer for timer in case.timers if timer.token == request.token), None)
        step = next((step for step in timer.steps if step.step == request.step), None) if timer else None
        if timer is None or step is None:
            raise _TimerGone
        if step.done_at is not None:  # a retried invocation of a step that already acted
            raise _AlreadyDone
        decision = _decide_step(case, request.step, timer, now)
        decision.fields["timers"] = _mark_done(case, timer, step, now)
        return decision

    try:
        change_case(request.case_number, AUTOMATION, decide, if_match=None, store=store, now=now)
    except (_TimerGone, NotFound):
        return StepOutcome.TIMER_GONE
    except _AlreadyDone:
        return StepOutcome.REPEATED
    return StepOutcome.ACTED


def _mark_done(case: Case, timer: CaseTimer, step: TimerStep, now: datetime) -> list[CaseTimer]:
    """The case's timers with `step` done by this change."""
    steps = [step.model_copy(update={"done_at": now}) if other is step else other for other in timer.steps]
    return [other if other is not timer else timer.model_copy(update={"steps": steps}) for other in case.timers]


def _decide_step(case: Case, step_name: TimerStepName, timer: CaseTimer, now: datetime) -> Decision:
    due = {step.step: step.due_at for step in timer.steps}
    if step_name in REMINDERS:
        reminder, action = REMINDERS[step_name]
        asked = "information" if case.status is Status.AWAITING_INFO else "solution"
        reminded = FollowUpReminder(reminder=reminder, asked=asked, asked_at=timer.started_at, auto_close_at=due[TimerStepName.AUTO_CLOSE])
        return Decision(action, {}, None, [reminded])
    if step_name is TimerStepName.AUTO_CLOSE:
        return close_automatically(case, now)
    level, action = ESCALATIONS[step_name]
    overdue = ResponseOverdue(level=level, response_due_at=case.response_due_at, response_rule=case.response_rule)
    return Decision(action, {}, None, [overdue])
