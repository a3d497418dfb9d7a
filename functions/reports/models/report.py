"""The Open/Closed case report (docs/architecture.md, "Case reports"): one model every channel renders (the API's
JSON, the CSV, the email, the portal page)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import Field

from functions.shared.clock import UtcTimestamp
from functions.shared.models import ApiModel


class Cadence(StrEnum):
    """A report's period, in US Eastern days: weekly (Monday to Sunday), biweekly (two weeks from an anchor Monday), monthly, quarterly."""

    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class ReportPeriod(ApiModel):
    cadence: str | None = Field(description="weekly, biweekly, monthly or quarterly; null for a range of dates asked for.")
    start: UtcTimestamp = Field(description="00:00 US Eastern of the first day, as UTC.")
    end: UtcTimestamp = Field(description="00:00 US Eastern of the day after the last, as UTC (the period is [start, end)).")
    first_day: date = Field(description="The first day (US Eastern).")
    last_day: date = Field(description="The last day (US Eastern), included.")
    label: str = Field(description='e.g. "week of Nov 30–Dec 6, 2026", "December 2026", "Q4 2026".')
    time_zone: str = "America/New_York"


class ReportCase(ApiModel):
    """A case in one of the report's sections, with the section's figures."""

    case_number: str = Field(description="10 digits, leading zeros kept (text, also in the CSV).")
    subject: str
    case_type: str
    priority: str
    status: str = Field(description="Its status now.")
    sub_status: str | None = None
    contact_id: str
    owner_id: str | None = None
    created_at: UtcTimestamp
    closed_at: UtcTimestamp | None = None
    first_response_at: UtcTimestamp | None = None
    response_due_at: UtcTimestamp | None = None
    next_automated_action: dict[str, Any] | None = None
    age_business_days: int | None = Field(
        default=None, description="Open at the end: whole business days from its opening to the period's end."
    )
    hours_to_close: float | None = Field(default=None, description="Closed in the period: hours from opening to closure, one decimal.")


class PeriodCounts(ApiModel):
    opened: int
    closed: int
    open_at_end: int


class FirstResponses(ApiModel):
    """Of the cases opened in the period whose first-response target has passed or been met."""

    measured: int = Field(description="Answered, or still unanswered past their target.")
    within_target: int
    share: float | None = Field(description="within_target / measured, 0 to 1; null when none was measured.")


class ReportSummary(ApiModel):
    counts: PeriodCounts
    previous: PeriodCounts | None = Field(
        description="The previous period of the same length; null for the first report of an account with no history before it."
    )
    first_responses: FirstResponses
    median_hours_to_close: float | None = Field(description="Of the cases closed in the period, one decimal; null when none closed.")


class ChartBar(ApiModel):
    label: str
    first_day: date
    opened: int
    closed: int


class CaseReport(ApiModel):
    account_id: str
    account_name: str
    period: ReportPeriod
    generated_at: UtcTimestamp
    summary: ReportSummary
    chart: list[ChartBar] = Field(description="Opened and closed cases in this period and the seven before it, oldest first.")
    open_at_end: list[ReportCase] = Field(description="Created before the end and not closed before it, the oldest first.")
    opened: list[ReportCase] = Field(description="Opened in the period, in order.")
    closed: list[ReportCase] = Field(description="Closed in the period, in order of closure.")
