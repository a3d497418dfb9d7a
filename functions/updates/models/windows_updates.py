"""The Testing Department's catalog of Microsoft updates (docs/architecture.md, "Platform updates"): each KB is recorded
pending validation and then validated or rejected; only validated updates are applied to a customer's platform."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from functions.shared.clock import UtcTimestamp
from functions.shared.models import Actor, ApiModel, RequestModel
from functions.shared.text_limits import Choice, ShortText, utf8_bytes_at_most
from functions.shared.update_rules import KbStatus

KB_PATTERN = r"^KB\d{6,8}$"
Kb = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=KB_PATTERN)]
Product = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128), utf8_bytes_at_most(512)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000), utf8_bytes_at_most(4000)]


class Classification(StrEnum):
    """Microsoft Update's classifications."""

    CRITICAL = "Critical"
    SECURITY = "Security"
    DEFINITION = "Definition"
    UPDATE = "Update"
    FEATURE_PACK = "Feature Pack"
    SERVICE_PACK = "Service Pack"
    UPDATE_ROLLUP = "Update Rollup"
    DRIVER = "Driver"
    TOOL = "Tool"
    UPGRADE = "Upgrade"


class MsrcSeverity(StrEnum):
    """The Microsoft Security Response Center's severity rating."""

    CRITICAL = "Critical"
    IMPORTANT = "Important"
    MODERATE = "Moderate"
    LOW = "Low"


class NewWindowsUpdate(RequestModel):
    """A Microsoft update as Microsoft published it; it is recorded pending the Testing Department's validation."""

    kb: Kb = Field(description="The Knowledge Base article number, `KB` and 6 to 8 digits.", examples=["KB5034441"])
    title: ShortText = Field(description="Microsoft's title of the update.")
    classification: Annotated[Classification, Choice] = Field(description="Microsoft Update's classification.")
    msrc_severity: Annotated[MsrcSeverity, Choice] | None = Field(default=None, description="MSRC severity, when Microsoft gives one.")
    products: list[Product] = Field(default_factory=list, max_length=50, description="The products it applies to.")
    released_on: Annotated[date, Choice] = Field(
        ge=date(1995, 1, 1), le=date(2099, 12, 31), description="Microsoft's release date (e.g. a Patch Tuesday)."
    )

    @field_validator("products")
    @classmethod
    def _each_once(cls, products: list[str]) -> list[str]:
        return list(dict.fromkeys(products))


class ValidateRequest(RequestModel):
    """The Testing Department's validation: the update may be applied from now on. Send `{}` for no comment."""

    comment: Reason | None = Field(default=None, description="What the Testing Department wants recorded with the validation.")


class RejectRequest(RequestModel):
    """The Testing Department's rejection: the update is not applied."""

    reason: Reason = Field(description="Why the update is not applied; customers and engineers read it.")


class WindowsUpdate(ApiModel):
    """A Microsoft update in the catalog. Only `validated` updates are applied; `expectedOn` is when the Testing
    Department expects to have decided one still pending."""

    kb: str
    title: str
    classification: Classification
    msrc_severity: MsrcSeverity | None = None
    products: list[str] = Field(default_factory=list)
    released_on: date
    expected_on: date = Field(description="When the Testing Department is expected to have decided (release + the validation days).")
    status: KbStatus
    critical: bool = Field(description="Classification Critical or MSRC severity Critical: overdue validation is flagged.")
    rejection_reason: str | None = None
    comment: str | None = Field(default=None, description="The Testing Department's comment on its validation.")
    recorded_at: UtcTimestamp
    recorded_by: Actor
    decided_at: UtcTimestamp | None = None
    decided_by: Actor | None = None
    version: int


class WindowsUpdateList(ApiModel):
    items: list[WindowsUpdate] = Field(description="Newest release first.")
    next_token: str | None = Field(default=None, description="Pass as nextToken for the next page; null on the last.")


def is_critical(classification: Classification, severity: MsrcSeverity | None) -> bool:
    return classification is Classification.CRITICAL or severity is MsrcSeverity.CRITICAL
