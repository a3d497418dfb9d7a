"""The events on the bus (docs/architecture.md, "The bus and the outbox"): who sends them, their detail
types, and each detail's fields, camelCase as on the bus. Producers build their details through these
models and consumers read them through these models (or the parts of one they need), so a name or a shape
is defined once; tests/unit/test_event_contracts.py proves every rule's pattern matches events the
producers really emit, and that each of those validates against its model here.

A case event's detail is the case after the change (`CaseEvent`) plus the fields of its type (a part:
`StatusChange`, `TimerStart`, ...), which is what a change announces. A part's field is optional where a
reader takes several types through one model (the notifications read every case event so); the type's
model then requires it (`required`). Fields some events published before lack (subject, eventKey,
byCustomer) are optional to readers and required of producers (`CASE_EVENT_REQUIRED`)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from functions.shared import models
from functions.shared.auth import AUTOMATION_ROLE
from functions.shared.clock import UtcTimestamp
from functions.shared.domain_event import DomainEvent


class EventSource(StrEnum):
    CASES = "dss.cases"
    FILES = "dss.files"
    PURGE = "dss.purge"
    DIRECTORY = "dss.directory"
    ALERTS = "dss.alerts"
    REPORTS = "dss.reports"
    UPDATES = "dss.updates"


class DetailType(StrEnum):
    CASE_CREATED = "CaseCreated"
    CASE_UPDATED = "CaseUpdated"
    CASE_STATUS_CHANGED = "CaseStatusChanged"
    CASE_PRIORITY_CHANGED = "CasePriorityChanged"
    CASE_CLOSED = "CaseClosed"
    CASE_REOPENED = "CaseReopened"
    CASE_ESCALATED = "CaseEscalated"
    # The followups domain starts and stops the timers' executions on these.
    CASE_TIMER_STARTED = "CaseTimerStarted"
    CASE_TIMER_STOPPED = "CaseTimerStopped"
    # Timer steps acting on a case; the ladder's last step, the auto-close, is a CaseClosed.
    CASE_FOLLOW_UP_REMINDER = "CaseFollowUpReminder"
    CASE_RESPONSE_OVERDUE = "CaseResponseOverdue"
    CASE_FILE_ADDED = "CaseFileAdded"
    CASE_FILES_PURGED = "CaseFilesPurged"
    ACCOUNT_CREATED = "AccountCreated"
    ACCOUNT_CHANGED = "AccountChanged"
    REGION_CHANGED = "RegionChanged"
    CONTACT_ADDED = "ContactAdded"
    CONTACT_CHANGED = "ContactChanged"
    # The alerts domain's incidents (functions/alerts); the cases domain opens and annotates their cases.
    MONITORING_CASE_REQUESTED = "MonitoringCaseRequested"
    MONITORING_ALERTS_ATTACHED = "MonitoringAlertsAttached"
    MONITORING_ALERTS_RECOVERED = "MonitoringAlertsRecovered"
    MONITORING_GROUP_HELD = "MonitoringGroupHeld"
    MONITORING_TIMER_STARTED = "MonitoringTimerStarted"  # the followups domain runs it on Step Functions
    # Maintenance mode: monitoring silenced for an account's maintenance, announced on its maintenance case.
    MAINTENANCE_WINDOW_SCHEDULED = "MaintenanceWindowScheduled"
    MAINTENANCE_WINDOW_STARTED = "MaintenanceWindowStarted"
    MAINTENANCE_WINDOW_ENDED = "MaintenanceWindowEnded"
    MAINTENANCE_WINDOW_CANCELLED = "MaintenanceWindowCancelled"
    # Case reports (functions/reports): a subscription's report delivered; recipients to confirm.
    CASE_REPORT_SENT = "CaseReportSent"
    REPORT_RECIPIENTS_INVITED = "ReportRecipientsInvited"
    # functions/updates: the Windows-update catalog, the gateways' GA catalog, the accounts' platforms
    WINDOWS_UPDATE_RECORDED = "WindowsUpdateRecorded"
    WINDOWS_UPDATE_VALIDATED = "WindowsUpdateValidated"
    WINDOWS_UPDATE_REJECTED = "WindowsUpdateRejected"
    WINDOWS_UPDATE_VALIDATION_OVERDUE = "WindowsUpdateValidationOverdue"
    WINDOWS_UPDATES_REMINDER = "WindowsUpdatesReminder"
    GATEWAY_CATALOG_CHANGED = "GatewayCatalogChanged"
    ACCOUNT_PLATFORM_CHANGED = "AccountPlatformChanged"
    GATEWAYS_BEHIND_GA = "GatewaysBehindGa"


class TimerKind(StrEnum):
    """A case's Step Functions timers (functions/cases/logic/timers.py), one state machine each."""

    FOLLOW_UP = "follow-up"
    RESPONSE_ESCALATION = "response-escalation"


