"""An alert and an incident as the processor keeps them (the monitoring alerts spec, "Rules").

An **alert** is one `(account, dedup key)`: its state is last-writer-wins by the monitor's clamped timestamp,
repeats while firing only add to its count, and a trigger after a resolve starts a new instance. An
**incident** (a group) gathers the firing alerts that make one case: those of one device, and those of the
account within a window of its opening; it is held outside business hours, asks for its case otherwise."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import Field

from functions.alerts.models.events import EventAction, Severity
from functions.alerts.models.maintenance import LiveWindow
from functions.alerts.models.settings import AlertSettings
from functions.alerts.models.timer_steps import IncidentTimer
from functions.shared.clock import UtcTimestamp
from functions.shared.contracts import AlertLine, EventDetail, IncidentTimerStep
from functions.shared.models import ApiModel

RECENT_EVENT_IDS = 200  # an exact retransmit within an alert's last 200 deliveries is dropped
FLAPPING_WINDOW = timedelta(minutes=60)
FLAPPING_TRANSITIONS = 4  # the spec: >= 4 transitions of one alert in 60 min


class AlertState(StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"


# Events at one instant settle in this order, so the result does not depend on delivery order.
ACTION_RANK = {EventAction.TRIGGER: 0, EventAction.ACKNOWLEDGE: 1, EventAction.RESOLVE: 2}


class Alert(ApiModel):
    account_id: str
    dedup_key: str
    device: str = Field(description="The alert's source: the affected device.")
    severity: Severity
    summary: str
    component: str | None = None
    alert_class: str | None = None
    state: AlertState
    state_at: UtcTimestamp = Field(description="When the event that set the state happened, by the monitor (clamped).")
    state_event_id: str = Field(description="The intake's id of that event: it settles ties at one instant.")
    instance: int = Field(ge=0, description="How many times it started firing; 0: only resolves were received.")
    trigger_count: int = Field(ge=0, description="Triggers received in this instance, repeats included.")
    first_triggered_at: UtcTimestamp | None = Field(description="When this instance started firing.")
    previous_resolved_at: UtcTimestamp | None = Field(default=None, description="The end of the instance before.")
    acknowledged_at: UtcTimestamp | None = None
    late_events: int = Field(default=0, ge=0, description="Events older than this instance, recorded and ignored.")
    transitions: list[UtcTimestamp] = Field(default_factory=list, description="Its state changes in the last hour.")
    flapping: bool = False
    group_id: str | None = Field(default=None, description="The incident of its current instance, if any.")
    suppressed_by: str | None = Field(default=None, description="The maintenance window that silenced its current instance.")
    described_by: tuple[UtcTimestamp, str] | None = Field(
        default=None, description="The newest trigger (its time and event id), whose payload describes the alert."
    )
    last_received_at: UtcTimestamp
    recent_event_ids: list[str] = Field(default_factory=list, description="Its last deliveries' ids: a retransmit is dropped.")
    version: int = 0

    @property
    def firing(self) -> bool:
        return self.state is AlertState.FIRING

    def state_key(self) -> tuple[datetime, int, str]:
        action = EventAction.TRIGGER if self.firing else EventAction.RESOLVE
        return self.state_at, ACTION_RANK[action], self.state_event_id


class GroupStatus(StrEnum):
    HELD = "held"  # outside business hours: its case waits for the opening, or an engineer
    REQUESTED = "requested"  # its case was asked of the cases domain
    OPEN = "open"  # its case is open
    CLOSED = "closed"  # its case closed, or it recovered while held: new alerts start another


class AlertGroup(ApiModel):
    group_id: str
    account_id: str
    device: str = Field(description="The device whose alert opened it.")
    severity: Severity
    summary: str
    status: GroupStatus
    opened_at: UtcTimestamp = Field(description="When the desk opened the incident.")
    detected_at: UtcTimestamp = Field(description="Its first alert's time, by the monitor.")
    case_number: str | None = None
    opens_at: UtcTimestamp | None = Field(default=None, description="A held incident's case opens then if it still fires.")
    devices: list[str] = Field(default_factory=list)
    alert_keys: list[str] = Field(default_factory=list, description="Its alerts' dedup keys, first first.")
    firing_keys: list[str] = Field(default_factory=list)
    alert_count: int = Field(ge=0)
    last_firing_at: UtcTimestamp
    recovered_at: UtcTimestamp | None = Field(default=None, description="When its last firing alert resolved.")
    recovery_told: bool = Field(default=False, description="The case has the note of this recovery.")
    pending_digest: list[AlertLine] = Field(
        default_factory=list, description="The first alerts not yet told to the case (its request, then its digests)."
    )
    pending_count: int = Field(default=0, ge=0, description="How many alerts are not yet told to the case.")
    last_digest_at: UtcTimestamp | None = None
    timers: dict[IncidentTimerStep, IncidentTimer] = Field(default_factory=dict, description="Its timers set, by step.")
    version: int = 0

    @property
    def accepts_alerts(self) -> bool:
        return self.status is not GroupStatus.CLOSED


@dataclass(frozen=True)
class AccountPointer:
    """The account's latest incident, which alerts of any device join within the account window."""

    group_id: str
    opened_at: datetime


@dataclass
class AccountState:
    """What the processor read of one account before deciding."""

    account_id: str
    settings: AlertSettings
    around_the_clock: bool  # the contract's 24/7 monitoring response
    alerts: dict[str, Alert]  # by dedup key: the batch's alerts as stored (absent: new)
    device_pointers: dict[str, str]  # device -> its latest incident
    account_pointer: AccountPointer | None
    groups: dict[str, AlertGroup]  # the incidents the pointers and the alerts name
    windows: list[LiveWindow] = field(default_factory=list)  # the account's scheduled and active maintenance windows


@dataclass
class AccountOutcome:
    alerts: list[Alert] = field(default_factory=list)
    groups: dict[str, AlertGroup] = field(default_factory=dict)  # changed or new, by id
    device_pointers: dict[str, str] = field(default_factory=dict)  # to set
    account_pointer: AccountPointer | None = None  # to set
    events: list[EventDetail] = field(default_factory=list)
    suppressed: dict[str, int] = field(default_factory=dict)  # window id -> alert events it silenced
