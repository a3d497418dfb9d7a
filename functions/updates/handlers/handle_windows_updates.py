"""The Testing Department's Windows-update catalog: record, validate, reject (the Testing Department); list and read
(everyone signed in)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import Router

from functions.shared.api.requests import NextToken, current_caller
from functions.shared.api.responses import error_responses, ok_response
from functions.shared.idempotency import IdempotencyKey, idempotent_request
from functions.shared.update_rules import KbStatus
from functions.updates.handlers.http import IfMatch, expected_versions, versioned
from functions.updates.logic import windows_updates
from functions.updates.logic.dependencies import dependencies
from functions.updates.models.windows_updates import (
    KB_PATTERN,
    NewWindowsUpdate,
    RejectRequest,
    ValidateRequest,
    WindowsUpdate,
    WindowsUpdateList,
)

router = Router()
TAGS = ["Platform updates"]
PATH = windows_updates.PATH
KbPath = Annotated[str, Path(alias="kb", pattern=KB_PATTERN, description="The KB number, e.g. `KB5034441`.")]
StatusQuery = Annotated[KbStatus | None, Query(alias="status", description="Only the updates in this status; left out, all.")]
Limit = Annotated[int, Query(alias="limit", ge=1, le=100, description="Page size, 1 to 100.")]


def _answer(update: WindowsUpdate, status: int = 200, *, replayed: bool = False) -> Response[WindowsUpdate]:
    location = f"{PATH}/{update.kb}" if status == 201 else None
    return versioned(update, update.version, status, replayed=replayed, location=location)


@router.post(
    PATH,
    summary="Record a Microsoft update (Testing Department)",
    description="Recorded pending validation, expected to be decided the configured days (7) after its release. A critical "
    "update (classification or MSRC severity Critical) is flagged overdue if still pending at 00:00 US Eastern that day. "
    "409 if the KB is recorded already.",
    responses={**ok_response(WindowsUpdate, "The update as recorded; ETag is its version.", 201), **error_responses(403, 409, 415)},
    tags=TAGS,
)
def post_windows_update(request: Annotated[NewWindowsUpdate, Body()], idempotency_key: IdempotencyKey = None) -> Response[WindowsUpdate]:
    deps, caller = dependencies(), current_caller(router, testing_department=True)
    now = deps.clock.now()
    idempotency = idempotent_request(caller, idempotency_key, f"POST {PATH}", request.model_dump(mode="json"), now)
    changed = windows_updates.record_update(
        request,
        caller,
        idempotency=idempotency,
        store=deps.windows_updates,
        scheduler=deps.scheduler,
        validation_days=deps.validation_days,
        now=now,
    )
    return _answer(changed.answer, 201, replayed=changed.replayed)


@router.get(
    PATH,
    summary="The Windows-update catalog",
    description="Every signed-in user (staff, customers, the Testing Department): the updates, newest release first; "
    "`status=validated` lists the ones that are applied.",
    responses={**ok_response(WindowsUpdateList, "A page of updates."), **error_responses()},
    tags=TAGS,
)
def get_windows_updates(status: StatusQuery = None, limit: Limit = 50, next_token: NextToken = None) -> WindowsUpdateList:
    deps = dependencies()
    return windows_updates.list_updates(
        status,
        current_caller(router, testing_department=True),
        limit=limit,
        next_token=next_token,
        store=deps.windows_updates,
        page_tokens=deps.page_tokens,
    )


@router.get(
    f"{PATH}/<kb>",
    summary="A Microsoft update of the catalog",
    responses={**ok_response(WindowsUpdate, "The update; ETag is its version."), **error_responses(404)},
    tags=TAGS,
)
def get_windows_update(kb: KbPath) -> Response[WindowsUpdate]:
    current_caller(router, testing_department=True)
    return _answer(windows_updates.get_update(kb, store=dependencies().windows_updates))


@router.post(
    f"{PATH}/<kb>/validate",
    summary="Validate a pending update (Testing Department)",
    description="From pending validation only (409 otherwise); from then on it may be applied to customers' platforms.",
    responses={**ok_response(WindowsUpdate, "The update, validated."), **error_responses(403, 404, 409, 412, 415)},
    tags=TAGS,
)
def post_validate(kb: KbPath, request: Annotated[ValidateRequest, Body()], if_match: IfMatch = None) -> Response[WindowsUpdate]:
    deps = dependencies()
    caller = current_caller(router, testing_department=True)
    update = windows_updates.validate_update(
        kb, request, caller, if_match=expected_versions(if_match), store=deps.windows_updates, now=deps.clock.now()
    )
    return _answer(update)


@router.post(
    f"{PATH}/<kb>/reject",
    summary="Reject a pending update (Testing Department)",
    description="From pending validation only (409 otherwise), with the reason customers and engineers read; it is not applied.",
    responses={**ok_response(WindowsUpdate, "The update, rejected."), **error_responses(403, 404, 409, 412, 415)},
    tags=TAGS,
)
def post_reject(kb: KbPath, request: Annotated[RejectRequest, Body()], if_match: IfMatch = None) -> Response[WindowsUpdate]:
    deps = dependencies()
    caller = current_caller(router, testing_department=True)
    update = windows_updates.reject_update(
        kb, request, caller, if_match=expected_versions(if_match), store=deps.windows_updates, now=deps.clock.now()
    )
    return _answer(update)
