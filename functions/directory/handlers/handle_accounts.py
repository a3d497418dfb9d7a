"""The accounts routes: create, list, read, change, and an account's history."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import Router

from functions.directory.logic import accounts
from functions.directory.logic.dependencies import dependencies
from functions.directory.models.accounts import Account, AccountChanges, AccountHistory, AccountList, NewAccount
from functions.shared.api.requests import NextToken, PageLimit, current_caller
from functions.shared.api.responses import error_responses, model_response, ok_response
from functions.shared.idempotency import REPLAYED_HEADER, IdempotencyKey, idempotent_request

router = Router()
AccountId = Annotated[str, Path(alias="accountId", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$", description="e.g. `acme`.")]


def _answer(changed: accounts.Changed, status: int) -> Response[Account]:
    headers = {"ETag": f'"{changed.account.version}"', **({REPLAYED_HEADER: "true"} if changed.replayed else {})}
    if status == 201:
        headers["Location"] = f"/accounts/{changed.account.account_id}"
    return model_response(changed.account, status, headers)


@router.post(
    "/accounts",
    summary="Create a customer account",
    description="Staff only. The account's contacts are added with POST /accounts/{accountId}/contacts.",
    responses={**ok_response(Account, "The account (also for a replayed Idempotency-Key).", 201), **error_responses(403, 409, 415)},
    tags=["Accounts"],
)
def post_account(request: Annotated[NewAccount, Body()], idempotency_key: IdempotencyKey = None) -> Response[Account]:
    deps, caller = dependencies(), current_caller(router)
    now = deps.clock.now()
    idempotency = idempotent_request(caller, idempotency_key, "POST /accounts", request.model_dump(mode="json"), now)
    return _answer(accounts.create_account(request, caller, idempotency=idempotency, store=deps.store, now=now), 201)


@router.get(
    "/accounts",
    summary="List accounts",
    description="Staff: every account, by id. A customer: their own account.",
    responses={**ok_response(AccountList, "One page of accounts."), **error_responses()},
    tags=["Accounts"],
)
def get_accounts(limit: PageLimit = 50, next_token: NextToken = None) -> AccountList:
    deps = dependencies()
    return accounts.list_accounts(
        current_caller(router), limit=limit, next_token=next_token, store=deps.store, page_tokens=deps.page_tokens
    )


@router.get(
    "/accounts/<accountId>",
    summary="Read an account",
    description="Staff: any account. A customer: their own (another account is 404).",
    responses={**ok_response(Account, "The account; ETag is its version."), **error_responses(404)},
    tags=["Accounts"],
)
def get_account(account_id: AccountId) -> Response[Account]:
    account = accounts.get_account(account_id, current_caller(router), store=dependencies().store)
    return model_response(account, 200, {"ETag": f'"{account.version}"'})


@router.patch(
    "/accounts/<accountId>",
    summary="Change an account",
    description="Staff only. Only the fields sent change; `hardMaxContacts: null` removes the cap.",
    responses={**ok_response(Account, "The changed account."), **error_responses(403, 404, 409, 415)},
    tags=["Accounts"],
)
def patch_account(
    account_id: AccountId, request: Annotated[AccountChanges, Body()], idempotency_key: IdempotencyKey = None
) -> Response[Account]:
    deps, caller = dependencies(), current_caller(router)
    now = deps.clock.now()
    operation = f"PATCH /accounts/{account_id}"
    idempotency = idempotent_request(caller, idempotency_key, operation, request.model_dump(mode="json", exclude_unset=True), now)
    return _answer(accounts.change_account(account_id, request, caller, idempotency=idempotency, store=deps.store, now=now), 200)


@router.get(
    "/accounts/<accountId>/history",
    summary="An account's history",
    description="Staff only. Every change: who, when, each field from and to; oldest first.",
    responses={**ok_response(AccountHistory, "One page of the history."), **error_responses(403, 404)},
    tags=["Accounts"],
)
def get_account_history(account_id: AccountId, limit: PageLimit = 50, next_token: NextToken = None) -> AccountHistory:
    deps = dependencies()
    return accounts.account_history(
        account_id, current_caller(router), limit=limit, next_token=next_token, store=deps.store, page_tokens=deps.page_tokens
    )
