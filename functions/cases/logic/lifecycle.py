"""The guide's rules for a case's life after it is opened (docs/architecture.md, Domain rules). Each function decides
what one action does to a case, or refuses it with what to do instead; change_case applies it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from functions.cases.logic.case_store import CaseStore
from functions.cases.logic.change_case import Changed, Decision, EscalationAnswer, PostedUpdate, change_case
from functions.cases.logic.create_case import SUPPORT_PHONE_NUMBERS
from functions.cases.logic.response_targets import response_due
from functions.cases.logic.timers import WAITING_ON_CUSTOMER
from functions.cases.models.actions import CaseAction
from functions.cases.models.case import REOPEN_WINDOW, WEB_PRIORITIES, Case, ClosedSubStatus, OpenSubStatus, Priority, Status
from functions.cases.models.lifecycle import (
    CaseChanges,
    CloseReason,
    CloseRequest,
    EscalationKind,
    EscalationRequest,
    InformationRequest,
    NewUpdate,
    ReopenRequest,
    SolutionAcceptance,
    SolutionProposal,
    SolutionRejection,
    UpdateKind,
)
from functions.shared.auth import Caller
from functions.shared.contracts import Announcement, Closure, Escalation, PriorityChange, Reopening, StatusChange, Updated
from functions.shared.errors import Conflict, Forbidden, ValidationFailed
from functions.shared.idempotency import IdempotentRequest
from functions.shared.retention import FILES_KEPT_AFTER_CLOSURE

PRIORITY_ORDER = [Priority.LOW, Priority.MEDIUM, Priority.HIGH, Priority.PROD_DOWN]


def _staff_only(caller: Caller, what: str, instead: str) -> None:
    if not caller.is_staff:
        raise Forbidden(f"Only support engineers can {what}; {instead}")


def _not_closed(case: Case, what: str) -> None:
    if case.status is Status.CLOSED:
        raise Conflict(
            f"Case {case.case_number} is closed, so you cannot {what}; reopen it with new information first "
            f"(POST /cases/{case.case_number}/reopen).",
            code="case_closed",
        )


def _status_change(case: Case, status: Status, sub_status: str) -> tuple[dict[str, Any], list[Announcement]]:
    fields: dict[str, Any] = {"status": status, "sub_status": sub_status}
    if status is case.status:
        return fields, []
    return fields, [StatusChange(previous_status=case.status.value)]


def post_update(request: NewUpdate, caller: Caller, case: Case) -> Decision:
    _not_closed(case, "post an update")
    fields: dict[str, Any] = {}
    events: list[Announcement] = [Updated()]  # the event names the update posted and who posted it
    if not caller.is_staff and case.status in WAITING_ON_CUSTOMER:
        # The customer answered: the case is back with support (and the follow-up timer stops).
        fields, status_events = _status_change(case, Status.OPEN, OpenSubStatus.INVESTIGATION.value)
        events += status_events
    return Decision(CaseAction.UPDATED, fields, (UpdateKind.COMMENT, request.text), events)


def request_information(request: InformationRequest, caller: Caller, case: Case) -> Decision:
    update = (UpdateKind.INFORMATION_REQUEST, request.message)
    return _ask_customer(caller, case, Status.AWAITING_INFO, CaseAction.INFORMATION_REQUESTED, "request information", update)


def propose_solution(request: SolutionProposal, caller: Caller, case: Case) -> Decision:
    update = (UpdateKind.SOLUTION_PROPOSAL, request.solution)
    return _ask_customer(caller, case, Status.SOLUTION_PROPOSED, CaseAction.SOLUTION_PROPOSED, "propose a solution", update)


def _ask_customer(caller: Caller, case: Case, status: Status, action: CaseAction, what: str, update: PostedUpdate) -> Decision:
    """Support hands the case to the customer (this is what starts the follow-up timer)."""
    _staff_only(caller, what, "post an update instead.")
    _not_closed(case, what)
    fields, events = _status_change(case, status, case.sub_status)
    events.append(Updated())
    return Decision(action, fields, update, events)


def change_fields(request: CaseChanges, caller: Caller, case: Case) -> Decision:
    _staff_only(
        caller,
        "set the sub status, owner or priority",
        f"to raise the priority, ask for it with POST /cases/{case.case_number}/escalations (High and Prod Down need a phone call).",
    )
    _not_closed(case, "change it")
    fields = request.model_dump(exclude_none=True)
    events: list[Announcement] = []
    if request.priority and request.priority is not case.priority:
        events.append(PriorityChange(previous_priority=case.priority.value))
    return Decision(CaseAction.FIELDS_CHANGED, fields, None, events)


def accept_solution(request: SolutionAcceptance, caller: Caller, case: Case, now: datetime) -> Decision:
    if caller.is_staff:
        raise Forbidden(
            f"The customer accepts a solution; support closes with reason solution-accepted (POST /cases/{case.case_number}/close)."
        )
    if case.status is not Status.SOLUTION_PROPOSED:
        raise Conflict(f"Case {case.case_number} has no proposed solution to accept (it is {case.status.value}).", code="no_solution")
    update = (UpdateKind.SOLUTION_ACCEPTANCE, request.comment or "Solution accepted.")
    return _close(case, ClosedSubStatus.RESOLVED, now, CaseAction.SOLUTION_ACCEPTED, update)


def reject_solution(request: SolutionRejection, caller: Caller, case: Case) -> Decision:
    if caller.is_staff:
        raise Forbidden("The customer rejects a solution; support can post an update or request information.")
    if case.status is not Status.SOLUTION_PROPOSED:
        raise Conflict(f"Case {case.case_number} has no proposed solution to reject (it is {case.status.value}).", code="no_solution")
    fields, events = _status_change(case, Status.OPEN, OpenSubStatus.INVESTIGATION.value)
    events.append(Updated())
    return Decision(CaseAction.SOLUTION_REJECTED, fields, (UpdateKind.SOLUTION_REJECTION, request.reason), events)


def close(request: CloseRequest, caller: Caller, case: Case, now: datetime) -> Decision:
    if case.status is Status.CLOSED:
        raise Conflict(f"Case {case.case_number} is already closed.", code="case_closed")
    if caller.is_staff and request.reason is None:
        raise ValidationFailed("Support closes a case for a reason: send reason solution-accepted or customer-asked.", field="reason")
    if not caller.is_staff and request.reason is not None:
        raise Forbidden("reason is for support staff; to close your case, send subStatus and comment only.", field="reason")
    if request.reason is CloseReason.SOLUTION_ACCEPTED and request.sub_status is not ClosedSubStatus.RESOLVED:
        raise ValidationFailed("A case closed because its solution was accepted is Resolved.", field="subStatus")
    return _close(case, request.sub_status, now, CaseAction.CLOSED, (UpdateKind.CLOSURE_COMMENT, request.comment))


def close_automatically(case: Case, now: datetime) -> Decision:
    """The follow-up ladder's last step: 10 business days without the customer's answer."""
    comment = (
        "Closed automatically: no answer from you 10 business days after support's request, despite two reminders. "
        f"To reopen this case, call {SUPPORT_PHONE_NUMBERS}; for a new issue, open a new case."
    )
    return _close(case, ClosedSubStatus.AUTO_CLOSED, now, CaseAction.AUTO_CLOSED, (UpdateKind.CLOSURE_COMMENT, comment))


def close_recovered(case: Case, now: datetime, note: str) -> Decision:
    """A monitoring case nobody worked on, closed as Resolved when its incident's alerts have all recovered
    (the account's opt-in closeIfUntouched; functions/cases/logic/monitoring_cases.py decides it is untouched)."""
    comment = (
        f"{note} Nobody had worked on this case yet, so it is closed as Resolved, as your account's monitoring is set up "
        "to do. If the problem is not solved, reopen the case within 30 days with what you see."
    )
    return _close(case, ClosedSubStatus.RESOLVED, now, CaseAction.MONITORING_RECOVERED_CLOSED, (UpdateKind.CLOSURE_COMMENT, comment))


def close_by_installation(case: Case, installation_case: str, installed: str, now: datetime) -> Decision:
    """An open case an installation resolves (the guide: every open case a Release or update resolves is closed and
    referenced in the installation case), closed as Resolved in the installation case's transaction."""
    if case.status is Status.CLOSED:
        raise Conflict(
            f"Case {case.case_number} is already closed; leave it out of resolvesCases.", field="resolvesCases", code="case_closed"
        )
    comment = (
        f"Closed as Resolved: the installation of {installed} (case {installation_case}) resolves it. If the problem remains "
        "after the installation, reopen this case within 30 days with what you see."
    )
    decision = _close(
        case, ClosedSubStatus.RESOLVED, now, CaseAction.INSTALLATION_RESOLVED, (UpdateKind.CLOSURE_COMMENT, comment), installation_case
    )
    decision.fields["resolved_by_case"] = installation_case
    return decision


def _close(
    case: Case, sub_status: ClosedSubStatus, now: datetime, action: CaseAction, update: PostedUpdate, resolved_by_case: str | None = None
) -> Decision:
    fields, events = _status_change(case, Status.CLOSED, sub_status.value)
    fields["closed_at"] = now
    # The sub status is the case's; an installation's closure names the installation case (others go without the field).
    named = {"resolved_by_case": resolved_by_case} if resolved_by_case else {}
    events.append(Closure(purge_files_after=now + FILES_KEPT_AFTER_CLOSURE, **named))
    return Decision(action, fields, update, events)


def reopen(request: ReopenRequest, caller: Caller, case: Case, now: datetime) -> Decision:
    if case.status is not Status.CLOSED:
        raise Conflict(f"Case {case.case_number} is not closed ({case.status.value}); post an update instead.", code="not_closed")
    # The window binds everyone: after 30 days the case's files are purged and a new case is needed.
    closed_at = case.closed_at or case.modified_at
    if now - closed_at > REOPEN_WINDOW:
        raise Conflict(
            f"Case {case.case_number} was closed more than 30 days ago and its files are purged: open a new case "
            f"(POST /cases) and mention case {case.case_number} in its description.",
            code="reopen_window_passed",
        )
    if case.installation is not None and case.sub_status == ClosedSubStatus.CANCELLED.value:
        raise Conflict(
            f"Installation case {case.case_number} was cancelled and its entitlement freed: request the installation again "
            "(POST /maintenance/requests), which checks the rules and the entitlement anew.",
            code="installation_cancelled",
        )
    if case.sub_status == ClosedSubStatus.AUTO_CLOSED.value and not caller.is_staff:
        raise Forbidden(
            f"Case {case.case_number} was closed by the automated follow-up process and can be reopened only by phone: "
            f"call {SUPPORT_PHONE_NUMBERS}."
        )
    fields, events = _status_change(case, Status.OPEN, OpenSubStatus.INVESTIGATION.value)
    fields["closed_at"] = None
    if case.first_response_at is None:
        # Closed before support ever answered: the target counts from the reopening, not from the first
        # opening (long past), so the response escalation restarts on it instead of firing at once.
        due = response_due(now, case.priority)
        fields.update(response_due_at=due.due_at, response_rule=f"{due.rule}, counted from the reopening")
    events.append(Reopening(closed_at=case.closed_at))
    return Decision(CaseAction.REOPENED, fields, (UpdateKind.REOPEN_INFORMATION, request.information), events)


def escalate(request: EscalationRequest, caller: Caller, case: Case, region: str | None) -> Decision:
    """A customer's request to raise the priority or to involve management; the decision's answer says
    what was done."""
    _not_closed(case, "escalate it")
    update = (UpdateKind.ESCALATION_REQUEST, request.reason)
    # The guide's escalation is an update on the case: from a customer it hands a waiting case back to support.
    fields: dict[str, Any] = {}
    events: list[Announcement] = []
    if not caller.is_staff and case.status in WAITING_ON_CUSTOMER:
        fields, events = _status_change(case, Status.OPEN, OpenSubStatus.INVESTIGATION.value)
    if request.kind is EscalationKind.MANAGEMENT:
        events.append(Escalation(escalation="management", region=region))
        answer = (
            f"The regional support management for your region ({region}) has been notified."
            if region
            else "Your request is recorded on the case; your account has no support region yet, so your Technical "
            "Account Manager will route it."
        )
        return Decision(CaseAction.ESCALATED_TO_MANAGEMENT, fields, update, events, _outcome("recorded", answer))
    current = PRIORITY_ORDER.index(case.priority)
    if current == len(PRIORITY_ORDER) - 1:
        raise ValidationFailed(
            f"Case {case.case_number} is already {case.priority.value}; to escalate further, ask for management "
            'escalation ("kind": "management").',
            field="kind",
        )
    requested = request.requested_priority or PRIORITY_ORDER[current + 1]
    if PRIORITY_ORDER.index(requested) <= current:
        raise ValidationFailed(
            f"Case {case.case_number} is already {case.priority.value}; ask for a higher priority.", field="requestedPriority"
        )
    escalation = Escalation(escalation="priority", requested_priority=requested.value)  # the reason is the change's update
    if requested in WEB_PRIORITIES or caller.is_staff:
        fields["priority"] = requested
        events += [PriorityChange(previous_priority=case.priority.value), escalation]
        return Decision(CaseAction.PRIORITY_RAISED, fields, update, events, _outcome("applied", f"Priority raised to {requested.value}."))
    answer = (
        f"Your request for {requested.value} is recorded on the case; raising a case to {requested.value} needs a phone "
        f"call to Dedicated Support Services: {SUPPORT_PHONE_NUMBERS}."
    )
    return Decision(CaseAction.ESCALATION_REQUESTED, fields, update, [*events, escalation], _outcome("recorded", answer))


def _outcome(outcome: Literal["applied", "recorded"], message: str) -> EscalationAnswer:
    return {"outcome": outcome, "message": message}


def escalate_case(
    case_number: str,
    request: EscalationRequest,
    caller: Caller,
    *,
    if_match: frozenset[int] | None,
    store: CaseStore,
    now: datetime,
    idempotency: IdempotentRequest | None = None,
) -> Changed:
    """Applies an escalation; the change's answer says what was done. A management escalation needs the
    account's region."""

    def decide(case: Case) -> Decision:
        account = store.get_account(case.account_id) if request.kind is EscalationKind.MANAGEMENT else None
        return escalate(request, caller, case, account.region if account else None)

    return change_case(case_number, caller, decide, if_match=if_match, store=store, now=now, idempotency=idempotency)
