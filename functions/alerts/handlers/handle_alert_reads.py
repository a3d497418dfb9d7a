"""An account's alerts and incidents (staff any account's, a customer their own): list them, read an incident."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import Router

from functions.alerts.logic import reads
from functions.alerts.logic.dependencies import dependencies
from functions.alerts.models.alerts import AlertState, GroupStatus
from functions.alerts.models.views import AlertGroupAnswer, AlertGroupList, AlertList
from functions.shared.api.requests import NextToken, PageLimit, current_caller
from functions.shared.api.responses import error_responses, model_response, ok_response

router = Router()
TAGS = ["Monitoring"]
GroupId = Annotated[
    str, Path(alias="groupId", pattern=r"^[0-9a-f]{32}$", description="32 hex digits, e.g. `0193a5c2e1f04b7d9c3e2a1f5b6c7d8e`.")
]
AccountFilter = Annotated[
    str | None,
    Query(
        alias="accountId",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$",
        description="e.g. `acme`. Required for staff; a customer leaves it out (or gives their own account).",
    ),
]
AlertStateFilter = Annotated[AlertState | None, Query(description="Only the alerts firing, or only those resolved.")]
GroupStatusFilter = Annotated[
    GroupStatus | None,
    Query(
        description="Only the incidents held (their case waits for the business opening or an engineer), requested (their case "
        "is being opened), open (their case is open) or closed."
    ),
]


@router.get(
    "/alerts",
    summary="List an account's alerts",
    description="Each alert is one dedup key of the account's monitors: its state, counts and incident. By dedup key; "
    "one page is one query, so a page filtered by `state` may hold fewer than `limit`: follow `nextToken` until it is absent.",
    responses={**ok_response(AlertList, "One page of alerts."), **error_responses(404)},
    tags=TAGS,
)
def get_alerts(
    account_id: AccountFilter = None, state: AlertStateFilter = None, limit: PageLimit = 50, next_token: NextToken = None
) -> AlertList:
    deps = dependencies()
    return reads.list_alerts(
        account_id,
        current_caller(router),
        state=state,
        limit=limit,
        next_token=next_token,
        store=deps.alert_reads,
        page_tokens=deps.page_tokens,
    )


@router.get(
    "/alerts/groups",
    summary="List an account's incidents",
    description="An incident (alert group) gathers the firing alerts that make one case. Newest first; one page is one query, "
    "so a page filtered by `state` may hold fewer than `limit`: follow `nextToken` until it is absent.",
    responses={**ok_response(AlertGroupList, "One page of incidents, newest first."), **error_responses(404)},
    tags=TAGS,
)
def get_groups(
    account_id: AccountFilter = None, state: GroupStatusFilter = None, limit: PageLimit = 50, next_token: NextToken = None
) -> AlertGroupList:
    deps = dependencies()
    return reads.list_groups(
        account_id,
        current_caller(router),
        state=state,
        limit=limit,
        next_token=next_token,
        store=deps.alert_reads,
        page_tokens=deps.page_tokens,
    )


@router.get(
    "/alerts/groups/<groupId>",
    summary="Read an incident",
    description="Staff read any incident; a customer their own account's.",
    responses={**ok_response(AlertGroupAnswer, "The incident; ETag is its version."), **error_responses(404)},
    tags=TAGS,
)
def get_group(group_id: GroupId) -> Response[AlertGroupAnswer]:
    answer = reads.get_group(group_id, current_caller(router), store=dependencies().alert_reads)
    return model_response(answer, 200, {"ETag": f'"{answer.version}"'})
