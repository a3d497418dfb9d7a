"""The case as the API shows it, and the vocabularies the guide defines (docs/architecture.md, Domain rules)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import Field, computed_field, model_validator

from functions.shared.clock import UtcTimestamp, to_iso
from functions.shared.contracts import TimerKind, TimerStepName
from functions.shared.models import ApiModel
from functions.shared.retention import FILES_KEPT_AFTER_CLOSURE
from functions.shared.update_rules import UpdateKind, UpdateReason


class Priority(StrEnum):
    PROD_DOWN = "1-Prod Down"
    HIGH = "2-High"
    MEDIUM = "3-Medium"
    LOW = "4-Low"


WEB_PRIORITIES = frozenset({Priority.LOW, Priority.MEDIUM})


class Status(StrEnum):
    OPEN = "Open"
    AWAITING_INFO = "Awaiting Info"
    SOLUTION_PROPOSED = "Solution Proposed"
    CLOSED = "Closed"


class CaseType(StrEnum):
    SUPPORT = "Support"
    ADMIN = "Admin"
    SERVICE_REQUEST = "Service Request"
    PROACTIVE = "Proactive"  # opened by support from monitoring telemetry, on behalf of a contact


class CaseSubType(StrEnum):
    PROBLEM = "Problem"
    INQUIRY = "Inquiry"


class EnvironmentType(StrEnum):
    PRODUCTION = "Production"
    DEVELOPMENT = "Development"


class Channel(StrEnum):
    WEB = "web"
    PHONE = "phone"
    # Opened from monitoring: by the desk from the alerts domain's incident (MonitoringCaseRequested), or a
    # Proactive case an engineer opened from its telemetry.
    MONITORING = "monitoring"


class OpenSubStatus(StrEnum):
    """Where work on a non-closed case stands; engineers set it."""

    NEW = "New"
    INVESTIGATION = "Investigation"
    REPRODUCING = "Reproducing"
    WAITING_ON_ENGINEERING = "Waiting on Engineering"
    SCHEDULED = "Scheduled"


class ClosedSubStatus(StrEnum):
    RESOLVED = "Resolved"
    CANCELLED = "Cancelled"
    AUTO_CLOSED = "Auto-closed"  # by the follow-up process: reopened only by phone
    SUPERSEDED = "Superseded"  # closed by a release or update that resolves it


NEW_CASE_SUB_STATUS = OpenSubStatus.NEW.value
# A closed case can be reopened for this long. The guide ties it to the files' retention (both 30 days):
# once the files are purged there is nothing left to reopen with.
REOPEN_WINDOW = FILES_KEPT_AFTER_CLOSURE


class TimerStep(ApiModel):
    """One automated action of a timer; its id names the step in the state machine (infra/workflows)."""

    step: TimerStepName
    due_at: UtcTimestamp
    rule: str
    done_at: UtcTimestamp | None = None


class CaseTimer(ApiModel):
    """A running Step Functions timer of the case. Only the execution holding `token` may act on the
    case (docs/architecture.md, Architecture): a new token stops every older execution from doing anything."""

    kind: TimerKind
    token: str
    started_at: UtcTimestamp
    steps: list[TimerStep]

    def pending_steps(self) -> list[TimerStep]:
        return [step for step in self.steps if step.done_at is None]


STEP_DESCRIPTIONS = {
    "reminder1": "Reminder 1: the contact is emailed what is still asked of them",
    "reminder2": "Reminder 2: the contact is emailed what is still asked of them",
    "autoClose": "The case closes as Auto-closed and the contact gets a final email",
    "escalateToOwner": "The owning engineer (or the region's support queue) is told the first response is late",
    "escalateToManager": "The regional support managers are told the first response is late",
}


class AutomatedAction(ApiModel):
    action: str = Field(description="reminder1, reminder2, autoClose, escalateToOwner or escalateToManager.")
    description: str
    due_at: UtcTimestamp = Field(description="UTC, ISO-8601 with Z.")
    rule: str = Field(description="The rule that set dueAt.")


class ResponseTarget(ApiModel):
    """Support's first-response target, on a case and on each row of a list."""

    response_due_at: UtcTimestamp | None = Field(default=None, description="When support's first response is due (UTC).")
    first_response_at: UtcTimestamp | None = Field(default=None, description="When support first answered (UTC).")

    # mypy does not follow a decorator over @property; pydantic's documented form of a computed field.
    @computed_field(description="Whether the first response came, or is still missing, after responseDueAt.")  # type: ignore[prop-decorator]
    @property
    def response_breached(self) -> bool:
        if self.response_due_at is None:
            return False
        answered = self.first_response_at or datetime.now(UTC)
        return answered > self.response_due_at