class TimerStepName(StrEnum):
    """The steps the state machines wait for (`$.wakeAt.<step>`) and send to the step Lambda
    (infra/workflows/*.asl.json)."""

    REMINDER_1 = "reminder1"
    REMINDER_2 = "reminder2"
    AUTO_CLOSE = "autoClose"
    ESCALATE_TO_OWNER = "escalateToOwner"
    ESCALATE_TO_MANAGER = "escalateToManager"


CaseNumber = Annotated[str, Field(pattern=r"^\d{10}$")]
# An incident of the alerts domain: the alerts of one account grouped into one case.
GroupId = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
# With the case number it names the timer's execution (letters, digits, '-'; at most 80).
TimerToken = Annotated[str, Field(pattern=r"^[0-9a-fA-F]{32}$")]
EscalationKind = Literal["priority", "management"]
ReminderNumber = Literal[1, 2]
AskedFor = Literal["information", "solution"]
EscalationLevel = Literal["owner", "manager"]


class EventDetail(BaseModel):
    """Readers ignore fields they do not know, so a producer may add one before its consumers read it."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True, extra="ignore", defer_build=True)

    source: ClassVar[EventSource]
    detail_type: ClassVar[DetailType]
    required: ClassVar[tuple[str, ...]] = ()  # optional fields the type's events always carry

    def to_bus(self) -> dict[str, Any]:
        """The detail as it goes on the bus: the fields the producer set (null ones too), timestamps ISO `Z`."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)

    def domain_event(self) -> DomainEvent:
        return DomainEvent(self.source.value, self.detail_type.value, self.to_bus())

    def missing(self, names: tuple[str, ...]) -> list[str]:
        """Which of these fields (Python names) are null, by their names on the bus."""
        return [to_camel(name) for name in names if getattr(self, name) is None]


class Actor(models.Actor):
    """Who made the change: role is a Cognito group, or "automation" (the desk itself: a timer step), which
    has no person and no contact."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    @property
    def is_customer(self) -> bool:
        """Customer contacts act on their own account's cases; staff and machines have no contact id."""
        return self.contact_id is not None

    @property
    def is_automation(self) -> bool:
        return self.role == AUTOMATION_ROLE


class CaseRef(EventDetail):
    case_number: CaseNumber


class CaseFacts(CaseRef):
    """What every case event says of the case after its change, and of the change, as readers rely on it."""

    event_key: str | None = None  # the change's identity: the same on every delivery of the event
    account_id: str
    contact_id: str
    case_type: str
    # Since events carry no free text whole; one published before has none (in a queue or dead-letter
    # queue during the deploy), and its emails go without.
    subject: str | None = None
    priority: str
    status: str
    sub_status: str | None = None
    owner_id: str | None = None
    actor: Actor
    occurred_at: UtcTimestamp
    by_customer: bool | None = None  # the change's author is the customer (not support, not the automation)
    # An event of a change that posted an update names it and carries an excerpt (docs/architecture.md,
    # "Small events"); the whole text is the update item's.
    update_id: str | None = Field(default=None, pattern=r"^\d{1,10}$")
    update_kind: str | None = None
    excerpt: str | None = None
    # A case the alerts domain asked for (MonitoringCaseRequested): its incident, on every event of the case.
    monitoring_group_id: GroupId | None = None


CASE_EVENT_REQUIRED = ("event_key", "subject", "by_customer")


class CaseEvent(CaseFacts):
    """A case event as the cases domain sends it; each detail type's model adds its part."""

    source = EventSource.CASES

    version: int
    channel: str
    changed_fields: list[str] | None = None  # every change's events; the opening's have none

    @model_validator(mode="after")
    def _has_what_its_type_carries(self) -> CaseEvent:
        if missing := self.missing((*CASE_EVENT_REQUIRED, *self.required)):
            raise ValueError(f"{type(self).__name__} without {', '.join(missing)}")
        return self


