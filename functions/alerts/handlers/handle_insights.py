"""Proactive insights (staff): an account's proactive-case candidates from its recent alerts."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import Router

from functions.alerts.logic import insights
from functions.alerts.logic.dependencies import dependencies
from functions.alerts.models.views import AlertInsights
from functions.shared.api.requests import current_caller
from functions.shared.api.responses import error_responses, ok_response

router = Router()
AccountQuery = Annotated[str, Query(alias="accountId", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$", description="e.g. `acme`.")]
Days = Annotated[int, Query(ge=1, le=90, description="The period, in days back from now (1 to 90), by each alert's last event.")]


@router.get(
    "/alerts/insights",
    summary="Proactive-case candidates of an account (staff)",
    description="From the account's alerts last received within `days`: recurring alerts (started firing at least twice, or "
    "triggered at least 10 times), flapping alerts and alerts per device, most significant first, at most 20 of each. An "
    "alert's `dedupKey` is what a Proactive case's `alertReferences` name. Reads all the account's alerts: one query page "
    "per 1 MB of them, at most 10 (`complete: false` beyond).",
    responses={**ok_response(AlertInsights, "The candidates."), **error_responses(403)},
    tags=["Monitoring"],
)
def get_insights(account_id: AccountQuery, days: Days = 7) -> AlertInsights:
    deps = dependencies()
    return insights.account_insights(account_id, current_caller(router), days=days, store=deps.alert_reads, now=deps.clock.now())
