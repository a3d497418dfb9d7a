"""Installation requests (docs/architecture.md, "Platform updates"): an engineer asks to install a Windows update, a
Release, a Patch or a gateway update on an account's platform; the guide's rules (functions/shared/update_rules.py)
decide, and an accepted request opens the installation case and closes the open cases it resolves."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from functions.cases.models.case import Case
from functions.shared.models import ApiModel, RequestModel
from functions.shared.text_limits import Choice, Identifier, LongText, ShortText
from functions.shared.update_rules import UpdateKind, UpdateReason

MAX_RESOLVED_CASES = 48  # the guide's installation closes what it resolves in one transaction (see installations.py)
MAX_TARGETS = 20
Kb = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[Kk][Bb]\d{6,8}$"), AfterValidator(str.upper)]
CaseNumberText = Annotated[str, StringConstraints(pattern=r"^\d{10}$")]


class InstallationTarget(RequestModel):
    """What is installed; the kind says which fields it needs."""

    kbs: list[Kb] | None = Field(
        default=None, min_length=1, max_length=MAX_TARGETS, description="windows-update: the Microsoft updates (KB numbers)."
    )
    release: ShortText | None = Field(default=None, description="release: the Release to upgrade to.")
    patch: ShortText | None = Field(default=None, description="patch: the patch to apply.")
    gateways: list[Identifier] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_TARGETS,
        description="gateway-update: the account's gateways (their ids on the account's platform).",
    )
    update: ShortText | None = Field(default=None, description="gateway-update: the Service Update or firmware to install.")


TARGET_FIELDS: dict[UpdateKind, tuple[str, ...]] = {
    UpdateKind.WINDOWS_UPDATE: ("kbs",),
    UpdateKind.RELEASE: ("release",),
    UpdateKind.PATCH: ("patch",),
    UpdateKind.GATEWAY_UPDATE: ("gateways", "update"),
}


class InstallationRequest(RequestModel):
    """An engineer's request to change an account's platform (customers' requests arrive as cases)."""

    account_id: Identifier
    contact_id: Identifier | None = Field(
        default=None, description="Whose installation case it is; default: the contact of the first case it resolves."
    )
    kind: Annotated[UpdateKind, Choice]
    reason: Annotated[UpdateReason, Choice] = Field(
        description="known-scr or new-scr (a service problem from a Software Change Request), feature (a feature the "
        "customer wants), behind-ga (a gateway 3 or more updates behind GA: gateway updates only)."
    )
    scrs: list[ShortText] = Field(default_factory=list, max_length=MAX_TARGETS, description="The SCRs, for known-scr and new-scr.")
    feature: ShortText | None = Field(default=None, description="The feature wanted, for the feature reason.")
    system_impacting: bool = Field(
        default=False, description="A system-impacting issue drives it (the guide's condition for Releases and gateway updates)."
    )
    feature_in_use: bool | None = Field(default=None, description="patch: the customer uses the feature the SCR affects.")
    service_affecting: bool | None = Field(default=None, description="patch: the SCR is service affecting.")
    target: InstallationTarget
    resolves_cases: list[CaseNumberText] = Field(
        default_factory=list,
        max_length=MAX_RESOLVED_CASES,
        description="Open cases of the account the installation resolves: closed as Resolved, referencing the installation case.",
    )
    notes: LongText | None = Field(default=None, description="What the engineers need to know; it goes into the case's description.")

    @model_validator(mode="after")
    def _complete(self) -> InstallationRequest:
        missing = [name for name in TARGET_FIELDS[self.kind] if getattr(self.target, name) is None]
        if missing:
            raise ValueError(f"a {self.kind.value} request names target.{' and target.'.join(missing)}")
        if self.reason in (UpdateReason.KNOWN_SCR, UpdateReason.NEW_SCR) and not self.scrs:
            raise ValueError(f"reason {self.reason.value} names its SCRs in scrs")
        if self.reason is UpdateReason.FEATURE and self.feature is None:
            raise ValueError("reason feature names the feature in feature")
        if self.kind is UpdateKind.PATCH and (self.feature_in_use is None or self.service_affecting is None):
            raise ValueError("a patch request says featureInUse and serviceAffecting")
        if len(set(self.resolves_cases)) != len(self.resolves_cases):
            raise ValueError("resolvesCases names a case twice")
        for name in ("kbs", "gateways"):
            named = getattr(self.target, name) or []
            if len(set(named)) != len(named):
                raise ValueError(f"target.{name} names one twice")
        return self

    def target_text(self) -> str:
        """What is installed, in words (the case's subject and the events')."""
        target = self.target
        match self.kind:
            case UpdateKind.WINDOWS_UPDATE:
                return f"Windows updates {', '.join(target.kbs or [])}"
            case UpdateKind.RELEASE:
                return f"Release {target.release}"
            case UpdateKind.PATCH:
                return f"Patch {target.patch}"
            case _:
                return f"{target.update} on gateway{'s' if len(target.gateways or []) > 1 else ''} {', '.join(target.gateways or [])}"


class RuleAnswer(ApiModel):
    code: str = Field(description="The rule that decided (allowed, or the refusal's code).")
    message: str


class InstallationAccepted(ApiModel):
    case: Case = Field(description="The installation case (a Service Request).")
    resolved_cases: list[Case] = Field(description="The cases it closed as Resolved.")
    rule: RuleAnswer