# --- what a change announces: each case event type's own fields -----------------------------------


class Announcement(EventDetail):
    """An event a case change announces: its type and its own fields; the case's are added on commit."""


class MaintenanceNotice(EventDetail):
    """The maintenance window a customer's case announces (the guide: a case opened for maintenance lets
    support put monitoring into Maintenance Mode); the alerts domain creates the window from it."""

    starts_at: UtcTimestamp
    ends_at: UtcTimestamp
    devices: list[str] | None = None  # None: every device of the account


class InstallationNotice(EventDetail):
    """What an installation case installs and why (the guide's rules for platform updates), and the open cases it
    closed as Resolved in its own transaction."""

    kind: str  # functions/shared/update_rules.py UpdateKind
    reason: str  # UpdateReason
    target: str = Field(max_length=1024, description="What is installed, in words: the KBs, the Release, the patch, the gateways.")
    resolves_cases: list[CaseNumber] = Field(default_factory=list, max_length=48)


class Opened(Announcement):
    detail_type = DetailType.CASE_CREATED
    maintenance_window: MaintenanceNotice | None = None  # a maintenance case's
    installation: InstallationNotice | None = None  # an installation case's


class Updated(Announcement):
    """A change with no event of its own is announced as this, so every change is on the bus."""

    detail_type = DetailType.CASE_UPDATED


class StatusChange(Announcement):
    detail_type = DetailType.CASE_STATUS_CHANGED
    previous_status: str


class PriorityChange(Announcement):
    detail_type = DetailType.CASE_PRIORITY_CHANGED
    previous_priority: str


class Closure(Announcement):
    detail_type = DetailType.CASE_CLOSED
    purge_files_after: UtcTimestamp  # when the purge deletes the case's files (the closure is the sub status)
    resolved_by_case: CaseNumber | None = None  # the installation case whose installation resolved it


class Reopening(Announcement):
    detail_type = DetailType.CASE_REOPENED
    closed_at: UtcTimestamp | None  # the closure undone


class Escalation(Announcement):
    detail_type = DetailType.CASE_ESCALATED
    required: ClassVar[tuple[str, ...]] = ("escalation",)
    escalation: EscalationKind | None = None
    region: str | None = None  # a management escalation's: the account's region (null: none yet)
    requested_priority: str | None = None  # a priority escalation's (the reason is the change's update)


class TimerStepDue(EventDetail):
    step: TimerStepName
    due_at: UtcTimestamp


class TimerStart(Announcement):
    # Every step, done or not: the state machine waits for each (a done step does nothing again).
    detail_type = DetailType.CASE_TIMER_STARTED
    timer: TimerKind
    token: TimerToken
    started_at: UtcTimestamp
    steps: list[TimerStepDue] = Field(min_length=1)


class TimerStop(Announcement):
    detail_type = DetailType.CASE_TIMER_STOPPED
    timer: TimerKind
    token: TimerToken
    reason: str | None = None  # why it stopped, the stopped execution's cause


class FollowUpReminder(Announcement):
    detail_type = DetailType.CASE_FOLLOW_UP_REMINDER
    required: ClassVar[tuple[str, ...]] = ("reminder", "asked", "asked_at", "auto_close_at")
    reminder: ReminderNumber | None = None
    asked: AskedFor | None = None
    asked_at: UtcTimestamp | None = None
    auto_close_at: UtcTimestamp | None = None


class ResponseOverdue(Announcement):
    detail_type = DetailType.CASE_RESPONSE_OVERDUE
    required: ClassVar[tuple[str, ...]] = ("level", "response_due_at")
    level: EscalationLevel | None = None
    response_due_at: UtcTimestamp | None = None
    response_rule: str | None = None


# --- the case events as sent --------------------------------------------------------------------


class CaseCreated(CaseEvent, Opened):
    pass


class CaseUpdated(CaseEvent, Updated):
    pass


class CaseStatusChanged(CaseEvent, StatusChange):
    pass


class CasePriorityChanged(CaseEvent, PriorityChange):
    pass


class CaseClosed(CaseEvent, Closure):
    pass


class CaseReopened(CaseEvent, Reopening):
    pass


class CaseEscalated(CaseEvent, Escalation):
    pass


