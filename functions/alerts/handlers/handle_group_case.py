"""An engineer opens a held incident's case now (staff)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router

from functions.alerts.handlers.handle_alert_reads import GroupId
from functions.alerts.logic import group_case
from functions.alerts.logic.dependencies import dependencies
from functions.alerts.models.views import AlertGroupAnswer
from functions.shared.api.requests import current_caller
from functions.shared.api.responses import error_responses, model_response, ok_response
from functions.shared.idempotency import REPLAYED_HEADER, IdempotencyKey, idempotent_request

router = Router()


@router.post(
    "/alerts/groups/<groupId>/case",
    summary="Open a held incident's case now (staff)",
    description="An incident held outside business hours asks for its 1-Prod Down case at once (MonitoringCaseRequested, "
    "reason `engineer`, you as actor) instead of waiting for the business opening; the case opens within seconds and its "
    "number shows on the incident. 409 `case_already_requested` when its case is already asked for or open (the message "
    "names the case when it has its number), 409 `incident_closed` when it is closed.",
    responses={**ok_response(AlertGroupAnswer, "The incident, now `requested`."), **error_responses(403, 404, 409)},
    tags=["Monitoring"],
)
def post_group_case(group_id: GroupId, idempotency_key: IdempotencyKey = None) -> Response[AlertGroupAnswer]:
    deps, caller = dependencies(), current_caller(router)
    now = deps.clock.now()
    idempotency = idempotent_request(caller, idempotency_key, f"POST /alerts/groups/{group_id}/case", {}, now)
    requested = group_case.request_group_case(group_id, caller, idempotency=idempotency, store=deps.alert_reads, now=now)
    headers = {"ETag": f'"{requested.answer.version}"', **({REPLAYED_HEADER: "true"} if requested.replayed else {})}
    return model_response(requested.answer, 200, headers)
