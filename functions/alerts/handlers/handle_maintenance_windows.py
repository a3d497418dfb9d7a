"""An account's maintenance windows: staff schedule, change and cancel them; staff read any account's, a customer
their own account's."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import Router

from functions.alerts.handlers.handle_alert_reads import AccountFilter
from functions.alerts.logic import window_requests
from functions.alerts.logic.dependencies import dependencies
from functions.alerts.models.maintenance import WindowStatus
from functions.alerts.models.views import (
    MaintenanceWindowAnswer,
    MaintenanceWindowChangeRequest,
    MaintenanceWindowList,
    MaintenanceWindowRequest,
)
from functions.shared.api.requests import NextToken, PageLimit, current_caller
from functions.shared.api.responses import error_responses, model_response, ok_response
from functions.shared.idempotency import REPLAYED_HEADER, IdempotencyKey, idempotent_request

router = Router()
TAGS = ["Monitoring"]
PATH = "/alerts/maintenance-windows"
WindowId = Annotated[
    str, Path(alias="windowId", pattern=r"^[0-9a-f]{32}$", description="32 hex digits, e.g. `0193a5c2e1f04b7d9c3e2a1f5b6c7d8e`.")
]
WindowStatusFilter = Annotated[
    WindowStatus | None,
    Query(
        description="Only the windows scheduled (not started), active (silencing), ended or cancelled.",
    ),
]


def _answer(answer: MaintenanceWindowAnswer, status: int = 200, *, replayed: bool = False) -> Response[MaintenanceWindowAnswer]:
    headers = {"ETag": f'"{answer.version}"', **({REPLAYED_HEADER: "true"} if replayed else {})}
    if status == 201:
        headers["Location"] = f"{PATH}/{answer.window_id}"
    return model_response(answer, status, headers)


@router.post(
    PATH,
    summary="Schedule a maintenance window (staff)",
    description="From `startsAt` until 10 minutes after `endsAt` (at most 72 hours later), the account's alerts (of the listed "
    "`devices`, or of all) that start firing are recorded and counted on the window, and open, join, email and page nothing; "
    "at its end those still firing are handled as new. Already started: active at once. `caseNumber` is the account's "
    "maintenance case, which hears of the window's start and end: 404 when the account does not exist, 422 "
    "`case_not_of_account` when the case is not the account's.",
    responses={**ok_response(MaintenanceWindowAnswer, "The window; ETag is its version.", 201), **error_responses(403, 404, 409, 415)},
    tags=TAGS,
)
def post_window(
    request: Annotated[MaintenanceWindowRequest, Body()], idempotency_key: IdempotencyKey = None
) -> Response[MaintenanceWindowAnswer]:
    deps, caller = dependencies(), current_caller(router)
    now = deps.clock.now()
    idempotency = idempotent_request(caller, idempotency_key, f"POST {PATH}", request.model_dump(mode="json"), now)
    scheduled = window_requests.schedule(
        request, caller, idempotency=idempotency, windows=deps.window_store, reads=deps.alert_reads, now=now
    )
    return _answer(scheduled.answer, 201, replayed=scheduled.replayed)


@router.get(
    PATH,
    summary="List an account's maintenance windows",
    description="The last scheduled first (a maintenance case's window sorts by its id). Staff name the account; a customer "
    "sees their own. One page is one query, so a page filtered by `state` may hold fewer than `limit`: follow `nextToken` "
    "until it is absent.",
    responses={**ok_response(MaintenanceWindowList, "One page of windows."), **error_responses(404)},
    tags=TAGS,
)
def get_windows(
    account_id: AccountFilter = None, state: WindowStatusFilter = None, limit: PageLimit = 50, next_token: NextToken = None
) -> MaintenanceWindowList:
    deps = dependencies()
    return window_requests.list_windows(
        account_id,
        current_caller(router),
        state=state,
        limit=limit,
        next_token=next_token,
        reads=deps.alert_reads,
        page_tokens=deps.page_tokens,
    )


@router.get(
    f"{PATH}/<windowId>",
    summary="Read a maintenance window",
    description="Staff read any window; a customer their own account's.",
    responses={**ok_response(MaintenanceWindowAnswer, "The window; ETag is its version."), **error_responses(404)},
    tags=TAGS,
)
def get_window(window_id: WindowId) -> Response[MaintenanceWindowAnswer]:
    deps = dependencies()
    return _answer(window_requests.get_window(window_id, current_caller(router), windows=deps.window_store, reads=deps.alert_reads))


@router.patch(
    f"{PATH}/<windowId>",
    summary="Change a maintenance window (staff)",
    description="Before it starts: `startsAt`, `endsAt`, `devices` (only those sent change). Once active, only `endsAt` "
    "(409 `window_active` otherwise); the current time ends it now (an `endsAt` up to 2 minutes in the past counts as now). "
    "Ended or cancelled: 409 `window_ended`, `window_cancelled`. Still at most 72 hours, and `endsAt` not in the past (422).",
    responses={
        **ok_response(MaintenanceWindowAnswer, "The window as changed; ETag is its version."),
        **error_responses(403, 404, 409, 415),
    },
    tags=TAGS,
)
def patch_window(window_id: WindowId, request: Annotated[MaintenanceWindowChangeRequest, Body()]) -> Response[MaintenanceWindowAnswer]:
    deps = dependencies()
    return _answer(window_requests.change(window_id, request, current_caller(router), windows=deps.window_store, now=deps.clock.now()))


@router.post(
    f"{PATH}/<windowId>/cancel",
    summary="Cancel a maintenance window (staff)",
    description="Before it starts; an active window is ended with PATCH `endsAt` (409 `window_active`), an ended or "
    "cancelled one cannot be (409 `window_ended`, `window_cancelled`).",
    responses={**ok_response(MaintenanceWindowAnswer, "The window, now cancelled."), **error_responses(403, 404, 409)},
    tags=TAGS,
)
def post_cancel(window_id: WindowId) -> Response[MaintenanceWindowAnswer]:
    deps = dependencies()
    return _answer(window_requests.cancel(window_id, current_caller(router), windows=deps.window_store, now=deps.clock.now()))