class CaseTimerStarted(CaseEvent, TimerStart):
    pass


class CaseTimerStopped(CaseEvent, TimerStop):
    pass


class CaseFollowUpReminder(CaseEvent, FollowUpReminder):
    pass


class CaseResponseOverdue(CaseEvent, ResponseOverdue):
    pass


# --- the other domains' events --------------------------------------------------------------------


class FileChecksum(EventDetail):
    algorithm: str
    value: str


class CaseFileAdded(CaseRef):
    source = EventSource.FILES
    detail_type = DetailType.CASE_FILE_ADDED

    event_key: str
    account_id: str
    file_id: str
    file_name: str
    size: int = Field(ge=0)
    checksum: FileChecksum
    actor: Actor
    occurred_at: UtcTimestamp


class CaseFilesPurged(CaseRef):
    """A closed case's files deleted by the daily purge (functions/purge); the cases domain marks the case."""

    source = EventSource.PURGE
    detail_type = DetailType.CASE_FILES_PURGED

    # One per closure: every run that purges it announces the same. Sent always; the mark does without.
    event_key: str | None = None
    account_id: str
    closed_at: UtcTimestamp  # the closure whose files were deleted
    purged_at: UtcTimestamp
    objects_deleted: int = Field(ge=0)


class AccountEvent(EventDetail):
    """An account of the directory created or changed (functions/directory): which fields changed, not
    their values (the account's history has those; GET /accounts/{accountId}/history)."""

    source = EventSource.DIRECTORY

    event_key: str
    account_id: str
    name: str
    region: str
    version: int = Field(ge=1)
    changed_fields: list[str]
    actor: Actor
    occurred_at: UtcTimestamp


class AccountCreated(AccountEvent):
    detail_type = DetailType.ACCOUNT_CREATED


class AccountChanged(AccountEvent):
    detail_type = DetailType.ACCOUNT_CHANGED


class RegionChanged(EventDetail):
    """A support region's managers or addresses set (functions/directory)."""

    source = EventSource.DIRECTORY
    detail_type = DetailType.REGION_CHANGED

    event_key: str
    region: str
    version: int = Field(ge=1)
    changed_fields: list[str]
    actor: Actor
    occurred_at: UtcTimestamp


class ContactEvent(EventDetail):
    """An authorized contact added to an account or changed (functions/directory), disabling and enabling
    included (`status` among the changed fields). Which fields changed, not their values: the account's
    history has those. The counts tell consumers whether the account is over its recommended maximum of
    active contacts (the guide: "ideally fewer than five"), which the region's managers hear of."""

    source = EventSource.DIRECTORY

    event_key: str
    account_id: str
    contact_id: str
    status: str  # invited | active | disabled
    previous_status: str | None = None  # before the change; None for an added contact
    version: int = Field(ge=1, description="The account's version after the change.")
    changed_fields: list[str]
    active_contacts: int = Field(ge=0, description="Contacts not disabled, after the change.")
    recommended_max_contacts: int = Field(ge=1)
    actor: Actor
    occurred_at: UtcTimestamp

    @property
    def over_recommended_max(self) -> bool:
        return self.active_contacts > self.recommended_max_contacts

    @property
    def starts_counting(self) -> bool:
        """Added, or enabled again: one more active contact (a first sign-in, invited -> active, is not)."""
        if self.status == "disabled":
            return False
        return self.detail_type is DetailType.CONTACT_ADDED or self.previous_status == "disabled"


class ContactAdded(ContactEvent):
    detail_type = DetailType.CONTACT_ADDED


class ContactChanged(ContactEvent):
    detail_type = DetailType.CONTACT_CHANGED


# --- the alerts domain's incidents -------------------------------------------------------------------

MonitoringSeverity = Literal["critical", "error", "warning", "info"]
# Why a monitoring case opens: a new incident in business hours, one of an account monitored around the
# clock, a held incident still firing at the business opening, or an engineer's call.
CaseRequestReason = Literal["business-hours", "around-the-clock", "business-opening", "engineer"]
MAX_ALERT_LINES = 20  # the alerts an event names; its counts say how many there are in all


class AlertLine(EventDetail):
    """One alert of an incident as events name it (the alerts API has the rest)."""

    dedup_key: str = Field(max_length=255)
    device: str = Field(max_length=255)
    severity: MonitoringSeverity
    summary: str = Field(max_length=1024)
    first_triggered_at: UtcTimestamp


