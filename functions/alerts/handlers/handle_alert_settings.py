"""An account's monitoring settings (staff): read them, set them."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import Router

from functions.alerts.logic import settings
from functions.alerts.logic.dependencies import dependencies
from functions.alerts.models.views import AlertSettingsAnswer, AlertSettingsRequest
from functions.shared.api.requests import current_caller
from functions.shared.api.responses import error_responses, model_response, ok_response

router = Router()
TAGS = ["Monitoring"]
AccountId = Annotated[str, Path(alias="accountId", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$", description="e.g. `acme`.")]


def _answer(answer: AlertSettingsAnswer) -> Response[AlertSettingsAnswer]:
    return model_response(answer, 200, {"ETag": f'"{answer.version}"'})


@router.get(
    "/alerts/settings/<accountId>",
    summary="Read an account's monitoring settings (staff)",
    description="Which severities open a case, the account window, the digest and settle times, what happens after hours and "
    "on recovery; version 0: the account has none of its own and uses these defaults.",
    responses={**ok_response(AlertSettingsAnswer, "The settings; ETag is their version."), **error_responses(403, 404)},
    tags=TAGS,
)
def get_settings(account_id: AccountId) -> Response[AlertSettingsAnswer]:
    return _answer(settings.get_settings(account_id, current_caller(router), store=dependencies().alert_reads))


@router.put(
    "/alerts/settings/<accountId>",
    summary="Set an account's monitoring settings (staff)",
    description="All of them: a field left out takes its default. The alerts processor applies them from its next batch; "
    "the same PUT again changes nothing.",
    responses={**ok_response(AlertSettingsAnswer, "The settings as set; ETag is their version."), **error_responses(403, 404, 415)},
    tags=TAGS,
)
def put_settings(account_id: AccountId, request: Annotated[AlertSettingsRequest, Body()]) -> Response[AlertSettingsAnswer]:
    deps = dependencies()
    answer = settings.put_settings(account_id, request, current_caller(router), store=deps.alert_reads, now=deps.clock.now())
    return _answer(answer)