class MaintenanceStatus(StrEnum):
    """Where a maintenance case's window stands, as the alerts domain's MaintenanceWindow* events tell the case."""

    REQUESTED = "requested"  # stated on the case; the alerts domain has not confirmed it yet
    SCHEDULED = "scheduled"
    ACTIVE = "active"  # maintenance mode is on: matching alerts are recorded but notify nobody
    ENDED = "ended"
    CANCELLED = "cancelled"


# A status follows the window forward only: an event delivered late never takes it back (EventBridge keeps no order).
MAINTENANCE_PROGRESS = {
    MaintenanceStatus.REQUESTED: 0, MaintenanceStatus.SCHEDULED: 1, MaintenanceStatus.ACTIVE: 2,
    MaintenanceStatus.ENDED: 3, MaintenanceStatus.CANCELLED: 3,
}  # fmt: skip


class CaseInstallation(ApiModel):
    """An installation case's request, as the case keeps it."""

    kind: UpdateKind
    reason: UpdateReason
    target: str = Field(description="What is installed, in words.")
    scrs: list[str] = Field(default_factory=list)
    feature: str | None = None
    resolves_cases: list[str] = Field(default_factory=list, description="The cases it closed as Resolved when it was opened.")
    quota: str | None = Field(
        default=None,
        description="The entitlement it uses (e.g. 'Release upgrade, Q4 2026'); cancelling the case before the installation frees it.",
    )
    quota_key: str | None = Field(default=None, description="The entitlement's marker the case holds while it is not cancelled.")


class CaseMaintenanceWindow(ApiModel):
    """A maintenance case's window (the guide: a case opened for customer maintenance lets support put monitoring
    into Maintenance Mode): what the case asked for, then the window as the alerts domain schedules, starts,
    changes, ends or cancels it."""

    starts_at: UtcTimestamp = Field(description="When maintenance mode starts (UTC).")
    ends_at: UtcTimestamp = Field(description="When it ends (UTC); alerts still firing shortly after go to the support team.")
    devices: list[str] | None = Field(default=None, description="The devices it covers; null: every device of the account.")
    status: MaintenanceStatus = Field(
        default=MaintenanceStatus.REQUESTED,
        description="requested (not yet confirmed by monitoring), scheduled, active, ended or cancelled.",
    )
    suppressed_count: int | None = Field(default=None, description="Once ended: the alert events it recorded and silenced.")
    still_firing_count: int | None = Field(default=None, description="Once ended: the alerts still firing, handed to the support team.")

    def __str__(self) -> str:
        """As the case's history shows a change of it."""
        devices = ", ".join(self.devices) if self.devices else "all devices"
        return f"{self.status.value}: {to_iso(self.starts_at)} to {to_iso(self.ends_at)}, {devices}"