class MonitoringEvent(EventDetail):
    source = EventSource.ALERTS

    event_key: str
    group_id: GroupId
    account_id: str
    device: str = Field(max_length=255, description="The device whose alert opened the incident.")
    alert_count: int = Field(ge=1, description="The incident's alerts so far.")
    occurred_at: UtcTimestamp


class MonitoringCaseRequested(MonitoringEvent):
    """An incident that needs its 1-Prod Down case now; the cases domain opens it once per group."""

    detail_type = DetailType.MONITORING_CASE_REQUESTED

    reason: CaseRequestReason
    summary: str = Field(max_length=1024, description="The first alert's summary.")
    severity: MonitoringSeverity
    detected_at: UtcTimestamp = Field(description="The first alert's time, by the monitor.")
    alerts: list[AlertLine] = Field(min_length=1, max_length=MAX_ALERT_LINES)
    actor: Actor  # automation, or the engineer who opened it


class MonitoringAlertsAttached(MonitoringEvent):
    """New alerts joined an incident that has its case: one quiet internal digest on the case."""

    detail_type = DetailType.MONITORING_ALERTS_ATTACHED

    case_number: CaseNumber
    new_alerts: list[AlertLine] = Field(min_length=1, max_length=MAX_ALERT_LINES)
    new_alert_count: int = Field(ge=1)


class MonitoringAlertsRecovered(MonitoringEvent):
    """No alert of the incident has fired for the settle time: one note on its case (never a closure a
    person did not ask for: `close_if_untouched` is the account's opt-in)."""

    detail_type = DetailType.MONITORING_ALERTS_RECOVERED

    case_number: CaseNumber
    recovered_at: UtcTimestamp
    close_if_untouched: bool = False


class MonitoringGroupHeld(MonitoringEvent):
    """A new incident outside business hours, held until the opening: one notice to the region's
    after-hours address."""

    detail_type = DetailType.MONITORING_GROUP_HELD

    summary: str = Field(max_length=1024)
    severity: MonitoringSeverity
    detected_at: UtcTimestamp
    opens_at: UtcTimestamp = Field(description="The next business opening, when its case opens if it still fires.")


class IncidentTimerStep(StrEnum):
    """The alerts domain's timers (functions/alerts/logic/incident_changes.py), each one execution of the
    incident timer's state machine (infra/workflows/incident_timer.asl.json): an incident's, or a
    maintenance window's (its id in `groupId`)."""

    OPENING = "opening"  # a held incident at the business opening: its case if it still fires
    SETTLE = "settle"  # no firing alert for the settle time: recovered
    DIGEST = "digest"  # the alerts joined since the last digest, once the digest interval has passed
    WINDOW_START = "window-start"  # a maintenance window starts
    WINDOW_END = "window-end"  # a maintenance window's end, after its settle time: alerts still firing go on


class MonitoringTimerStarted(EventDetail):
    """A timer of an incident or a maintenance window set: wake its step at `due_at`. The step acts only while
    its incident or window still holds the token (a timer set again replaces it)."""

    source = EventSource.ALERTS
    detail_type = DetailType.MONITORING_TIMER_STARTED

    event_key: str
    group_id: GroupId = Field(description="The incident's id, or the maintenance window's.")
    account_id: str
    occurred_at: UtcTimestamp
    step: IncidentTimerStep
    token: TimerToken
    due_at: UtcTimestamp


class MaintenanceWindowEvent(EventDetail):
    """A maintenance window of an account (functions/alerts): while active, its matching alerts are recorded
    and counted but open, attach, email and page nothing. The cases domain posts its start and end on the
    maintenance case (and the notifications email the case's contact)."""

    source = EventSource.ALERTS

    event_key: str
    window_id: GroupId
    account_id: str
    case_number: CaseNumber = Field(description="The maintenance case.")
    starts_at: UtcTimestamp
    ends_at: UtcTimestamp
    devices: list[str] | None = None  # None: every device of the account
    actor: Actor
    occurred_at: UtcTimestamp


class MaintenanceWindowScheduled(MaintenanceWindowEvent):
    detail_type = DetailType.MAINTENANCE_WINDOW_SCHEDULED


