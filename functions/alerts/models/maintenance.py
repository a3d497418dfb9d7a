"""Maintenance mode (the monitoring alerts spec, "Maintenance mode"; the guide: a case opened for customer
maintenance lets support put monitoring into Maintenance Mode, so nobody is notified needlessly).

A window covers an account's devices (all, or those listed) from its start until its end plus the settle
time: alerts that start firing then are recorded and counted on the window, and open, join, email and page
nothing, at any later step either. At the end (+ settle), those still firing are handed to the incidents as
new; those that recovered inside it open nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator

from functions.alerts.models.timer_steps import IncidentTimer
from functions.shared.clock import UtcTimestamp
from functions.shared.contracts import IncidentTimerStep
from functions.shared.models import Actor, ApiModel, RequestModel
from functions.shared.text_limits import Identifier

MAX_WINDOW = timedelta(hours=72)
END_SETTLE = timedelta(minutes=10)  # after the end, systems come back before alerts count again
MAX_DEVICES = 100


class WindowStatus(StrEnum):
    SCHEDULED = "scheduled"
    ACTIVE = "active"
    ENDED = "ended"
    CANCELLED = "cancelled"


class MaintenanceWindow(ApiModel):
    window_id: str
    account_id: str
    case_number: str = Field(description="The maintenance case, which hears of the window's start and end.")
    starts_at: UtcTimestamp
    ends_at: UtcTimestamp
    devices: list[str] | None = Field(default=None, description="The devices it silences; null: every device of the account.")
    status: WindowStatus
    suppressed_count: int = Field(default=0, ge=0, description="Alert events recorded and silenced by it.")
    created_by: Actor
    created_at: UtcTimestamp
    modified_at: UtcTimestamp
    timers: dict[IncidentTimerStep, IncidentTimer] = Field(default_factory=dict)
    version: int = 0

    @property
    def silences_until(self) -> datetime:
        return self.ends_at + END_SETTLE

    def covers(self, device: str, at: datetime) -> bool:
        live = self.status in (WindowStatus.SCHEDULED, WindowStatus.ACTIVE)
        return live and self.starts_at <= at < self.silences_until and (self.devices is None or device in self.devices)


class LiveWindow(ApiModel):
    """A window as the processor reads it from the account's index of scheduled and active windows."""

    window_id: str
    starts_at: UtcTimestamp
    ends_at: UtcTimestamp
    devices: list[str] | None = None

    def covers(self, device: str, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at + END_SETTLE and (self.devices is None or device in self.devices)


class _WindowTimes(RequestModel):
    starts_at: UtcTimestamp
    ends_at: UtcTimestamp

    @field_validator("ends_at")
    @classmethod
    def _after_the_start_within_72_hours(cls, ends_at: datetime, info: ValidationInfo) -> datetime:
        """On endsAt, so a refusal names the field to fix."""
        starts_at = info.data.get("starts_at")
        if starts_at is not None and ends_at <= starts_at:
            raise ValueError("must be after startsAt")
        if starts_at is not None and ends_at - starts_at > MAX_WINDOW:
            raise ValueError("must be at most 72 hours after startsAt; split a longer maintenance into several windows")
        return ends_at


class NewMaintenanceWindow(_WindowTimes):
    account_id: Identifier
    case_number: str = Field(pattern=r"^\d{10}$", description="The account's maintenance case.")
    devices: list[Identifier] | None = Field(default=None, min_length=1, max_length=MAX_DEVICES)


class MaintenanceWindowChange(RequestModel):
    """Before it starts: any of its times and devices; once active: only its end."""

    starts_at: UtcTimestamp | None = None
    ends_at: UtcTimestamp | None = None
    devices: list[Identifier] | None = Field(default=None, min_length=1, max_length=MAX_DEVICES)
