from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import Router

from functions.cases.logic.create_case import create_case
from functions.cases.logic.dependencies import dependencies
from functions.cases.models.case import Case
from functions.cases.models.requests import NewCaseRequest
from functions.shared.api.requests import current_caller
from functions.shared.api.responses import error_responses, model_response, ok_response
from functions.shared.idempotency import REPLAYED_HEADER, IdempotencyKey
from functions.shared.observability import metrics

router = Router()


@router.post(
    "/cases",
    summary="Open a case",
    description=(
        "Support, Admin and Service Request (MAC) cases. The web allows 4-Low or 3-Medium; High and Prod Down are opened by "
        "phone. Service requests: only MAC-authorized contacts; `macType` and `fields` as GET /catalog/service-requests describes. "
        "Proactive cases: support staff only, on behalf of a contact (`onBehalfOf`), 4-Low or 3-Medium, with optional "
        "`alertReferences` (up to 20 alert dedup keys); a customer is refused with 403 `proactive_staff_only`. A Support case "
        "that announces maintenance carries `maintenanceWindow` (startsAt, endsAt after it, at most 72 hours later and in the "
        "future; optional `devices`, at most 100): monitoring is put into maintenance mode for it, and the case is told when "
        "the window is scheduled, starts, ends or is cancelled."
    ),
    responses={**ok_response(Case, "The case (also for a replayed Idempotency-Key).", 201), **error_responses(403, 404, 409, 415)},
    tags=["Cases"],
)
def post_case(request: Annotated[NewCaseRequest, Body()], idempotency_key: IdempotencyKey = None) -> Response[Case]:
    deps = dependencies()
    created = create_case(
        request,
        current_caller(router),
        idempotency_key=idempotency_key,
        store=deps.store,
        now=deps.clock.now(),
    )
    if not created.replayed:
        metrics.add_metric(name="CasesCreated", unit="Count", value=1)
    headers = {"Location": f"/cases/{created.case.case_number}", "ETag": f'"{created.case.version}"'}
    if created.replayed:
        headers[REPLAYED_HEADER] = "true"
    return model_response(created.case, 201, headers)
