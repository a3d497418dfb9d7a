"""Which timers a case has after a change (functions/cases/logic/timers.py) and what it shows as its
next automated action: pure rules, no AWS."""

from __future__ import annotations

from datetime import UTC, datetime

from functions.cases.logic.timers import FOLLOW_UP, RESPONSE_ESCALATION, follow_up_timer, reconcile_timers
from functions.cases.models.case import Case, Priority, Status
from functions.shared.clock import to_iso

# Tuesday 2026-12-01 15:00 UTC = 10:00 US Eastern, a business day.
ASKED = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def case(**fields) -> Case:
    base = {
        "case_number": "0000000042", "case_type": "Support", "account_id": "acme", "contact_id": "c-alice", "opened_by": "u-alice",
        "channel": "web", "status": "Open", "sub_status": "New", "priority": "4-Low", "subject": "s", "description": "d",
        "created_at": to_iso(ASKED), "modified_at": to_iso(ASKED), "version": 1,
        "response_due_at": "2026-12-02T15:00:00.000Z", "response_rule": "4-Low: within 14 hours",
    }  # fmt: skip
    return Case(**(base | fields))


def reconcile(before: Case | None, after: Case, action: str):
    timers, events = reconcile_timers(before, after, action, ASKED)
    return {timer.kind: timer for timer in timers}, [(event.detail_type, event.timer) for event in events]


def test_a_new_web_case_gets_a_response_escalation_with_two_thresholds():
    timers, events = reconcile(None, case(), "opened")
    escalation = timers[RESPONSE_ESCALATION]
    assert [(step.step, to_iso(step.due_at)) for step in escalation.steps] == [
        ("escalateToOwner", "2026-12-02T15:00:00.000Z"),
        ("escalateToManager", "2026-12-03T15:00:00.000Z"),  # 14 more business hours: the next business day
    ]
    assert events == [("CaseTimerStarted", RESPONSE_ESCALATION)]


def test_asking_the_customer_starts_the_ladder_at_2_5_and_10_business_days_and_stops_the_escalation():
    opened, _ = reconcile(None, case(), "opened")
    before = case(timers=list(opened.values()))
    after = before.model_copy(update={"status": Status.AWAITING_INFO, "first_response_at": ASKED})

    timers, events = reconcile(before, after, "information-requested")

    assert [(step.step, to_iso(step.due_at)[:10]) for step in timers[FOLLOW_UP].steps] == [
        ("reminder1", "2026-12-03"), ("reminder2", "2026-12-08"), ("autoClose", "2026-12-15"),
    ]  # fmt: skip
    assert RESPONSE_ESCALATION not in timers
    assert events == [("CaseTimerStarted", FOLLOW_UP), ("CaseTimerStopped", RESPONSE_ESCALATION)]


def test_asking_again_replaces_the_ladder_with_a_new_token():
    ladder = follow_up_timer(ASKED, "requested information")
    before = case(status="Awaiting Info", first_response_at=to_iso(ASKED), timers=[ladder])
    after = before.model_copy(update={"status": Status.SOLUTION_PROPOSED})

    timers, events = reconcile(before, after, "solution-proposed")

    assert timers[FOLLOW_UP].token != ladder.token
    assert events == [("CaseTimerStopped", FOLLOW_UP), ("CaseTimerStarted", FOLLOW_UP)]


def test_an_answer_a_close_or_prod_down_stops_the_ladder():
    ladder = follow_up_timer(ASKED, "requested information")
    before = case(status="Awaiting Info", first_response_at=to_iso(ASKED), timers=[ladder])
    for change in ({"status": Status.OPEN}, {"status": Status.CLOSED}, {"priority": Priority.PROD_DOWN}):
        timers, events = reconcile(before, before.model_copy(update=change), "updated")
        assert (timers, events) == ({}, [("CaseTimerStopped", FOLLOW_UP)]), change


def test_a_prod_down_case_waiting_on_the_customer_gets_no_ladder():
    before = case(priority="1-Prod Down", first_response_at=to_iso(ASKED))
    timers, events = reconcile(before, before.model_copy(update={"status": Status.AWAITING_INFO}), "information-requested")
    assert (timers, events) == ({}, [])


def test_a_ladder_that_ran_its_last_step_ends_without_a_stop():
    ladder = follow_up_timer(ASKED, "requested information")
    done = ladder.model_copy(update={"steps": [step.model_copy(update={"done_at": ASKED}) for step in ladder.steps]})
    before = case(status="Awaiting Info", first_response_at=to_iso(ASKED), timers=[done])
    timers, events = reconcile(before, before.model_copy(update={"status": Status.CLOSED, "timers": [done]}), "auto-closed")
    assert (timers, events) == ({}, [])


def test_the_change_running_the_last_step_keeps_the_ended_ladder_until_the_next_change():
    """So a retry of the auto-close (its events not published) finds itself done rather than no timer."""
    ladder = follow_up_timer(ASKED, "requested information")
    done = ladder.model_copy(update={"steps": [step.model_copy(update={"done_at": ASKED}) for step in ladder.steps]})
    before = case(status="Awaiting Info", first_response_at=to_iso(ASKED), timers=[ladder])
    closed = before.model_copy(update={"status": Status.CLOSED, "timers": [done]})

    timers, events = reconcile(before, closed, "auto-closed")
    assert (timers, events) == ({FOLLOW_UP: done}, [])
    assert closed.with_timers([done]).next_automated_action is None

    reopened = closed.with_timers([done]).model_copy(update={"status": Status.OPEN})
    assert reconcile(closed.with_timers([done]), reopened, "reopened") == ({}, [])


def test_a_moved_target_restarts_the_escalation():
    opened, _ = reconcile(None, case(), "opened")
    before = case(timers=list(opened.values()))
    after = before.model_copy(update={"priority": Priority.MEDIUM, "response_due_at": datetime(2026, 12, 1, 19, 0, tzinfo=UTC)})

    timers, events = reconcile(before, after, "priority-raised")

    assert to_iso(timers[RESPONSE_ESCALATION].steps[0].due_at) == "2026-12-01T19:00:00.000Z"
    assert events == [("CaseTimerStopped", RESPONSE_ESCALATION), ("CaseTimerStarted", RESPONSE_ESCALATION)]


def test_the_next_automated_action_is_the_earliest_pending_step_with_its_rule():
    ladder = follow_up_timer(ASKED, "requested information")
    first_done = ladder.model_copy(update={"steps": [ladder.steps[0].model_copy(update={"done_at": ASKED}), *ladder.steps[1:]]})
    shown = case(status="Awaiting Info", timers=[first_done]).next_automated_action
    assert (shown.action, shown.due_at) == ("reminder2", ladder.steps[1].due_at)
    assert "5 business days" in shown.rule and "requested information" in shown.rule
    assert case().next_automated_action is None
    assert "timers" not in case(timers=[ladder]).model_dump(by_alias=True)  # tokens never leave the service
