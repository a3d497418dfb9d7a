"""The guide's rules for platform updates (the schedules and maintenance spec, "Windows updates" and "Releases, patches,
gateway updates"), as pure decisions: each returns the answer with the rule that gave it, so a refusal names the rule and
what would change it. The numbers are the guide's.

- **Windows updates**: only the Testing Department's validated Microsoft updates are applied.
- **Release upgrade**: at most one per account per contract quarter; for a known or new SCR or a wanted feature; refused
  when none applies, when the quarter's Release was already applied (naming its case and date, and the first day the
  next can be requested), or when no system-impacting issue drives it.
- **Patch**: for a known or new SCR; refused when the customer does not use the affected feature, or the SCR is not
  service affecting.
- **Gateway Service Update / firmware**: for a known or new SCR, a wanted feature, or a gateway 3 or more updates behind
  the current GA; refused when none applies, or when no system-impacting issue drives it.

Pure, and shared: the cases domain decides an installation request with them, the updates domain computes how far
behind GA a gateway is and when a Windows update's validation is expected (docs/architecture.md, "Platform updates")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from functions.shared.quarters import Quarter


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


BEHIND_GA_AT_LEAST = 3  # the guide: "3 or more Service Updates/Firmware Updates behind the current GA"
SCR_REASONS = (UpdateReason.KNOWN_SCR, UpdateReason.NEW_SCR)
ALLOWED = "allowed"


def windows_updates(updates: list[WindowsUpdate]) -> Decision:
    """Every KB asked for must be validated; the first that is not refuses the request, with when to expect it."""
    for update in updates:
        if update.status is KbStatus.VALIDATED:
            continue
        about = f"{update.kb} ({update.classification}, released {update.released_on.isoformat()})"
        if update.status is KbStatus.PENDING_VALIDATION:
            message = f"{about} is being validated by the Testing Department; expected from {update.expected_on.isoformat()}."
        elif update.status is KbStatus.REJECTED:
            message = f"{about} was rejected by the Testing Department ({update.rejection_reason or 'no reason given'}); it is not applied."
        else:
            message = f"{about} is superseded; request the update that replaces it."
        return Decision(False, f"kb_{update.status.value.replace('-', '_')}", message, "target.kbs")
    return Decision(True, ALLOWED, "Every update asked for is validated by the Testing Department.")


def release(reason: UpdateReason, *, system_impacting: bool, quarter: Quarter, applied: AppliedRelease | None) -> Decision:
    if reason not in (*SCR_REASONS, UpdateReason.FEATURE):
        return Decision(
            False, "no_release_criterion", "A Release is applied for a known or new SCR, or for a feature you want to use.", "reason"
        )
    if applied is not None:
        return Decision(
            False,
            "release_quota_used",
            f"A Release was already requested for this account in {quarter.label} (case {applied.case_number}, on "
            f"{applied.requested_on.isoformat()}); the next can be requested from {quarter.next_first_day.isoformat()}.",
            "kind",
        )
    if not system_impacting:
        return Decision(
            False, "not_system_impacting", "A Release is applied only when a system-impacting issue drives it.", "systemImpacting"
        )
    return Decision(True, ALLOWED, f"This Release uses the account's Release upgrade for {quarter.label}.")


def patch(reason: UpdateReason, *, feature_in_use: bool, service_affecting: bool) -> Decision:
    if reason not in SCR_REASONS:
        return Decision(False, "no_patch_criterion", "A Patch is applied for a service problem from a known or new SCR.", "reason")
    if not feature_in_use:
        return Decision(
            False, "feature_not_in_use", "The Patch is not applied: you do not use the feature its SCR affects.", "featureInUse"
        )
    if not service_affecting:
        return Decision(
            False, "scr_not_service_affecting", "The Patch is not applied: its SCR is not service affecting.", "serviceAffecting"
        )
    return Decision(True, ALLOWED, "The Patch fixes a service-affecting SCR in a feature you use.")


def gateway_update(reason: UpdateReason, *, system_impacting: bool, updates_behind: int) -> Decision:
    if reason is UpdateReason.BEHIND_GA:
        if updates_behind >= BEHIND_GA_AT_LEAST:
            return Decision(True, ALLOWED, f"The gateway is {updates_behind} updates behind the current GA.")
        return Decision(
            False,
            "not_behind_ga",
            f"The gateway is only {updates_behind} update{'s' if updates_behind != 1 else ''} behind the current GA; an update "
            f"for that reason needs {BEHIND_GA_AT_LEAST} or more (or name an SCR or a feature).",
            "reason",
        )
    if reason not in (*SCR_REASONS, UpdateReason.FEATURE):
        return Decision(
            False, "no_gateway_criterion", "A gateway update is applied for an SCR, a feature, or a gateway behind GA.", "reason"
        )
    if not system_impacting:
        return Decision(
            False, "not_system_impacting", "A gateway update is applied only when a system-impacting issue drives it.", "systemImpacting"
        )
    return Decision(True, ALLOWED, "The gateway update is for an SCR or a feature you want to use.")


def expected_validation(released_on: date, days: int = 7) -> date:
    """When the Testing Department is expected to have decided (the guide: critical updates take about a week)."""
    return released_on + timedelta(days=days)


def updates_behind(ga_updates: list[str], installed: str | None) -> int:
    """How many GA updates of its type a gateway lacks: the catalog lists them in release order (the last is the current
    GA). An installed update the catalog does not list (or none recorded) counts as behind every one of them."""
    if installed in ga_updates:
        return len(ga_updates) - 1 - ga_updates.index(installed)
    return len(ga_updates)
