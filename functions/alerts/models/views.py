"""What the alerts API answers about an account's alerts, incidents and settings, and what it takes to change
the settings (the monitoring alerts spec, "Rules"; docs/architecture.md, "Monitoring intake").

The answers are the processor's own models (functions/alerts/models/alerts.py, settings.py) minus their
bookkeeping, so a field the processor adds is answered without a change here: an alert without the ids of its
last deliveries, an incident without what it has not yet told its case and without its timers' tokens."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from functions.alerts.models.alerts import Alert, AlertGroup, IncidentTimer
from functions.alerts.models.events import Severity
from functions.alerts.models.settings import AfterHours, AlertSettings, OnRecovery
from functions.shared.clock import UtcTimestamp
from functions.shared.contracts import AlertLine, IncidentTimerStep
from functions.shared.models import ApiModel, RequestModel
from functions.shared.text_limits import Choice


class AlertAnswer(Alert):
    """An alert: one (account, dedup key), its state and counts."""

    recent_event_ids: SkipJsonSchema[list[str]] = Field(default_factory=list, exclude=True)


class AlertList(ApiModel):
    items: list[AlertAnswer]
    next_token: str | None = Field(
        default=None,
        description="The next page's token; absent on the last page. A page filtered by `state` may hold fewer than `limit` "
        "alerts (even none) and still have a next page.",
    )


class AlertGroupAnswer(AlertGroup):
    """An incident (an alert group): the firing alerts that make one case."""

    pending_digest: SkipJsonSchema[list[AlertLine]] = Field(default_factory=list, exclude=True)
    pending_count: SkipJsonSchema[int] = Field(default=0, exclude=True)
    last_digest_at: SkipJsonSchema[UtcTimestamp | None] = Field(default=None, exclude=True)
    timers: SkipJsonSchema[dict[IncidentTimerStep, IncidentTimer]] = Field(default_factory=dict, exclude=True)


class AlertGroupList(ApiModel):
    items: list[AlertGroupAnswer]
    next_token: str | None = Field(
        default=None,
        description="The next page's token; absent on the last page. A page filtered by `state` may hold fewer than `limit` "
        "incidents (even none) and still have a next page.",
    )


class AlertSettingsAnswer(AlertSettings):
    """An account's monitoring settings; version 0: it has none of its own, these are the defaults."""

    account_id: str
    version: int = Field(ge=0, description="The settings' version (their ETag); 0: the account uses the defaults.")


_SETTINGS = AlertSettings.model_fields


class AlertSettingsRequest(RequestModel):
    """An account's monitoring settings, all of them (PUT): a field left out takes its default."""

    case_severities: list[Annotated[Severity, Choice]] = Field(
        default=[Severity.CRITICAL, Severity.ERROR],
        min_length=1,
        max_length=len(Severity),
        description="Severities that open a case, each once; the others are recorded and join an open incident.",
    )
    account_window_minutes: int = Field(default=30, ge=0, le=24 * 60, description=_SETTINGS["account_window_minutes"].description)
    digest_minutes: int = Field(default=15, ge=1, le=24 * 60, description=_SETTINGS["digest_minutes"].description)
    settle_minutes: int = Field(default=10, ge=1, le=24 * 60, description=_SETTINGS["settle_minutes"].description)
    after_hours: Annotated[AfterHours, Choice] = Field(
        default=AfterHours.HOLD,
        description="`hold`: outside business hours a new incident's case waits for the next opening; `open`: at once.",
    )
    on_recovery: Annotated[OnRecovery, Choice] = Field(
        default=OnRecovery.NOTE,
        description="`note`: a recovered incident's case gets a note; `closeIfUntouched`: and closes if still New, unowned and "
        "without a human update.",
    )

    @field_validator("case_severities")
    @classmethod
    def _once_each(cls, severities: list[Severity]) -> list[Severity]:
        if len(set(severities)) != len(severities):
            raise ValueError("name each severity once")
        return severities

    def settings(self) -> AlertSettings:
        return AlertSettings.model_validate(self.model_dump())
