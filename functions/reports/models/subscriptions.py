"""Report subscriptions (docs/architecture.md, "Case reports"): an account's Open/Closed case report, emailed on a
cadence to a distribution list. Recipients are contacts of the account (active at once) or addresses that confirmed
(double opt-in: a report carries case subjects, and a list must not become a way to mail strangers); any of them can
unsubscribe through the signed link every report carries."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator

from functions.reports.models.report import Cadence
from functions.shared.clock import UtcTimestamp
from functions.shared.models import Actor, ApiModel, RequestModel
from functions.shared.text_limits import Choice, EmailAddress, Identifier

MAX_RECIPIENTS = 50  # SES v1 SendRawEmail's recipients per message; each recipient gets its own message anyway
CaseNumber = Annotated[str, Field(pattern=r"^\d{10}$", examples=["0002068177"])]
Recipients = Annotated[list[EmailAddress], Field(min_length=1, max_length=MAX_RECIPIENTS)]


class RecipientStatus(StrEnum):
    ACTIVE = "active"  # receives the reports
    PENDING = "pending"  # asked to confirm; receives nothing until it does
    UNSUBSCRIBED = "unsubscribed"  # left through the link; added again, it is asked to confirm again


class Recipient(ApiModel):
    email: str
    status: RecipientStatus
    contact_id: str | None = Field(default=None, description="The account's contact with this address, if any.")
    added_at: UtcTimestamp
    confirmed_at: UtcTimestamp | None = None
    unsubscribed_at: UtcTimestamp | None = None


class LastDelivery(ApiModel):
    first_day: date
    last_day: date
    label: str
    sent_at: UtcTimestamp
    recipients: int


class Subscription(ApiModel):
    subscription_id: str
    account_id: str
    cadence: Cadence
    anchor: date | None = Field(default=None, description="Bi-weekly: a Monday that starts a period (the parity).")
    recipients: list[Recipient]
    case_number: str | None = Field(default=None, description="The case that asked for the subscription.")
    paused: bool = False
    next_delivery_at: UtcTimestamp | None = Field(description="06:00 US Eastern on the day the next period ends; null while paused.")
    last_delivery: LastDelivery | None = None
    created_at: UtcTimestamp
    created_by: Actor
    modified_at: UtcTimestamp
    version: int

    def recipient(self, email: str) -> Recipient | None:
        return next((each for each in self.recipients if each.email == email), None)


class SubscriptionList(ApiModel):
    items: list[Subscription]


class _AnchorRule(RequestModel):
    @field_validator("anchor", check_fields=False)
    @classmethod
    def _a_monday(cls, anchor: date | None) -> date | None:
        if anchor is not None and anchor.weekday() != 0:
            raise ValueError("must be a Monday (a bi-weekly period starts on a Monday)")
        return anchor


class NewSubscription(_AnchorRule):
    account_id: Identifier
    cadence: Annotated[Cadence, Choice]
    recipients: Recipients | None = Field(
        default=None, description="Up to 50 addresses; left out, the account's contacts marked as report recipients."
    )
    anchor: Annotated[date, Choice] | None = Field(
        default=None, description="Bi-weekly only: a Monday that starts a period; left out, the Monday of the current week."
    )
    case_number: CaseNumber | None = Field(default=None, description="The case that asked for it (e.g. a Scheduled Report request).")


class SubscriptionChange(_AnchorRule):
    cadence: Annotated[Cadence, Choice] | None = None
    recipients: Recipients | None = Field(
        default=None,
        description="The whole list: addresses kept keep their status, new ones are added as on creation, missing ones "
        "removed, but one that unsubscribed stays (unsubscribed): named again, it is asked to confirm again.",
    )
    anchor: Annotated[date, Choice] | None = None
    paused: bool | None = Field(default=None, description="A paused subscription sends nothing until resumed.")


class RecipientAnswer(ApiModel):
    subscription_id: str
    account_name: str
    cadence: Cadence
    email: str
    status: RecipientStatus


class ReportRun(ApiModel):
    """A period's report delivered by a subscription; its CSV is archived (GET …/runs/{firstDay}/csv)."""

    subscription_id: str
    account_id: str
    cadence: Cadence
    first_day: date
    last_day: date
    label: str
    sent_at: UtcTimestamp
    opened: int
    closed: int
    open_at_end: int
    recipients: int = Field(description="Addresses the report was emailed to.")
    file_name: str


class ReportRunList(ApiModel):
    items: list[ReportRun]