class MaintenanceWindowStarted(MaintenanceWindowEvent):
    detail_type = DetailType.MAINTENANCE_WINDOW_STARTED


class MaintenanceWindowEnded(MaintenanceWindowEvent):
    """The window's end (after its settle time): what it suppressed, and how many alerts still firing were
    handed to the incidents as new."""

    detail_type = DetailType.MAINTENANCE_WINDOW_ENDED

    suppressed_count: int = Field(ge=0, description="Alert events recorded and silenced inside the window.")
    suppressed_alerts: list[AlertLine] = Field(default_factory=list, max_length=MAX_ALERT_LINES)
    still_firing_count: int = Field(ge=0)


class MaintenanceWindowCancelled(MaintenanceWindowEvent):
    detail_type = DetailType.MAINTENANCE_WINDOW_CANCELLED


# --- case reports (functions/reports) ---------------------------------------------------------------


class ReportEvent(EventDetail):
    source = EventSource.REPORTS

    event_key: str
    account_id: str
    subscription_id: str
    occurred_at: UtcTimestamp


class CaseReportSent(ReportEvent):
    """A subscription's report of one period delivered to its recipients (the guide's Open/Closed case report)."""

    detail_type = DetailType.CASE_REPORT_SENT

    cadence: str
    period_start: UtcTimestamp
    period_end: UtcTimestamp
    opened: int = Field(ge=0)
    closed: int = Field(ge=0)
    open_at_end: int = Field(ge=0)
    recipients: int = Field(ge=0, description="Addresses the report was emailed to.")
    archive_key: str = Field(description="The run's CSV in the files bucket.")


class ReportRecipientsInvited(ReportEvent):
    """Addresses added to a subscription that are not contacts of its account: each is asked to confirm
    (double opt-in) before it receives anything. The reports domain emails them itself (the confirmation
    link is signed with its key, which no other domain holds)."""

    detail_type = DetailType.REPORT_RECIPIENTS_INVITED

    emails: list[str] = Field(min_length=1, max_length=50)
    cadence: str
    requested_by: str = Field(description="The name of who added them, for the confirmation email.")


# --- platform updates (functions/updates) ----------------------------------------------------------------


class UpdatesEvent(EventDetail):
    source = EventSource.UPDATES

    event_key: str
    occurred_at: UtcTimestamp
    actor: Actor  # the Testing Department's user, an engineer, or automation (a schedule)


class WindowsUpdateEvent(UpdatesEvent):
    """A Microsoft update in the Testing Department's catalog, after the change."""

    kb: str = Field(pattern=r"^KB\d{6,8}$")
    title: str = Field(max_length=255)
    classification: str = Field(max_length=64)
    severity: str | None = Field(default=None, max_length=32, description="MSRC severity, when Microsoft gives one.")
    released_on: date
    expected_on: date = Field(description="When the Testing Department is expected to have decided (release + 7 days).")
    status: str  # functions/shared/update_rules.py KbStatus


class WindowsUpdateRecorded(WindowsUpdateEvent):
    detail_type = DetailType.WINDOWS_UPDATE_RECORDED


class WindowsUpdateValidated(WindowsUpdateEvent):
    detail_type = DetailType.WINDOWS_UPDATE_VALIDATED


class WindowsUpdateRejected(WindowsUpdateEvent):
    detail_type = DetailType.WINDOWS_UPDATE_REJECTED
    reason: str = Field(max_length=1000)


class WindowsUpdateValidationOverdue(WindowsUpdateEvent):
    """A critical update still pending at its expected date (its one-time schedule fired): the Testing Department
    is told."""

    detail_type = DetailType.WINDOWS_UPDATE_VALIDATION_OVERDUE


class WindowsUpdatesReminder(UpdatesEvent):
    """Patch Tuesday (second Tuesday, 15:00 Eastern): the Testing Department records the month's updates."""

    detail_type = DetailType.WINDOWS_UPDATES_REMINDER
    patch_tuesday: date
    pending: int = Field(ge=0, description="Updates still pending validation.")


class GatewayCatalogChanged(UpdatesEvent):
    detail_type = DetailType.GATEWAY_CATALOG_CHANGED
    gateway_type: str
    current_ga: str | None
    version: int


class AccountPlatformChanged(UpdatesEvent):
    detail_type = DetailType.ACCOUNT_PLATFORM_CHANGED
    account_id: str
    version: int


