"""Report subscriptions: create, list, read, change, delete, send now, and the deliveries with their archived CSVs."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import Router

from functions.reports.handlers.handle_case_report import CSV, TAGS, csv_response
from functions.reports.logic import delivery, subscriptions
from functions.reports.logic.dependencies import dependencies
from functions.reports.models.subscriptions import NewSubscription, ReportRunList, Subscription, SubscriptionChange, SubscriptionList
from functions.shared.api.requests import current_caller
from functions.shared.api.responses import error_responses, model_response, ok_response
from functions.shared.idempotency import REPLAYED_HEADER, IdempotencyKey, idempotent_request

router = Router()
SubscriptionId = Annotated[
    str, Path(alias="subscriptionId", pattern=r"^rs-[0-9a-f]{20}$", description="e.g. `rs-3f2a…` (from POST /report-subscriptions).")
]
AccountQuery = Annotated[
    str | None,
    Query(alias="accountId", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$", description="Staff: the account. A customer's is theirs."),
]


def _answer(subscription: Subscription, status: int = 200, *, replayed: bool = False) -> Response[Subscription]:
    headers = {"ETag": f'"{subscription.version}"', **({REPLAYED_HEADER: "true"} if replayed else {})}
    if status == 201:
        headers["Location"] = f"/report-subscriptions/{subscription.subscription_id}"
    return model_response(subscription, status, headers)


@router.post(
    "/report-subscriptions",
    summary="Subscribe an account to its case report",
    description="Staff, or the account's administrators and MAC-authorized contacts for their own account. Cadence weekly "
    "(Monday to Sunday), biweekly (two weeks from `anchor`), monthly or quarterly, US Eastern; delivered at 06:00 Eastern on the "
    "day a period ends, also when nothing happened. Recipients that are contacts of the account receive at once; any other address "
    "is first emailed a confirmation link and receives nothing until it confirms. Up to 50 recipients; no limit on subscriptions.",
    responses={**ok_response(Subscription, "The subscription.", 201), **error_responses(403, 404, 409, 415)},
    tags=TAGS,
)
def post_subscription(request: Annotated[NewSubscription, Body()], idempotency_key: IdempotencyKey = None) -> Response[Subscription]:
    deps, caller = dependencies(), current_caller(router)
    now = deps.clock.now()
    idempotency = idempotent_request(caller, idempotency_key, "POST /report-subscriptions", request.model_dump(mode="json"), now)
    changed = subscriptions.create_subscription(request, caller, idempotency=idempotency, store=deps.store, now=now)
    return _answer(changed.answer, 201, replayed=changed.replayed)


@router.get(
    "/report-subscriptions",
    summary="An account's report subscriptions",
    description="Staff for any account (`accountId`), a customer for their own.",
    responses={**ok_response(SubscriptionList, "The subscriptions, oldest first."), **error_responses(404)},
    tags=TAGS,
)
def get_subscriptions(account_id: AccountQuery = None) -> SubscriptionList:
    caller = current_caller(router)
    return subscriptions.list_subscriptions(account_id or caller.account_id or "", caller, store=dependencies().store)


@router.get(
    "/report-subscriptions/<subscriptionId>",
    summary="A report subscription",
    responses={**ok_response(Subscription, "The subscription."), **error_responses(404)},
    tags=TAGS,
)
def get_subscription(subscription_id: SubscriptionId) -> Response[Subscription]:
    return _answer(subscriptions.get_subscription(subscription_id, current_caller(router), store=dependencies().store))


@router.patch(
    "/report-subscriptions/<subscriptionId>",
    summary="Change a report subscription",
    description="Its cadence, anchor, recipients (the whole list: kept addresses keep their status, new ones are added as on "
    "creation, missing ones removed) or `paused`. A changed schedule delivers next at the new cadence's next delivery.",
    responses={**ok_response(Subscription, "The subscription."), **error_responses(403, 404, 415)},
    tags=TAGS,
)
def patch_subscription(subscription_id: SubscriptionId, change: Annotated[SubscriptionChange, Body()]) -> Response[Subscription]:
    deps = dependencies()
    return _answer(
        subscriptions.change_subscription(subscription_id, change, current_caller(router), store=deps.store, now=deps.clock.now())
    )


@router.delete(
    "/report-subscriptions/<subscriptionId>",
    summary="Delete a report subscription",
    description="Nothing more is sent; its archived reports expire as usual.",
    responses={204: {"description": "Deleted.", "content": {}}, **error_responses(403, 404)},
    tags=TAGS,
)
def delete_subscription(subscription_id: SubscriptionId) -> Response[None]:
    deps = dependencies()
    subscriptions.delete_subscription(subscription_id, current_caller(router), store=deps.store, now=deps.clock.now())
    return Response(status_code=204)


@router.post(
    "/report-subscriptions/<subscriptionId>/send",
    summary="Send the last complete period's report now",
    description="To every active recipient, as the schedule would (the CSV archived, CaseReportSent); the schedule is unchanged.",
    responses={**ok_response(Subscription, "The subscription, with its last delivery."), **error_responses(403, 404)},
    tags=TAGS,
)
def post_send(subscription_id: SubscriptionId) -> Response[Subscription]:
    deps = dependencies()
    return _answer(delivery.send_now(subscription_id, current_caller(router), deps.delivery(), now=deps.clock.now()))


@router.get(
    "/report-subscriptions/<subscriptionId>/runs",
    summary="A subscription's delivered reports",
    description="The latest first, kept 400 days; each one's CSV is GET …/runs/{firstDay}/csv.",
    responses={**ok_response(ReportRunList, "The deliveries."), **error_responses(404)},
    tags=TAGS,
)
def get_runs(subscription_id: SubscriptionId) -> ReportRunList:
    return delivery.list_runs(subscription_id, current_caller(router), dependencies().delivery())


@router.get(
    "/report-subscriptions/<subscriptionId>/runs/<firstDay>/csv",
    summary="A delivered report's CSV, as it was attached",
    responses={200: {"description": "The CSV.", "content": {CSV: {"schema": {"type": "string"}}}}, **error_responses(404)},
    tags=TAGS,
)
def get_run_csv(subscription_id: SubscriptionId, first_day: Annotated[date, Path(alias="firstDay")]) -> Response[Any]:
    csv, file_name = delivery.archived_csv(subscription_id, first_day, current_caller(router), dependencies().delivery())
    return csv_response(csv, file_name)
