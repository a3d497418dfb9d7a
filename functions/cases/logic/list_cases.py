"""The portal's case views (My/All x Non-Closed, Open, Awaiting Info, Solution Proposed, Closed) and the
support staff's queues across accounts."""

from __future__ import annotations

from collections.abc import Callable

from functions.cases.logic.case_store import CaseStore
from functions.cases.models.case import CaseList, Status
from functions.cases.models.requests import CaseQueue, CaseView
from functions.shared.auth import Caller
from functions.shared.errors import BadRequest, Forbidden, NotFound
from functions.shared.page_token import PageTokenCodec

VIEW_STATUS: dict[str, Status | None] = {
    "non-closed": None,
    "open": Status.OPEN,
    "awaiting-info": Status.AWAITING_INFO,
    "solution-proposed": Status.SOLUTION_PROPOSED,
    "closed": Status.CLOSED,
}


def list_cases(
    view: CaseView,
    caller: Caller,
    *,
    limit: int,
    next_token: str | None,
    account_id: str | None,
    store: CaseStore,
    page_tokens: Callable[[], PageTokenCodec],
) -> CaseList:
    if caller.is_staff:
        if view.is_mine:
            raise BadRequest("My views list a customer contact's own cases; staff use the all-... views with accountId.", field="view")
    else:
        if account_id and account_id != caller.account_id:
            raise NotFound(
                f"Account {account_id} is not one of yours; leave accountId out to list your account's cases.", field="accountId"
            )
        account_id = caller.account_id
    if not account_id:  # staff only: a customer's token always names their account (functions/shared/auth.py)
        raise BadRequest("Support staff must choose an account: add accountId to the query.", field="accountId")

    scope = f"{caller.user_id}|{view.value}|{account_id}"
    start_key = page_tokens().decode(next_token, scope=scope) if next_token else None
    items, next_key = store.list_cases(
        account_id=account_id,
        contact_id=caller.contact_id if view.is_mine else None,
        status=VIEW_STATUS[view.value.split("-", 1)[1]],
        limit=limit,
        start_key=start_key,
    )
    return CaseList(items=items, next_token=page_tokens().encode(next_key, scope=scope) if next_key else None)


def list_queue(
    queue: CaseQueue,
    caller: Caller,
    *,
    region: str | None,
    limit: int,
    next_token: str | None,
    store: CaseStore,
    page_tokens: Callable[[], PageTokenCodec],
) -> CaseList:
    if not caller.is_staff:
        raise Forbidden("The queues are support's; your cases are in the views (GET /cases?view=all-non-closed).")
    if queue is CaseQueue.REGION and not region:
        raise BadRequest("The region queue needs a region: add region to the query (GET /regions lists them).", field="region")
    if queue is not CaseQueue.REGION and region:
        raise BadRequest(f"region narrows the region queue only; leave it out of the {queue.value} queue.", field="region")

    scope = f"{caller.user_id}|queue:{queue.value}|{region or ''}"
    start_key = page_tokens().decode(next_token, scope=scope) if next_token else None
    items, next_key = store.list_queue(queue, owner_id=caller.user_id, region=region, limit=limit, start_key=start_key)
    return CaseList(items=items, next_token=page_tokens().encode(next_key, scope=scope) if next_key else None)