class GatewayBehind(EventDetail):
    gateway_id: str
    gateway_type: str
    installed_update: str | None
    current_ga: str
    updates_behind: int = Field(ge=1)


class GatewaysBehindGa(UpdatesEvent):
    """The weekly check found an account's gateways 3 or more updates behind GA: the cases domain opens one
    proactive case for the account (never a second while one is open)."""

    detail_type = DetailType.GATEWAYS_BEHIND_GA
    account_id: str
    gateways: list[GatewayBehind] = Field(min_length=1, max_length=50)


UPDATES_EVENTS: tuple[type[UpdatesEvent], ...] = (
    WindowsUpdateRecorded, WindowsUpdateValidated, WindowsUpdateRejected, WindowsUpdateValidationOverdue,
    WindowsUpdatesReminder, GatewayCatalogChanged, AccountPlatformChanged, GatewaysBehindGa,
)  # fmt: skip

MAINTENANCE_WINDOW_EVENTS: tuple[type[MaintenanceWindowEvent], ...] = (
    MaintenanceWindowScheduled, MaintenanceWindowStarted, MaintenanceWindowEnded, MaintenanceWindowCancelled,
)  # fmt: skip

MONITORING_EVENTS: tuple[type[MonitoringEvent], ...] = (
    MonitoringCaseRequested, MonitoringAlertsAttached, MonitoringAlertsRecovered, MonitoringGroupHeld,
)  # fmt: skip

CASE_EVENTS: dict[DetailType, type[CaseEvent]] = {
    model.detail_type: model
    for model in (
        CaseCreated, CaseUpdated, CaseStatusChanged, CasePriorityChanged, CaseClosed, CaseReopened, CaseEscalated,
        CaseTimerStarted, CaseTimerStopped, CaseFollowUpReminder, CaseResponseOverdue,
    )
}  # fmt: skip
# Every event on the bus, by (source, detail type): a detail type missing here is one no contract describes.
CONTRACTS: dict[tuple[EventSource, DetailType], type[EventDetail]] = {
    **{(EventSource.CASES, detail_type): model for detail_type, model in CASE_EVENTS.items()},
    (EventSource.FILES, DetailType.CASE_FILE_ADDED): CaseFileAdded,
    (EventSource.PURGE, DetailType.CASE_FILES_PURGED): CaseFilesPurged,
    (EventSource.DIRECTORY, DetailType.ACCOUNT_CREATED): AccountCreated,
    (EventSource.DIRECTORY, DetailType.ACCOUNT_CHANGED): AccountChanged,
    (EventSource.DIRECTORY, DetailType.REGION_CHANGED): RegionChanged,
    (EventSource.DIRECTORY, DetailType.CONTACT_ADDED): ContactAdded,
    (EventSource.DIRECTORY, DetailType.CONTACT_CHANGED): ContactChanged,
    **{(EventSource.ALERTS, model.detail_type): model for model in (*MONITORING_EVENTS, *MAINTENANCE_WINDOW_EVENTS)},
    (EventSource.ALERTS, DetailType.MONITORING_TIMER_STARTED): MonitoringTimerStarted,
    (EventSource.REPORTS, DetailType.CASE_REPORT_SENT): CaseReportSent,
    (EventSource.REPORTS, DetailType.REPORT_RECIPIENTS_INVITED): ReportRecipientsInvited,
    **{(EventSource.UPDATES, model.detail_type): model for model in UPDATES_EVENTS},
}


def event_pattern(source: EventSource, detail_types: tuple[DetailType, ...]) -> dict[str, list[str]]:
    """An EventBridge rule's pattern for these events, in plain strings (the stack's JSON and boto3 take it)."""
    return {"source": [source.value], "detail-type": [detail_type.value for detail_type in detail_types]}


def sources_pattern(subscribed: dict[EventSource, tuple[DetailType, ...]]) -> dict[str, list[str]]:
    """One rule's pattern for the events of several sources: their sources and their detail types. A pattern
    matches an event whose source is one of its sources and whose detail type is one of its detail types, so
    it would also match a source's event of another's detail type; none is sent (each detail type has one
    source in CONTRACTS)."""
    patterns = [event_pattern(source, detail_types) for source, detail_types in subscribed.items()]
    return {key: [value for pattern in patterns for value in pattern[key]] for key in ("source", "detail-type")}
