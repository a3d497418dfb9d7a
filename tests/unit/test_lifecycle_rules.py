"""The lifecycle rules on their own: each action's decision, or its refusal, for a given case."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.cases.logic import lifecycle
from functions.cases.models.case import Case, CaseType, Channel, Priority, Status
from functions.cases.models.lifecycle import (
    CaseChanges,
    CloseRequest,
    EscalationRequest,
    NewUpdate,
    ReopenRequest,
)
from functions.shared.auth import caller_from_claims
from functions.shared.clock import to_iso
from functions.shared.errors import Conflict, Forbidden, ValidationFailed

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
CUSTOMER = caller_from_claims({"sub": "u-1", "cognito:groups": "customer-contacts", "custom:account_id": "a", "custom:contact_id": "c"})
ENGINEER = caller_from_claims({"sub": "u-e", "cognito:groups": "engineers"})


def a_case(status=Status.OPEN, sub_status="Investigation", priority=Priority.LOW, closed_days_ago=None) -> Case:
    closed_at = NOW - timedelta(days=closed_days_ago) if closed_days_ago is not None else None
    return Case(
        case_number="0000000042", case_type=CaseType.ADMIN, account_id="a", contact_id="c", opened_by="u-1", channel=Channel.WEB,
        status=status, sub_status=sub_status, priority=priority, subject="s", description="d",
        closed_at=closed_at, created_at=NOW, modified_at=NOW, version=3,
    )  # fmt: skip


@pytest.mark.parametrize("status", [Status.AWAITING_INFO, Status.SOLUTION_PROPOSED])
def test_a_customer_answer_reopens_work(status):
    decision = lifecycle.post_update(NewUpdate(text="here"), CUSTOMER, a_case(status))
    assert decision.fields["status"] is Status.OPEN
    assert [event.detail_type for event in decision.events] == ["CaseUpdated", "CaseStatusChanged"]


def test_an_update_on_an_open_case_changes_no_status():
    assert lifecycle.post_update(NewUpdate(text="hi"), CUSTOMER, a_case()).fields == {}


def test_closed_cases_take_no_updates():
    with pytest.raises(Conflict, match="reopen"):
        lifecycle.post_update(NewUpdate(text="hi"), CUSTOMER, a_case(Status.CLOSED, "Resolved", closed_days_ago=1))


@given(days=st.floats(min_value=0, max_value=30, exclude_max=False))
def test_reopen_is_allowed_for_thirty_days(days):
    case = a_case(Status.CLOSED, "Resolved", closed_days_ago=days)
    assert lifecycle.reopen(ReopenRequest(information="new logs"), CUSTOMER, case, NOW).fields["status"] is Status.OPEN


@given(days=st.floats(min_value=30.0001, max_value=3650))
def test_reopen_after_thirty_days_names_the_old_case(days):
    case = a_case(Status.CLOSED, "Resolved", closed_days_ago=days)
    with pytest.raises(Conflict, match="0000000042"):
        lifecycle.reopen(ReopenRequest(information="new logs"), CUSTOMER, case, NOW)


def test_auto_closed_reopens_only_by_phone_but_engineers_may():
    case = a_case(Status.CLOSED, "Auto-closed", closed_days_ago=2)
    with pytest.raises(Forbidden, match="phone"):
        lifecycle.reopen(ReopenRequest(information="x"), CUSTOMER, case, NOW)
    assert lifecycle.reopen(ReopenRequest(information="x"), ENGINEER, case, NOW).fields["status"] is Status.OPEN


def test_close_rules():
    close = CloseRequest.model_validate({"subStatus": "Resolved", "comment": "ok"})
    with pytest.raises(ValidationFailed):
        lifecycle.close(close, ENGINEER, a_case(), NOW)
    decision = lifecycle.close(close, CUSTOMER, a_case(), NOW)
    fields = decision.fields
    assert (fields["status"], fields["sub_status"], fields["closed_at"]) == (Status.CLOSED, "Resolved", NOW)
    purge = {event.detail_type: event.to_bus() for event in decision.events}["CaseClosed"]["purgeFilesAfter"]
    assert purge == to_iso(NOW + timedelta(days=30))


@pytest.mark.parametrize(
    "current, requested, applied",
    [
        (Priority.LOW, None, Priority.MEDIUM),
        (Priority.LOW, Priority.MEDIUM, Priority.MEDIUM),
        (Priority.LOW, Priority.HIGH, None),
        (Priority.MEDIUM, None, None),  # one level up from Medium is High: by phone
        (Priority.MEDIUM, Priority.PROD_DOWN, None),
    ],
)
def test_priority_escalation(current, requested, applied):
    request = EscalationRequest.model_validate({"kind": "priority", "requestedPriority": requested, "reason": "r"})
    decision = lifecycle.escalate(request, CUSTOMER, a_case(priority=current), None)
    if applied:
        assert decision.fields == {"priority": applied} and decision.answer["outcome"] == "applied"
    else:
        assert decision.fields == {} and "call" in decision.answer["message"] and decision.answer["outcome"] == "recorded"


def test_escalating_to_the_same_or_lower_priority_is_refused():
    with pytest.raises(ValidationFailed):
        request = EscalationRequest.model_validate({"kind": "priority", "requestedPriority": "4-Low", "reason": "r"})
        lifecycle.escalate(request, CUSTOMER, a_case(), None)


def test_support_fields_are_for_engineers():
    with pytest.raises(Forbidden):
        lifecycle.change_fields(CaseChanges.model_validate({"priority": "2-High"}), CUSTOMER, a_case())
    decision = lifecycle.change_fields(CaseChanges.model_validate({"priority": "1-Prod Down"}), ENGINEER, a_case())
    assert decision.fields == {"priority": Priority.PROD_DOWN}


def test_empty_support_change_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        CaseChanges()


@pytest.mark.parametrize("status", [Status.AWAITING_INFO, Status.SOLUTION_PROPOSED])
def test_a_customers_escalation_hands_a_waiting_case_back_to_support(status):
    request = EscalationRequest.model_validate({"kind": "management", "reason": "No progress."})
    decision = lifecycle.escalate(request, CUSTOMER, a_case(status), "emea")
    assert decision.fields["status"] is Status.OPEN
    assert "CaseStatusChanged" in [event.detail_type for event in decision.events]


def test_prod_down_escalates_only_to_management():
    request = EscalationRequest.model_validate({"kind": "priority", "reason": "r"})
    with pytest.raises(ValidationFailed, match="management"):
        lifecycle.escalate(request, CUSTOMER, a_case(priority=Priority.PROD_DOWN), None)


def test_the_reopen_window_binds_engineers_too():
    with pytest.raises(Conflict, match="new case"):
        lifecycle.reopen(ReopenRequest(information="x"), ENGINEER, a_case(Status.CLOSED, "Resolved", closed_days_ago=31), NOW)
