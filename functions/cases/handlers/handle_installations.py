from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import Router

from functions.cases.logic.dependencies import dependencies
from functions.cases.logic.installations import check_installation, request_installation
from functions.cases.models.installations import InstallationAccepted, InstallationRequest, RuleAnswer
from functions.shared.api.requests import current_caller
from functions.shared.api.responses import error_responses, model_response, ok_response
from functions.shared.idempotency import REPLAYED_HEADER, IdempotencyKey
from functions.shared.observability import metrics

router = Router()

RULES = (
    "The guide's rules decide: a Windows update only once the Testing Department validated it (else 409 naming its status "
    "and expected date); a Release at most once a contract quarter (409 naming the case and date that used it, and the "
    "quarter's end), for a known or new SCR or a feature, driven by a system-impacting issue; a Patch for an SCR that is "
    "service affecting in a feature in use; a gateway update for an SCR, a feature, or every gateway named 3 or more "
    "updates behind GA (`behind-ga`), within the contract year's gateway updates. Each refusal's `error` is the rule's code "
    "and its message says what would change the answer."
)


@router.post(
    "/maintenance/requests",
    summary="Request an installation",
    description=(
        "Support staff only (customers ask through a case). " + RULES + " An accepted request opens the installation case (a "
        "Service Request at 3-Medium for the contact) and, in the same transaction, closes every case in `resolvesCases` "
        "(the account's open cases, at most 48, as the transaction's 100 writes allow) as Resolved referencing it, and uses "
        "the entitlement; a case changed meanwhile refuses it all (409 `resolved_case_changed`, naming it). Cancelling the "
        "installation case before it is done frees the entitlement."
    ),
    responses={
        **ok_response(InstallationAccepted, "The installation case and the cases it closed (also for a replayed key).", 201),
        **error_responses(403, 404, 409, 415),
    },
    tags=["Platform updates"],
)
def post_installation(
    request: Annotated[InstallationRequest, Body()], idempotency_key: IdempotencyKey = None
) -> Response[InstallationAccepted]:
    deps = dependencies()
    accepted, replayed = request_installation(
        request, current_caller(router), idempotency_key=idempotency_key, store=deps.store, now=deps.clock.now()
    )
    if not replayed:
        metrics.add_metric(name="InstallationsRequested", unit="Count", value=1)
    headers = {"Location": f"/cases/{accepted.case.case_number}"}
    if replayed:
        headers[REPLAYED_HEADER] = "true"
    return model_response(accepted, 201, headers)


@router.post(
    "/maintenance/requests/check",
    summary="Check an installation request against the rules",
    description="The answer the same request would get, without writing anything: 200 with the rule's words when it would "
    "be accepted, else the refusal it would get. " + RULES,
    responses={**ok_response(RuleAnswer, "The request would be accepted, by this rule."), **error_responses(403, 404, 409, 415)},
    tags=["Platform updates"],
)
def post_installation_check(request: Annotated[InstallationRequest, Body()]) -> Response[RuleAnswer]:
    deps = dependencies()
    return model_response(check_installation(request, current_caller(router), store=deps.store, now=deps.clock.now()), 200)
