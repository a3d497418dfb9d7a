"""An account's platform: its Release, patches and gateways (each with how far behind GA it is) and its contract's
update entitlements. Staff read and set any account's; a customer reads their own."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import Router

from functions.shared.api.requests import current_caller
from functions.shared.api.responses import error_responses, ok_response
from functions.updates.handlers.http import IfMatch, expected_versions, versioned
from functions.updates.logic import platforms
from functions.updates.logic.dependencies import dependencies
from functions.updates.models.platforms import PlatformAnswer, PlatformRequest

router = Router()
TAGS = ["Platform updates"]
PATH = "/accounts/<accountId>/platform"
AccountId = Annotated[str, Path(alias="accountId", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$", description="e.g. `acme`.")]


@router.get(
    PATH,
    summary="An account's platform",
    description="Staff for any account, a customer for their own. Each gateway says its type's current GA and how many "
    "updates behind it is (3 or more: a gateway update may be requested for that reason). Version 0: nothing recorded yet.",
    responses={**ok_response(PlatformAnswer, "The platform; ETag is its version."), **error_responses(403, 404)},
    tags=TAGS,
)
def get_platform(account_id: AccountId) -> Response[PlatformAnswer]:
    answer = platforms.get_platform(account_id, current_caller(router), store=dependencies().platforms)
    return versioned(answer, answer.version)


@router.put(
    PATH,
    summary="Record an account's platform (staff)",
    description="All of it: a field left out takes its default (no Release, no patches or gateways, calendar quarters, one "
    "Release upgrade a quarter, one gateway update a contract year). The same PUT again changes nothing.",
    responses={**ok_response(PlatformAnswer, "The platform as recorded; ETag is its version."), **error_responses(403, 404, 412, 415)},
    tags=TAGS,
)
def put_platform(account_id: AccountId, request: Annotated[PlatformRequest, Body()], if_match: IfMatch = None) -> Response[PlatformAnswer]:
    deps = dependencies()
    answer = platforms.put_platform(
        account_id, request, current_caller(router), if_match=expected_versions(if_match), store=deps.platforms, now=deps.clock.now()
    )
    return versioned(answer, answer.version)
