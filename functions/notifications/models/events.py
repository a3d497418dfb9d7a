"""The cases domain's events as this domain reads them: the EventBridge envelope (the SQS message body
the rule delivers) and the detail fields the recipient rules and templates use."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

CASE_NUMBER_PATTERN = r"^\d{10}$"


class _Detail(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True, extra="ignore")


class Actor(_Detail):
    user_id: str
    role: str
    contact_id: str | None = None

    @property
    def is_customer(self) -> bool:
        """Customer contacts act on their own account's cases; staff and machines have no contact id."""
        return self.contact_id is not None


class CaseEventDetail(_Detail):
    event_key: str | None = None  # the change's identity: the same for every announcement of it
    case_number: str = Field(pattern=CASE_NUMBER_PATTERN)
    account_id: str
    contact_id: str
    case_type: str
    priority: str
    status: str
    sub_status: str | None = None
    owner_id: str | None = None
    actor: Actor
    occurred_at: str

    @property
    def is_by_customer(self) -> bool:
        return self.by_customer if self.by_customer is not None else self.actor.is_customer
    by_customer: bool | None = None  # set by the cases domain on every event
    # CaseUpdated
    update_kind: str | None = None
    # CaseEscalated
    escalation: str | None = None  # priority | management
    region: str | None = None
    reason: str | None = None
    requested_priority: str | None = None


class CaseEvent(BaseModel):
    """An EventBridge event; `detail` is validated only for the detail types this domain handles."""

    model_config = ConfigDict(populate_by_name=True, frozen=True, extra="ignore")

    id: str = Field(min_length=1)
    source: str
    detail_type: str = Field(alias="detail-type")
    detail: dict