class Case(ResponseTarget):
    case_number: str = Field(pattern=r"^\d{10}$", examples=["0002068177"])
    case_type: CaseType
    account_id: str
    contact_id: str
    opened_by: str = Field(description="User id of whoever opened the case (the contact, or an engineer by phone).")
    channel: Channel
    status: Status
    sub_status: str
    priority: Priority
    subject: str
    description: str
    case_sub_type: CaseSubType | None = None
    environment_type: EnvironmentType | None = None
    security_threat: bool = False
    business_impact: str | None = None
    end_user_account: str | None = None
    sold_to_account: str | None = None
    product_group: str | None = None
    product: str | None = None
    major_version: str | None = None
    patch_release: str | None = None
    problem_category: str | None = None
    os: str | None = None
    database: str | None = None
    mac_type: str | None = Field(default=None, description="Service requests: the MAC type's id (GET /catalog/service-requests).")
    mac_fields: dict | None = Field(default=None, description="Service requests: the MAC type's form, as validated.")
    time_and_material: bool = Field(default=False, description="Service requests handled on a Time & Material basis.")
    detected_at: UtcTimestamp | None = Field(
        default=None, description="Monitoring cases: when the monitor saw the incident's first alert (UTC); null for other cases."
    )
    monitoring_group_id: str | None = Field(
        default=None, description="Monitoring cases: the alerts domain's incident (group) the case was opened for; null for other cases."
    )
    alert_references: list[str] | None = Field(
        default=None, description="Proactive cases: the alerts (their dedup keys) the engineer opened it from; null for other cases."
    )
    maintenance_window: CaseMaintenanceWindow | None = Field(
        default=None,
        description="Maintenance cases: the window in which monitoring is in maintenance mode (alerts recorded, nobody notified); "
        "null for other cases.",
    )
    installation: CaseInstallation | None = Field(
        default=None, description="Installation cases: what is installed, why, and the cases it resolved; null for other cases."
    )
    resolved_by_case: str | None = Field(
        default=None, description="A case an installation resolved: the installation case that closed it as Resolved."
    )
    owner_id: str | None = Field(default=None, description="The engineer who owns the case.")
    region: str | None = Field(default=None, description="The support region of the case's account when it was opened.")
    closed_at: UtcTimestamp | None = Field(default=None, description="When the case was last closed (UTC); null while open.")
    files_purged_at: UtcTimestamp | None = Field(
        default=None, description="When the case's files were deleted, 30 days after its closure (UTC); null until then."
    )
    response_rule: str | None = Field(default=None, description="The target that set responseDueAt.")
    created_at: UtcTimestamp = Field(description="UTC, ISO-8601 with Z.")
    modified_at: UtcTimestamp = Field(description="UTC, ISO-8601 with Z.")
    version: int = Field(ge=1, description="Increases with every change; the ETag.")
    timers: list[CaseTimer] = Field(default_factory=list, exclude=True)  # internal: tokens never leave the service
    next_automated_action: AutomatedAction | None = Field(
        default=None, description="What the desk will do by itself next on this case, and when; null when nothing is scheduled."
    )

    def with_timers(self, timers: list[CaseTimer]) -> Case:
        return self.model_copy(update={"timers": timers, "next_automated_action": next_automated_action(timers)})

    @model_validator(mode="after")
    def _derive_next_automated_action(self) -> Case:
        # A plain field, not a computed one: the API validates what a handler returns by parsing the
        # dumped case again, and the timers are never in that dump.
        if self.timers:
            self.next_automated_action = next_automated_action(self.timers)
        return self


def next_automated_action(timers: list[CaseTimer]) -> AutomatedAction | None:
    pending = [step for timer in timers for step in timer.pending_steps()]
    if not pending:
        return None
    step = min(pending, key=lambda step: step.due_at)
    return AutomatedAction(action=step.step, description=STEP_DESCRIPTIONS[step.step], due_at=step.due_at, rule=step.rule)


class CaseSummary(ResponseTarget):
    """One row of a case view or queue, like the portal's list columns."""

    case_number: str
    case_type: CaseType
    account_id: str
    contact_id: str
    subject: str
    status: Status
    sub_status: str
    priority: Priority
    owner_id: str | None = None
    region: str | None = None
    next_automated_action: AutomatedAction | None = Field(
        default=None, description="What the desk will do by itself next on this case, and when (e.g. the next reminder)."
    )
    created_at: UtcTimestamp
    modified_at: UtcTimestamp


class CaseList(ApiModel):
    items: list[CaseSummary]
    next_token: str | None = Field(default=None, description="Pass back as `nextToken` for the next page; absent on the last page.")
