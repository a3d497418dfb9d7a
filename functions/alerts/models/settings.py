"""An account's monitoring settings, with the spec's defaults (the monitoring alerts spec: numbers marked
*default*). An account without its own settings item has these."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from pydantic import Field

from functions.alerts.models.events import Severity
from functions.shared.models import ApiModel


class AfterHours(StrEnum):
    HOLD = "hold"  # the case waits for the next business opening (or an engineer)
    OPEN = "open"  # the case opens at once (a contract with 24/7 monitoring response)


class OnRecovery(StrEnum):
    NOTE = "note"  # one note on the case; a person closes it
    CLOSE_IF_UNTOUCHED = "closeIfUntouched"  # and closes it if still New, unowned and without a human update


class AlertSettings(ApiModel):
    case_severities: list[Severity] = Field(default=[Severity.CRITICAL, Severity.ERROR], description="Severities that open a case.")
    account_window_minutes: int = Field(
        default=30, ge=0, le=24 * 60, description="An alert joins the account's incident opened within this."
    )
    digest_minutes: int = Field(default=15, ge=1, le=24 * 60, description="At most one digest update on the case per this.")
    settle_minutes: int = Field(default=10, ge=1, le=24 * 60, description="No firing alert for this: the incident recovered.")
    after_hours: AfterHours = AfterHours.HOLD
    on_recovery: OnRecovery = OnRecovery.NOTE

    @property
    def account_window(self) -> timedelta:
        return timedelta(minutes=self.account_window_minutes)

    @property
    def digest_interval(self) -> timedelta:
        return timedelta(minutes=self.digest_minutes)

    @property
    def settle_time(self) -> timedelta:
        return timedelta(minutes=self.settle_minutes)
