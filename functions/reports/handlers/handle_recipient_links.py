"""The recipients' signed links (public, no token): confirming an address added to a subscription and unsubscribing.
The portal's pages /reports/confirm and /reports/unsubscribe post the link's token here; a mail client's one-click
unsubscribe (RFC 8058, `List-Unsubscribe-Post`) posts to the same path with the token in the query."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import Router

from functions.reports.handlers.handle_case_report import TAGS
from functions.reports.logic.dependencies import dependencies
from functions.reports.logic.links import LinkPurpose
from functions.reports.logic.subscriptions import answer_recipient_link
from functions.reports.models.subscriptions import RecipientAnswer
from functions.shared.api.responses import error_responses, ok_response

router = Router()
NO_TOKEN: list[dict[str, list[str]]] = [{}]  # OpenAPI's "no security requirement": the link is the credential
PUBLIC_ERRORS = {code: response for code, response in error_responses(404).items() if code != 401}
Token = Annotated[str, Query(min_length=16, max_length=1024, pattern=r"^[A-Za-z0-9_.-]+$", description="The link's token.")]


@router.post(
    "/report-subscriptions/confirm",
    summary="Confirm a report recipient (the emailed link)",
    description="Public: the token of the confirmation link emailed to an address added to a subscription (valid 14 days). The "
    "address receives the reports from the next delivery. Confirming twice changes nothing.",
    responses={**ok_response(RecipientAnswer, "The recipient, now active."), **PUBLIC_ERRORS},
    tags=TAGS,
    openapi_extensions={"security": NO_TOKEN},
)
def post_confirm(token: Token) -> RecipientAnswer:
    deps = dependencies()
    return answer_recipient_link(token, LinkPurpose.CONFIRM, links=deps.links(), store=deps.store, now=deps.clock.now())


@router.post(
    "/report-subscriptions/unsubscribe",
    summary="Unsubscribe a report recipient (the link in every report)",
    description="Public: the token of the unsubscribe link every report carries (it does not expire). Nothing more is sent to "
    "the address by this subscription; added again, it is asked to confirm. Also the target of mail clients' one-click "
    "unsubscribe (RFC 8058), which posts `List-Unsubscribe=One-Click` as its body.",
    responses={**ok_response(RecipientAnswer, "The recipient, unsubscribed."), **PUBLIC_ERRORS},
    tags=TAGS,
    openapi_extensions={"security": NO_TOKEN},
)
def post_unsubscribe(token: Token) -> RecipientAnswer:
    deps = dependencies()
    return answer_recipient_link(token, LinkPurpose.UNSUBSCRIBE, links=deps.links(), store=deps.store, now=deps.clock.now())
