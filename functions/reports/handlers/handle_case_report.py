"""GET /reports/cases: an account's Open/Closed case report on demand, as JSON or as the CSV the emails attach."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import Router

from functions.reports.logic import case_reports
from functions.reports.logic.dependencies import dependencies
from functions.reports.logic.periods import Cadence
from functions.reports.logic.report_csv import csv_file_name, report_csv
from functions.reports.models.report import CaseReport
from functions.shared.api.requests import current_caller
from functions.shared.api.responses import error_responses, model_response
from functions.shared.business_time import business_calendar
from functions.shared.text_limits import Choice

router = Router()
TAGS = ["Case reports"]
CSV = "text/csv"
AccountQuery = Annotated[
    str | None,
    Query(alias="accountId", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$", description="Staff: the account. A customer's is theirs."),
]
CadenceQuery = Annotated[
    Cadence | None, Choice, Query(alias="period", description="A cadence's period: weekly, biweekly, monthly, quarterly.")
]
PeriodStart = Annotated[
    date | None,
    Query(alias="periodStart", description="A day of the period (US Eastern); left out, the last complete period."),
]
FirstDay = Annotated[date | None, Query(alias="from", description="A range's first day (US Eastern), with `to`.")]
LastDay = Annotated[date | None, Query(alias="to", description="A range's last day, included.")]
Format = Annotated[str | None, Query(alias="format", pattern=r"^(json|csv)$", description="`csv` for the CSV (as `Accept: text/csv`).")]


@router.get(
    "/reports/cases",
    summary="An account's Open/Closed case report",
    description="Cases opened in the period, closed in it (sub status, hours to close) and open at its end (created before "
    "the end and not closed before it: priority, status, age in business days, owner, next automated action), with a summary "
    "(the change against the previous period, the share of first responses within target, the median time to close) and a "
    "chart of the last 8 periods. Periods are US Eastern, `[start, end)`. `Accept: text/csv` or `format=csv` answers the CSV "
    "(RFC 4180, UTF-8 with BOM, every case). Each section is one Query a page on an index keyed by the account and time.",
    responses={
        200: {
            "description": "The report.",
            "content": {"application/json": {"model": CaseReport}, CSV: {"schema": {"type": "string"}}},
        },
        **error_responses(404),
    },
    tags=TAGS,
)
def get_case_report(
    account_id: AccountQuery = None,
    cadence: CadenceQuery = None,
    period_start: PeriodStart = None,
    first_day: FirstDay = None,
    last_day: LastDay = None,
    answer_format: Format = None,
) -> Response[Any]:
    deps = dependencies()
    now = deps.clock.now()
    period = case_reports.requested_period(cadence, period_start, first_day, last_day, now)
    report = case_reports.case_report(
        account_id,
        period,
        current_caller(router),
        store=deps.store,
        sections=deps.sections,
        tallies=deps.store,
        calendar=business_calendar(),
        now=now,
    )
    accept = router.current_event.headers.get("accept") or router.current_event.headers.get("Accept") or ""
    if answer_format == "csv" or (answer_format is None and CSV in accept and "application/json" not in accept):
        return csv_response(report_csv(report), csv_file_name(report))
    return model_response(report)


def csv_response(csv: bytes, file_name: str) -> Response[Any]:
    return Response(
        status_code=200,
        content_type=f"{CSV}; charset=utf-8",
        body=csv.decode("utf-8"),
        headers={"Content-Disposition": f'attachment; filename="{file_name}"', "Cache-Control": "no-store"},
    )
