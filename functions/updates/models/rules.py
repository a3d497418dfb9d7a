"""The guide's rules for changing a customer's platform, as data: what is asked, why, and the answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class UpdateKind(StrEnum):
    WINDOWS_UPDATE = "windows-update"
    RELEASE = "release"
    PATCH = "patch"
    GATEWAY_UPDATE = "gateway-update"


class UpdateReason(StrEnum):
    KNOWN_SCR = "known-scr"  # a service problem from a known Software Change Request
    NEW_SCR = "new-scr"  # a service problem from a new one
    FEATURE = "feature"  # the customer wants a feature the update brings
    BEHIND_GA = "behind-ga"  # a gateway 3 or more updates behind the current GA (gateway updates only)


class KbStatus(StrEnum):
    PENDING_VALIDATION = "pending-validation"
    VALIDATED = "validated"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class Decision:
    """The rule's answer: allowed, or refused with the rule that refused it (`code`), what to do (`message`) and
    the request's field it concerns."""

    allowed: bool
    code: str
    message: str
    field: str | None = None


@dataclass(frozen=True)
class AppliedRelease:
    """The Release installation that used an account's quarter: its case and when it was requested."""

    case_number: str
    requested_on: date


@dataclass(frozen=True)
class WindowsUpdate:
    kb: str
    title: str
    classification: str  # Critical, Security, …
    released_on: date
    status: KbStatus
    expected_on: date  # the release date + 7 calendar days: when the Testing Department expects to decide
    rejection_reason: str | None = None
