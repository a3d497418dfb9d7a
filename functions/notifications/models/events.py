"""The cases domain's events as this domain reads them: the EventBridge envelope (the SQS message body
the rule delivers) and the detail fields the recipient rules and templates use."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo, model_validator
from pydantic.alias_generators import to_camel

from functions.notifications.models.delivery import CASE_FOLLOW_UP_REMINDER, CASE_RESPONSE_OVERDUE

CASE_NUMBER_PATTERN = r"^\d{10}$"
# The desk acting by itself (a timer step: a reminder, the auto-close, an escalation): no person, no contact.
AUTOMATION_ROLE = "automation"
AUTO_CLOSED = "Auto-closed"  # the sub status of a case closed by the automated follow-up
# The fields a detail type cannot do without (its emails say them); checked when the detail is read
# for that type (`CaseEventDetail.for_event`), so a malformed event fails to its dead-letter queue.
REQUIRED_FIELDS = {
    CASE_FOLLOW_UP_REMINDER: ("reminder", "asked", "asked_at", "auto_close_at"),
    CASE_RESPONSE_OVERDUE: ("level", "response_due_at"),
}


class _Detail(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True, extra="ignore")


class Actor(_Detail):
    user_id: str
    role: str  # a Cognito group, or "automation"
    contact_id: str | None = None

    @property
    def is_customer(self) -> bool:
        """Customer contacts act on their own account's cases; staff and machines have no contact id."""
        return self.contact_id is not None

    @property
    def is_automation(self) -> bool:
        return self.role == AUTOMATION_ROLE


class CaseEventDetail(_Detail):
    event_key: str | None = None  # the change's identity: the same for every announcement of it
    case_number: str = Field(pattern=CASE_NUMBER_PATTERN)
    account_id: str
    contact_id: str
    case_type: str
    # Every event has it since events carry no free text whole; one published before has none (still in a
    # queue or dead-letter queue during the deploy), and its emails go without.
    subject: str | None = None
    priority: str
    status: str
    sub_status: str | None = None
    owner_id: str | None = None
    actor: Actor
    occurred_at: str
    by_customer: bool | None = None  # set by the cases domain on every event
    # Every event of a change that posted an update (a comment, an information request, a closure comment,
    # an escalation's reason...): which update, its kind and the beginning of its text. The whole text is
    # the update item's (read by functions/notifications/dal/case_updates.py).
    update_id: str | None = Field(default=None, pattern=r"^\d{1,10}$")
    update_kind: str | None = None
    excerpt: str | None = None
    # CaseEscalated
    escalation: str | None = None  # priority | management
    region: str | None = None  # also CaseResponseOverdue (null: the account's region)
    reason: str | None = None  # only in events published before updateId/excerpt: the escalation's reason
    requested_priority: str | None = None
    # CaseFollowUpReminder
    reminder: Literal[1, 2] | None = None
    asked: Literal["information", "solution"] | None = None
    asked_at: AwareDatetime | None = None
    auto_close_at: AwareDatetime | None = None
    # CaseResponseOverdue
    level: Literal["owner", "manager"] | None = None
    response_due_at: AwareDatetime | None = None
    response_rule: str | None = None

    @property
    def is_by_customer(self) -> bool:
        return self.by_customer if self.by_customer is not None else self.actor.is_customer

    @classmethod
    def for_event(cls, detail_type: str, detail: dict) -> CaseEventDetail:
        return cls.model_validate(detail, context={"detail_type": detail_type})

    @model_validator(mode="after")
    def _has_what_its_type_needs(self, info: ValidationInfo) -> CaseEventDetail:
        detail_type = (info.context or {}).get("detail_type")
        missing = [to_camel(name) for name in REQUIRED_FIELDS.get(detail_type, ()) if getattr(self, name) is None]
        if missing:
            raise ValueError(f"{detail_type} without {', '.join(missing)}")
        return self

    def notification_key(self, detail_type: str, event_id: str) -> str:
        """What one email is about, for the duplicate-delivery guard: the change's own key (a change
        announced again, by a retry or a replayed create, is a new EventBridge event but the same news).
        A timer step is keyed by what it is about instead: reminder n of the ask made at askedAt, the
        escalation at a level of the target due at responseDueAt; a retried step is the same news."""
        if detail_type == CASE_FOLLOW_UP_REMINDER and self.asked_at and self.reminder:
            return f"{self.case_number}#{detail_type}#{self.asked_at.isoformat()}#{self.reminder}"
        if detail_type == CASE_RESPONSE_OVERDUE and self.response_due_at and self.level:
            return f"{self.case_number}#{detail_type}#{self.response_due_at.isoformat()}#{self.level}"
        return self.event_key or event_id
