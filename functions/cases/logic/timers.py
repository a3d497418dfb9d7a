"""The case's timers (docs/architecture.md, Architecture and Domain rules): which Step Functions timers a case must have after a
change, and the events that start and stop them (the followups domain runs the executions).

- follow-up: while the case waits on the customer (Awaiting Info, Solution Proposed) and is not
  1-Prod Down; (re)started each time support asks; reminders at 2 and 5 business days, Auto-closed at 10.
- response-escalation: while support has not responded to an open case; restarted when the target
  moves (a priority change before the first response; a reopening, whose target counts from then).

Every start gets a fresh token stored on the case; a step acts only if the case still holds its token,
so a stopped, replaced or duplicated execution does nothing even if StopExecution never arrives.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from functions.cases.logic.response_targets import ResponseDue, manager_escalation_due
from functions.cases.models.actions import CaseAction
from functions.cases.models.case import Case, CaseTimer, Priority, Status, TimerStep
from functions.shared.business_time import business_calendar
from functions.shared.clock import to_iso
from functions.shared.contracts import TimerKind, TimerStart, TimerStepDue, TimerStepName, TimerStop

FOLLOW_UP, RESPONSE_ESCALATION = TimerKind.FOLLOW_UP, TimerKind.RESPONSE_ESCALATION
FOLLOW_UP_BUSINESS_DAYS = {TimerStepName.REMINDER_1: 2, TimerStepName.REMINDER_2: 5, TimerStepName.AUTO_CLOSE: 10}
# The actions by which support hands the case to the customer: each starts the ladder afresh.
ASKED_BY_ACTION = {CaseAction.INFORMATION_REQUESTED: "requested information", CaseAction.SOLUTION_PROPOSED: "proposed a solution"}
WAITING_ON_CUSTOMER = frozenset({Status.AWAITING_INFO, Status.SOLUTION_PROPOSED})

TimerEvent = TimerStart | TimerStop


def reconcile_timers(before: Case | None, after: Case, action: CaseAction, now: datetime) -> tuple[list[CaseTimer], list[TimerEvent]]:
    """The timers `after` must have, and the events announcing what started and stopped."""
    timers = {timer.kind: timer for timer in after.timers}
    events: list[TimerEvent] = []

    def stop(kind: TimerKind, reason: str) -> None:
        timer = timers.pop(kind)
        if timer.pending_steps():
            events.append(TimerStop(timer=kind, token=timer.token, reason=reason))
        elif _last_step_is_this_change(before, timer):
            # A timer that ran its last step has ended (no stop), but stays until the next change: a retry of
            # that step (its answer lost) must find itself done, not its timer gone.
            timers[kind] = timer

    def start(timer: CaseTimer) -> None:
        timers[timer.kind] = timer
        events.append(timer_started(timer))

    follow_up_wanted = after.status in WAITING_ON_CUSTOMER and after.priority is not Priority.PROD_DOWN
    asked_again = action in ASKED_BY_ACTION
    if FOLLOW_UP in timers and (asked_again or not follow_up_wanted):
        stop(FOLLOW_UP, _follow_up_stop_reason(after, asked_again))
    if follow_up_wanted and FOLLOW_UP not in timers:
        start(follow_up_timer(now, ASKED_BY_ACTION.get(action, "asked the customer")))

    escalation_wanted = after.first_response_at is None and after.status is not Status.CLOSED and after.response_due_at
    target_moved = before is not None and before.response_due_at != after.response_due_at
    if RESPONSE_ESCALATION in timers and (target_moved or not escalation_wanted):
        stop(RESPONSE_ESCALATION, _escalation_stop_reason(after, target_moved))
    if escalation_wanted and RESPONSE_ESCALATION not in timers:
        start(escalation_timer(after, now))
    return list(timers.values()), events


def follow_up_timer(asked_at: datetime, what_support_did: str) -> CaseTimer:
    calendar, stamp = business_calendar(), to_iso(asked_at)
    steps = [
        TimerStep(
            step=step,
            due_at=calendar.add_business_days(asked_at, days),
            rule=f"{days} business days (Mon-Fri 07:00-21:00 US Eastern, holidays excluded) after support "
            f"{what_support_did} at {stamp} without an answer",
        )
        for step, days in FOLLOW_UP_BUSINESS_DAYS.items()
    ]
    return CaseTimer(kind=FOLLOW_UP, token=secrets.token_hex(16), started_at=asked_at, steps=steps)


def escalation_timer(case: Case, now: datetime) -> CaseTimer:
    if case.response_due_at is None:
        raise ValueError(f"case {case.case_number} has no response target to escalate on")
    owner_due = ResponseDue(case.response_due_at, case.response_rule or "")
    manager_due = manager_escalation_due(owner_due, case.priority)
    steps = [
        TimerStep(step=TimerStepName.ESCALATE_TO_OWNER, due_at=case.response_due_at, rule=owner_due.rule),
        TimerStep(step=TimerStepName.ESCALATE_TO_MANAGER, due_at=manager_due.due_at, rule=manager_due.rule),
    ]
    return CaseTimer(kind=RESPONSE_ESCALATION, token=secrets.token_hex(16), started_at=now, steps=steps)


def timer_started(timer: CaseTimer) -> TimerStart:
    # Every step, done or not: the state machine waits for each (a done step's wait is over and its step
    # does nothing again), so a timer announced again, as by a replayed create, runs the same way.
    steps = [TimerStepDue(step=step.step, due_at=step.due_at) for step in timer.steps]
    return TimerStart(timer=timer.kind, token=timer.token, started_at=timer.started_at, steps=steps)


def _last_step_is_this_change(before: Case | None, timer: CaseTimer) -> bool:
    held = next((held for held in before.timers if held.token == timer.token), None) if before else None
    return held is not None and bool(held.pending_steps())


def _follow_up_stop_reason(case: Case, asked_again: bool) -> str:
    if case.status is Status.CLOSED:
        return "the case was closed"
    if case.priority is Priority.PROD_DOWN:
        return "the case is 1-Prod Down, which has no automated follow-ups"
    return "support asked again" if asked_again else "the customer answered"


def _escalation_stop_reason(case: Case, target_moved: bool) -> str:
    if case.first_response_at:
        return "support responded"
    if case.status is Status.CLOSED:
        return "the case was closed"
    return "the response target changed" if target_moved else "no response is due"
