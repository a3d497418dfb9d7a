"""The monitoring integrations routes (staff): create, list, read, rotate the key, disable."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import Router

from functions.alerts.logic import integrations
from functions.alerts.logic.dependencies import dependencies
from functions.alerts.models.integrations import IntegrationAnswer, IntegrationList, NewIntegration
from functions.shared.api.requests import NextToken, PageLimit, current_caller
from functions.shared.api.responses import error_responses, model_response, ok_response
from functions.shared.idempotency import REPLAYED_HEADER, IdempotencyKey, idempotent_request

router = Router()
IntegrationId = Annotated[str, Path(alias="integrationId", pattern=r"^[a-z2-7]{10}$", description="e.g. `k3v7q2m5xa`.")]
AccountQuery = Annotated[str, Query(alias="accountId", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$", description="e.g. `acme`.")]
TAGS = ["Monitoring"]


def _answer(changed: integrations.Changed, status: int = 200) -> Response[IntegrationAnswer]:
    answer = changed.answer
    headers = {"ETag": f'"{answer.version}"', **({REPLAYED_HEADER: "true"} if changed.replayed else {})}
    if status == 201:
        headers["Location"] = f"/alerts/integrations/{answer.integration_id}"
    return model_response(answer, status, headers)


@router.post(
    "/alerts/integrations",
    summary="Create a monitoring integration (staff)",
    description="One per sender of a customer account. The answer holds its credentials: the PagerDuty Events API v2 "
    "`routingKey` for POST /alerts/v1/enqueue, and the Standard Webhooks secret for its signed webhook path.",
    responses={**ok_response(IntegrationAnswer, "The integration and its credentials.", 201), **error_responses(403, 404, 409, 415)},
    tags=TAGS,
)
def post_integration(request: Annotated[NewIntegration, Body()], idempotency_key: IdempotencyKey = None) -> Response[IntegrationAnswer]:
    deps, caller = dependencies(), current_caller(router)
    now = deps.clock.now()
    idempotency = idempotent_request(caller, idempotency_key, "POST /alerts/integrations", request.model_dump(mode="json"), now)
    changed = integrations.create_integration(
        request, caller, idempotency=idempotency, store=deps.integrations, master_key=deps.master_key, now=now
    )
    return _answer(changed, 201)


@router.get(
    "/alerts/integrations",
    summary="List an account's monitoring integrations",
    description="Staff for any account, a customer for their own; never with credentials.",
    responses={**ok_response(IntegrationList, "One page of integrations."), **error_responses(404)},
    tags=TAGS,
)
def get_integrations(account_id: AccountQuery, limit: PageLimit = 50, next_token: NextToken = None) -> IntegrationList:
    deps = dependencies()
    return integrations.list_integrations(
        account_id, current_caller(router), limit=limit, next_token=next_token, store=deps.integrations, page_tokens=deps.page_tokens
    )


@router.get(
    "/alerts/integrations/<integrationId>",
    summary="Read a monitoring integration",
    description="Staff see its current credentials; a customer sees their own account's integrations without them.",
    responses={**ok_response(IntegrationAnswer, "The integration; ETag is its version."), **error_responses(404)},
    tags=TAGS,
)
def get_integration(integration_id: IntegrationId) -> Response[IntegrationAnswer]:
    deps = dependencies()
    answer = integrations.get_integration(integration_id, current_caller(router), store=deps.integrations, master_key=deps.master_key)
    return model_response(answer, 200, {"ETag": f'"{answer.version}"'})


@router.post(
    "/alerts/integrations/<integrationId>/rotate",
    summary="Rotate a monitoring integration's key (staff)",
    description="New credentials; the previous ones keep working for 24 hours, time to change every sender.",
    responses={**ok_response(IntegrationAnswer, "The integration and its new credentials."), **error_responses(403, 404, 409)},
    tags=TAGS,
)
def post_rotate(integration_id: IntegrationId, idempotency_key: IdempotencyKey = None) -> Response[IntegrationAnswer]:
    deps, caller = dependencies(), current_caller(router)
    now = deps.clock.now()
    idempotency = idempotent_request(caller, idempotency_key, f"POST /alerts/integrations/{integration_id}/rotate", {}, now)
    changed = integrations.rotate_integration(
        integration_id, caller, idempotency=idempotency, store=deps.integrations, master_key=deps.master_key, now=now
    )
    return _answer(changed)


@router.post(
    "/alerts/integrations/<integrationId>/disable",
    summary="Disable a monitoring integration (staff)",
    description="Every key of it is refused (401) within a minute; its alerts so far are kept.",
    responses={**ok_response(IntegrationAnswer, "The disabled integration."), **error_responses(403, 404)},
    tags=TAGS,
)
def post_disable(integration_id: IntegrationId, idempotency_key: IdempotencyKey = None) -> Response[IntegrationAnswer]:
    deps, caller = dependencies(), current_caller(router)
    now = deps.clock.now()
    idempotency = idempotent_request(caller, idempotency_key, f"POST /alerts/integrations/{integration_id}/disable", {}, now)
    changed = integrations.disable_integration(
        integration_id, caller, idempotency=idempotency, store=deps.integrations, master_key=deps.master_key, now=now
    )
    return _answer(changed)
