"""Requests and records of a case's life after it is opened: updates, support actions, closing,
reopening, escalation, and the history of every change."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from functions.cases.models.case import Case, ClosedSubStatus, OpenSubStatus, Priority
from functions.shared.clock import UtcTimestamp
from functions.shared.domain_event import DomainEvent
from functions.shared.models import Actor, ApiModel, RequestModel
from functions.shared.text_limits import Choice, Identifier, LongText


class UpdateKind(StrEnum):
    COMMENT = "comment"
    INFORMATION_REQUEST = "information-request"
    SOLUTION_PROPOSAL = "solution-proposal"
    SOLUTION_ACCEPTANCE = "solution-acceptance"
    SOLUTION_REJECTION = "solution-rejection"
    CLOSURE_COMMENT = "closure-comment"
    REOPEN_INFORMATION = "reopen-information"
    ESCALATION_REQUEST = "escalation-request"
    # From monitoring (the alerts domain's events), by the automation; neither is emailed to anyone.
    MONITORING_NOTE = "monitoring-note"  # the customer sees it: an incident's alerts recovered
    INTERNAL_NOTE = "internal-note"  # support staff only: the customer's listing of updates leaves it out
    # A maintenance case's window, as the alerts domain schedules, starts, ends or cancels it (by the automation;
    # the customer sees it; the notifications email the start and the end themselves, from the alerts domain's events).
    MAINTENANCE_NOTE = "maintenance-note"


# Updates only support staff read (GET /cases/{caseNumber}/updates leaves them out for a customer).
STAFF_ONLY_KINDS = frozenset({UpdateKind.INTERNAL_NOTE})


# --- requests ---------------------------------------------------------------------------------


class NewUpdate(RequestModel):
    text: LongText = Field(description="Plain text; markup is kept as typed and never rendered.")


class InformationRequest(RequestModel):
    message: LongText = Field(description="What the customer should send (logs, environment details, ...).")


class SolutionProposal(RequestModel):
    solution: LongText


class SolutionAcceptance(RequestModel):
    comment: LongText | None = None


class SolutionRejection(RequestModel):
    reason: LongText = Field(description="Why the solution does not resolve the problem.")


class CaseChanges(RequestModel):
    """Support's fields: any of them, at least one."""

    sub_status: Annotated[OpenSubStatus, Choice] | None = None
    owner_id: Identifier | None = Field(default=None, description="The engineer's user id.")
    priority: Annotated[Priority, Choice] | None = Field(
        default=None, description="Any level: this is the phone path for 2-High and 1-Prod Down."
    )

    @model_validator(mode="after")
    def _something(self) -> CaseChanges:
        if self.sub_status is None and self.owner_id is None and self.priority is None:
            raise ValueError("send at least one of subStatus, ownerId, priority")
        return self


class CloseReason(StrEnum):
    SOLUTION_ACCEPTED = "solution-accepted"
    CUSTOMER_ASKED = "customer-asked"


class CloseRequest(RequestModel):
    sub_status: Literal[ClosedSubStatus.RESOLVED, ClosedSubStatus.CANCELLED]
    comment: LongText = Field(description="The closure comment.")
    reason: Annotated[CloseReason, Choice] | None = Field(
        default=None, description="Support staff only, and required for them: why support closes it."
    )


class ReopenRequest(RequestModel):
    information: LongText = Field(description="New supporting information showing the issue is not resolved.")


class EscalationKind(StrEnum):
    PRIORITY = "priority"
    MANAGEMENT = "management"


class EscalationRequest(RequestModel):
    kind: Annotated[EscalationKind, Choice]
    requested_priority: Annotated[Priority, Choice] | None = Field(
        default=None, description="For kind `priority`; defaults to one level up."
    )
    reason: LongText


# --- records ----------------------------------------------------------------------------------


class CaseUpdate(ApiModel):
    update_id: str
    kind: UpdateKind
    author: Actor
    text: str
    created_at: UtcTimestamp


class UpdateList(ApiModel):
    items: list[CaseUpdate]
    next_token: str | None = None


class FieldChange(ApiModel):
    field: str
    from_value: str | None = Field(default=None, alias="from")
    to_value: str | None = Field(default=None, alias="to")


class HistoryEntry(ApiModel):
    entry_id: str
    action: str = Field(description="What happened, e.g. `opened`, `updated`, `information-requested`, `closed`.")
    actor: Actor
    at: UtcTimestamp
    changes: list[FieldChange] = Field(description="Each field that changed, from -> to.")


class HistoryList(ApiModel):
    items: list[HistoryEntry]
    next_token: str | None = None


class EscalationOutcome(ApiModel):
    outcome: Literal["applied", "recorded"]
    message: str
    case: Case


@dataclass(frozen=True)
class PreparedChange:
    """A decision applied to a case (functions/cases/logic/change_case.py prepare_change): what its transaction writes."""

    before_version: int
    after: Case
    history: HistoryEntry
    update: CaseUpdate | None
    events: list[DomainEvent]
    frees_quota: str | None  # the entitlement marker a cancelled installation case lets go
