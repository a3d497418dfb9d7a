from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import Router

from functions.cases.handlers.case_http import IfMatch, apply_change, changed_response, expected_version, idempotency_of
from functions.cases.logic import lifecycle
from functions.cases.logic.dependencies import dependencies
from functions.cases.models.case import Case
from functions.cases.models.lifecycle import (
    CaseChanges,
    CloseRequest,
    EscalationOutcome,
    EscalationRequest,
    InformationRequest,
    ReopenRequest,
    SolutionAcceptance,
    SolutionProposal,
    SolutionRejection,
)
from functions.shared.api.requests import CaseNumber, current_caller
from functions.shared.api.responses import error_responses, ok_response
from functions.shared.idempotency import IdempotencyKey

router = Router()

CHANGED = {**ok_response(Case, "The changed case; ETag is its new version."), **error_responses(403, 404, 409, 412, 415)}


@router.post("/cases/<caseNumber>/request-info", summary="Request information (support)", responses=CHANGED, tags=["Support actions"])
def request_info(
    case_number: CaseNumber,
    request: Annotated[InformationRequest, Body()],
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Response[Case]:
    changed = apply_change(
        router,
        case_number,
        if_match,
        idempotency_key,
        request,
        lambda caller, case, now: lifecycle.request_information(request, caller, case),
    )
    return changed_response(changed)


@router.post("/cases/<caseNumber>/propose-solution", summary="Propose a solution (support)", responses=CHANGED, tags=["Support actions"])
def propose_solution(
    case_number: CaseNumber, request: Annotated[SolutionProposal, Body()], if_match: IfMatch = None, idempotency_key: IdempotencyKey = None
) -> Response[Case]:
    changed = apply_change(
        router, case_number, if_match, idempotency_key, request, lambda caller, case, now: lifecycle.propose_solution(request, caller, case)
    )
    return changed_response(changed)


@router.patch(
    "/cases/<caseNumber>",
    summary="Set sub status, owner or priority (support)",
    description="Any priority: this is how an engineer applies 2-High or 1-Prod Down after the customer's call.",
    responses=CHANGED,
    tags=["Support actions"],
)
def change_fields(
    case_number: CaseNumber, request: Annotated[CaseChanges, Body()], if_match: IfMatch = None, idempotency_key: IdempotencyKey = None
) -> Response[Case]:
    changed = apply_change(
        router, case_number, if_match, idempotency_key, request, lambda caller, case, now: lifecycle.change_fields(request, caller, case)
    )
    return changed_response(changed)


@router.post("/cases/<caseNumber>/solution/accept", summary="Accept the proposed solution", responses=CHANGED, tags=["Customer answers"])
def accept_solution(
    case_number: CaseNumber,
    request: Annotated[SolutionAcceptance, Body()],
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Response[Case]:
    changed = apply_change(
        router,
        case_number,
        if_match,
        idempotency_key,
        request,
        lambda caller, case, now: lifecycle.accept_solution(request, caller, case, now),
    )
    return changed_response(changed)


@router.post("/cases/<caseNumber>/solution/reject", summary="Reject the proposed solution", responses=CHANGED, tags=["Customer answers"])
def reject_solution(
    case_number: CaseNumber, request: Annotated[SolutionRejection, Body()], if_match: IfMatch = None, idempotency_key: IdempotencyKey = None
) -> Response[Case]:
    changed = apply_change(
        router, case_number, if_match, idempotency_key, request, lambda caller, case, now: lifecycle.reject_solution(request, caller, case)
    )
    return changed_response(changed)


@router.post(
    "/cases/<caseNumber>/close",
    summary="Close a case",
    description="Customers: subStatus Resolved or Cancelled and a closure comment. Support: also a reason.",
    responses=CHANGED,
    tags=["Closing"],
)
def close_case(
    case_number: CaseNumber, request: Annotated[CloseRequest, Body()], if_match: IfMatch = None, idempotency_key: IdempotencyKey = None
) -> Response[Case]:
    changed = apply_change(
        router, case_number, if_match, idempotency_key, request, lambda caller, case, now: lifecycle.close(request, caller, case, now)
    )
    return changed_response(changed)


@router.post(
    "/cases/<caseNumber>/reopen",
    summary="Reopen a closed case",
    description=(
        "Within 30 days of closure and with new supporting information; a case auto-closed by the follow-up process is reopened by phone."
    ),
    responses=CHANGED,
    tags=["Closing"],
)
def reopen_case(
    case_number: CaseNumber, request: Annotated[ReopenRequest, Body()], if_match: IfMatch = None, idempotency_key: IdempotencyKey = None
) -> Response[Case]:
    changed = apply_change(
        router, case_number, if_match, idempotency_key, request, lambda caller, case, now: lifecycle.reopen(request, caller, case, now)
    )
    return changed_response(changed)


@router.post(
    "/cases/<caseNumber>/escalations",
    summary="Ask to raise the priority or to involve management",
    description=(
        "Low to Medium is applied at once; High and Prod Down are recorded and need a phone call; "
        "management escalation notifies the regional support manager."
    ),
    responses={**ok_response(EscalationOutcome, "What was done, and the case."), **error_responses(404, 409, 412, 415)},
    tags=["Escalation"],
)
def escalate(
    case_number: CaseNumber,
    request: Annotated[EscalationRequest, Body()],
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Response[EscalationOutcome]:
    deps = dependencies()
    now = deps.clock.now()
    changed = lifecycle.escalate_case(
        case_number,
        request,
        current_caller(router),
        if_match=expected_version(if_match),
        store=deps.store,
        now=now,
        idempotency=idempotency_of(router, idempotency_key, request, now),
    )
    if changed.answer is None:  # an escalation always answers what it did
        raise RuntimeError(f"the escalation of case {case_number} gave no answer")
    return changed_response(changed, answer=EscalationOutcome(**changed.answer, case=changed.case))
