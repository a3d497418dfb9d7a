"""What the alerts API answers about an account's alerts, incidents, settings, maintenance windows and proactive
insights, and what it takes to change the settings (the monitoring alerts spec, "Rules", "Maintenance mode",
"Proactive cases"; docs/architecture.md, "Monitoring intake").

The answers are the processor's own models (functions/alerts/models/alerts.py, settings.py, maintenance.py) minus
their bookkeeping, so a field the processor adds is answered without a change here: an alert without the ids of
its last deliveries, an incident without what it has not yet told its case and without its timers' tokens, a
maintenance window without its timers' tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, Strict, field_validator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from functions.alerts.models.alerts import Alert, AlertGroup, AlertState, IncidentTimer
from functions.alerts.models.events import Severity
from functions.alerts.models.maintenance import MaintenanceWindow, MaintenanceWindowChange, NewMaintenanceWindow
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


TIMESTAMP_EXAMPLE = "2026-12-09T02:00:00.000Z"


def _timestamp_text(value: Any) -> Any:
    """A time is sent as ISO-8601 text with its offset (a strict model takes no number of seconds for one)."""
    if not isinstance(value, str):
        raise PydanticCustomError(
            "datetime_text", "send the date and time as ISO-8601 text with its offset, e.g. {example}", {"example": TIMESTAMP_EXAMPLE}
        )
    return value


def _in_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# An instant as a request sends it: ISO-8601 text with its offset (`Z` or `-05:00`), answered in UTC. The window's own
# models take a parsed instant (their JSON or the processor's), so the API's bodies parse the text first.
RequestTimestamp = Annotated[AwareDatetime, BeforeValidator(_timestamp_text), Strict(False), AfterValidator(_in_utc)]


class MaintenanceWindowRequest(NewMaintenanceWindow):
    """A new maintenance window: the account, its maintenance case, when (at most 72 hours) and which devices."""

    starts_at: RequestTimestamp = Field(
        description=f"When the window starts silencing, e.g. `{TIMESTAMP_EXAMPLE}`; now or earlier: at once."
    )
    ends_at: RequestTimestamp = Field(
        description="When it ends: after startsAt, at most 72 hours later, and in the future. Alerts stay silenced 10 minutes more."
    )


class MaintenanceWindowChangeRequest(MaintenanceWindowChange):
    """Before its start: any of its times and devices (only those sent change); once active: only its end."""

    starts_at: RequestTimestamp | None = Field(default=None, description="A new start (before the window starts only).")
    ends_at: RequestTimestamp | None = Field(default=None, description="A new end; the current time ends an active window now.")


class MaintenanceWindowAnswer(MaintenanceWindow):
    """A maintenance window: while it is active (from `startsAt` until 10 minutes after `endsAt`) the alerts of its
    devices that start firing are recorded and counted (`suppressedCount`) and open, join, email and page nothing."""

    timers: SkipJsonSchema[dict[IncidentTimerStep, IncidentTimer]] = Field(default_factory=dict, exclude=True)


class MaintenanceWindowList(ApiModel):
    items: list[MaintenanceWindowAnswer]
    next_token: str | None = Field(
        default=None,
        description="The next page's token; absent on the last page. A page filtered by `state` may hold fewer than `limit` "
        "windows (even none) and still have a next page.",
    )


class InsightAlert(ApiModel):
    """An alert as a proactive-case candidate: its dedup key is what a Proactive case's `alertReferences` name."""

    dedup_key: str
    device: str
    severity: Severity
    summary: str
    state: AlertState
    instance: int = Field(description="How many times it started firing.")
    trigger_count: int = Field(description="Triggers received in its current instance, repeats included.")
    flapping: bool
    transitions: int = Field(description="Its state changes within the hour before its last event.")
    first_triggered_at: UtcTimestamp | None = None
    last_received_at: UtcTimestamp
    group_id: str | None = Field(default=None, description="The incident of its current instance, if any.")


class DeviceAlerts(ApiModel):
    """A device's alerts received within the period."""

    device: str
    alert_count: int = Field(description="Its alerts (dedup keys) received within the period.")
    firing_count: int = Field(description="Of those, how many are firing now.")
    trigger_count: int = Field(description="Their triggers in their current instances, repeats included.")
    flapping_count: int = Field(description="Of those, how many are flapping.")
    last_received_at: UtcTimestamp


class AlertInsights(ApiModel):
    """Proactive-case candidates from an account's alerts received within the last `days` days (by each alert's last
    event), most significant first, at most 20 of each kind; the totals say how many there are."""

    account_id: str
    days: int
    since: UtcTimestamp = Field(description="The period's start: alerts last received before it are left out.")
    alerts_examined: int = Field(description="The account's alerts read (all of them, unless `complete` is false).")
    complete: bool = Field(
        description="False when the account holds more alerts than one request reads (10 MB of them): the lists then cover "
        "the alerts read, in dedup-key order."
    )
    recurring: list[InsightAlert] = Field(
        description="Alerts that started firing at least twice, or were triggered at least 10 times in their current "
        "instance: most instances first, then most triggers."
    )
    recurring_total: int
    flapping: list[InsightAlert] = Field(
        description="Alerts flagged flapping (4 or more state changes within an hour): most changes first."
    )
    flapping_total: int
    devices: list[DeviceAlerts] = Field(description="Alerts per device: most alerts first, then most triggers.")
    devices_total: int
