"""Installation requests (docs/architecture.md, "Platform updates"): an engineer asks to install a Windows update, a
Release, a Patch or a gateway update; the guide's rules (functions/shared/update_rules.py) decide from the updates
domain's catalogs (read through functions/shared/dal/platform_view.py) and the account's entitlements. An accepted
request is ONE transaction: the installation case (a Service Request the engineers work), the entitlement marker it
uses (a Release a contract quarter, a gateway update a contract year), and every open case it resolves closed as
Resolved referencing it. Any of those cases changed meanwhile refuses the whole request, naming it; a refusal writes
nothing. Customers' own requests arrive as cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from functions.cases.logic.change_case import prepare_change
from functions.cases.logic.create_case import format_case_number, opening
from functions.cases.logic.lifecycle import close_by_installation
from functions.cases.logic.response_targets import response_due
from functions.cases.models.case import NEW_CASE_SUB_STATUS, Case, CaseInstallation, CaseType, Channel, Priority, Status
from functions.cases.models.installations import InstallationAccepted, InstallationRequest, RuleAnswer
from functions.cases.models.lifecycle import HistoryEntry, PreparedChange
from functions.cases.models.records import Account, IdempotencyKeyTaken, QuotaMarker, QuotaTaken, ResolvedCaseChanged, StaleCase
from functions.shared.auth import Caller
from functions.shared.dal.platform_view import PlatformFacts
from functions.shared.domain_event import DomainEvent
from functions.shared.errors import Conflict, Forbidden, NotFound, ServiceUnavailable, ValidationFailed
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest, idempotent_request, replayable
from functions.shared.quarters import contract_year_of, eastern_day, quarter_of
from functions.shared.update_rules import (
    ALLOWED,
    AppliedRelease,
    Decision,
    UpdateKind,
    WindowsUpdate,
    gateway_update,
    patch,
    release,
    updates_behind,
    windows_updates,
)

ROUTE = "POST /maintenance/requests"
MAX_TRANSACTION_ITEMS = 100  # DynamoDB's TransactWriteItems
MAX_ATTEMPTS = 3
# Refusals about what already happened (a KB not validated yet, an entitlement used) are 409; the rest say the request
# does not meet a rule (422).
CONFLICT_CODES = ("kb_pending_validation", "kb_rejected", "kb_superseded", "release_quota_used", "gateway_quota_used", "not_entitled")


class InstallationStore(Protocol):
    def next_case_number(self) -> int: ...

    def read_before_installation(
        self, idempotency_scope: str | None, account_id: str, case_numbers: list[str]
    ) -> tuple[IdempotencyRecord | None, Account | None, dict[str, Case]]:
        """The Idempotency-Key's record (None: unused), the account and the named cases that exist."""

    def quota_markers(self, account_id: str, prefix: str) -> list[QuotaMarker]: ...

    def platform(self, account_id: str) -> PlatformFacts | None: ...

    def windows_updates(self, kbs: list[str]) -> dict[str, WindowsUpdate]: ...

    def gateway_catalogs(self, gateway_types: set[str]) -> dict[str, list[str]]: ...

    def create_installation(
        self,
        case: Case,
        history: HistoryEntry,
        events: list[DomainEvent],
        closures: list[PreparedChange],
        *,
        quota: QuotaMarker | None,
        idempotency: tuple[IdempotentRequest, dict[str, Any]] | None,
        rate_limited: str,
        now: datetime,
    ) -> None:
        """One transaction; raises ResolvedCaseChanged (naming the case), QuotaTaken, IdempotencyKeyTaken, TooManyChanges."""

    def get_case(self, case_number: str) -> Case | None: ...


@dataclass(frozen=True)
class Ruling:
    decision: Decision
    quota: QuotaMarker | None  # the entitlement an accepted request uses


def check_installation(request: InstallationRequest, caller: Caller, *, store: InstallationStore, now: datetime) -> RuleAnswer:
    """The rules' answer without writing anything (the portal shows it before the engineer submits)."""
    _check_staff(caller)
    _, account, resolved = store.read_before_installation(None, request.account_id, request.resolves_cases)
    _check_request(request, account, resolved)
    decision = _rule(request, store, now).decision
    return RuleAnswer(code=decision.code, message=decision.message)


def request_installation(
    request: InstallationRequest, caller: Caller, *, idempotency_key: str | None, store: InstallationStore, now: datetime
) -> tuple[InstallationAccepted, bool]:
    """The installation case and the cases it closed, and whether an earlier request with the same key made them."""
    _check_staff(caller)
    idempotency = idempotent_request(caller, idempotency_key, ROUTE, request.model_dump(mode="json"), now)
    for _ in range(MAX_ATTEMPTS):
        stored, account, resolved = store.read_before_installation(
            idempotency.scope_key if idempotency else None, request.account_id, request.resolves_cases
        )
        if replay := replayable(stored, idempotency, now):
            return _replayed(replay.answer or {}, store), True
        account, contact_id = _check_request(request, account, resolved)
        ruling = _rule(request, store, now)
        case_number = format_case_number(store.next_case_number())
        case, history, events = opening(_installation_case(request, caller, account, contact_id, ruling, case_number, now), caller, now)
        closures = [
            prepare_change(resolved[number], close_by_installation(resolved[number], case_number, request.target_text(), now), caller, now)
            for number in request.resolves_cases
        ]
        _check_size(events, closures, ruling, idempotency)
        answer = InstallationAccepted(
            case=case,
            resolved_cases=[closure.after for closure in closures],
            rule=RuleAnswer(code=ruling.decision.code, message=ruling.decision.message),
        )
        try:
            store.create_installation(
                case,
                history,
                events,
                closures,
                quota=ruling.quota,
                idempotency=(idempotency, _kept(answer)) if idempotency else None,
                rate_limited=caller.user_id,
                now=now,
            )
        except ResolvedCaseChanged as changed:
            raise Conflict(
                f"Case {changed.case_number} changed while the installation was being requested; nothing was written. Check "
                "that it is still resolved by this installation, then send the request again.",
                field="resolvesCases",
                code="resolved_case_changed",
            ) from None
        except (QuotaTaken, IdempotencyKeyTaken, StaleCase):
            # Another request took the entitlement or the key first, or a concurrent write touched one of the items:
            # decide again (its answer, or the refusal).
            continue
        return answer, False
    raise ServiceUnavailable("Other requests for this account are being decided at the same time; retry with the same Idempotency-Key.")


def _kept(answer: InstallationAccepted) -> dict[str, Any]:
    """What the Idempotency-Key's record keeps: the case numbers and the rule, not the cases (48 of them with their
    descriptions would pass DynamoDB's 400 KB an item)."""
    return {
        "case": answer.case.case_number,
        "resolvedCases": [case.case_number for case in answer.resolved_cases],
        "rule": answer.rule.model_dump(mode="json"),
    }


def _replayed(kept: dict[str, Any], store: InstallationStore) -> InstallationAccepted:
    """A replay's answer: the cases as they are now (their events went out with the first request)."""
    cases = [store.get_case(number) for number in (kept["case"], *kept["resolvedCases"])]
    found = [case for case in cases if case is not None]
    if len(found) != len(cases):  # never: cases are not deleted
        raise ServiceUnavailable("The cases of this Idempotency-Key could not be read; retry in a few seconds.")
    return InstallationAccepted(case=found[0], resolved_cases=found[1:], rule=RuleAnswer.model_validate(kept["rule"]))


def _check_staff(caller: Caller) -> None:
    if not caller.is_staff:
        raise Forbidden(
            "Installation requests are made by support engineers. To ask for an update, open a Service Request or a Support "
            "case saying what you need and why.",
            code="installation_staff_only",
        )


def _check_request(request: InstallationRequest, account: Account | None, resolved: dict[str, Case]) -> tuple[Account, str]:
    """Refusals that need no rule: the account, the contact and the cases to close. Answers the account and the contact."""
    if account is None:
        raise NotFound(f"Account {request.account_id} does not exist; check the account id.", field="accountId")
    for number in request.resolves_cases:
        case = resolved.get(number)
        if case is None or case.account_id != request.account_id:
            raise ValidationFailed(
                f"Case {number} is not a case of account {request.account_id}; resolvesCases names the account's own open cases.",
                field="resolvesCases",
                code="case_not_of_account",
            )
        if case.status is Status.CLOSED:
            raise Conflict(f"Case {number} is already closed; leave it out of resolvesCases.", field="resolvesCases", code="case_closed")
    contact_id = request.contact_id or (resolved[request.resolves_cases[0]].contact_id if request.resolves_cases else None)
    if contact_id is None:
        raise ValidationFailed(
            "Say whose installation case it is: give contactId (or resolvesCases, whose first case's contact it takes).",
            field="contactId",
        )
    if contact_id not in account.contacts:
        raise ValidationFailed(
            f"Contact {contact_id} is not a contact of account {request.account_id}; give the contactId of one of its contacts.",
            field="contactId",
        )
    return account, contact_id


def _rule(request: InstallationRequest, store: InstallationStore, now: datetime) -> Ruling:
    """The guide's rule for the request's kind; a refusal is raised as the API's 409 or 422 with the rule's words."""
    platform = store.platform(request.account_id) or PlatformFacts(account_id=request.account_id)
    today = eastern_day(now)
    quota = None
    match request.kind:
        case UpdateKind.WINDOWS_UPDATE:
            decision = windows_updates(_windows_updates(request.target.kbs or [], store))
        case UpdateKind.RELEASE:
            quarter = quarter_of(today, platform.fiscal_year_start_month)
            used, quota = _entitlement(
                store,
                request,
                "RELEASE",
                quarter.first_day,
                platform.release_upgrades_per_quarter,
                f"Release upgrade, {quarter.label}",
                now,
            )
            applied = AppliedRelease(used[0].case_number, eastern_day(used[0].requested_at)) if quota is None and used else None
            decision = release(request.reason, system_impacting=request.system_impacting, quarter=quarter, applied=applied)
            if decision.allowed and quota is None:
                decision = _not_entitled(request.account_id, "Release upgrades a quarter", "releaseUpgradesPerQuarter")
        case UpdateKind.PATCH:
            decision = patch(request.reason, feature_in_use=bool(request.feature_in_use), service_affecting=bool(request.service_affecting))
        case _:
            decision = gateway_update(
                request.reason, system_impacting=request.system_impacting, updates_behind=_fewest_behind(request, platform, store)
            )
            if decision.allowed:
                year = contract_year_of(today, platform.fiscal_year_start_month)
                label = f"gateway update, contract year {year.label}"
                used, quota = _entitlement(
                    store, request, "GATEWAY", year.first_day, platform.gateway_updates_per_contract_year, label, now
                )
                if quota is None and not used:
                    decision = _not_entitled(request.account_id, "gateway updates a contract year", "gatewayUpdatesPerContractYear")
                elif quota is None:
                    decision = Decision(
                        False,
                        "gateway_quota_used",
                        f"The account's gateway updates for contract year {year.label} are used (case {used[0].case_number}, on "
                        f"{eastern_day(used[0].requested_at).isoformat()}); the next can be requested from "
                        f"{year.next_first_day.isoformat()}.",
                        "kind",
                    )
    if not decision.allowed:
        error = Conflict if decision.code in CONFLICT_CODES else ValidationFailed
        raise error(decision.message, field=decision.field, code=decision.code)
    return Ruling(decision, quota if decision.code == ALLOWED else None)


def _not_entitled(account_id: str, what: str, field: str) -> Decision:
    return Decision(
        False,
        "not_entitled",
        f"Account {account_id}'s contract includes no {what} ({field} is 0 on its platform); if the contract changed, staff "
        f"set it at PUT /accounts/{account_id}/platform.",
        "kind",
    )


def _entitlement(
    store: InstallationStore, request: InstallationRequest, kind: str, first_day: date, allowed: int, label: str, now: datetime
) -> tuple[list[QuotaMarker], QuotaMarker | None]:
    """The markers of the period already used, and the free one this request would take (None: all used)."""
    prefix = f"{kind}#{first_day.isoformat()}#"
    used = store.quota_markers(request.account_id, prefix)
    taken = {marker.sort_key for marker in used}
    free = next((f"{prefix}{slot}" for slot in range(1, allowed + 1) if f"{prefix}{slot}" not in taken), None)
    return used, QuotaMarker(free, "", label, now) if free else None


def _windows_updates(kbs: list[str], store: InstallationStore) -> list[WindowsUpdate]:
    known = store.windows_updates(kbs)
    if missing := [kb for kb in kbs if kb not in known]:
        raise ValidationFailed(
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not in the Testing Department's catalog; they record "
            "Microsoft's updates at POST /maintenance/windows-updates before any is validated.",
            field="target.kbs",
            code="kb_unknown",
        )
    return [known[kb] for kb in kbs]


def _fewest_behind(request: InstallationRequest, platform: PlatformFacts, store: InstallationStore) -> int:
    """How far behind GA the least-behind gateway named is (behind-ga needs every one 3 or more behind)."""
    gateways = platform.gateways or {}
    if missing := [gateway for gateway in request.target.gateways or [] if gateway not in gateways]:
        raise ValidationFailed(
            f"Gateway {missing[0]} is not on account {request.account_id}'s platform; record it at "
            f"PUT /accounts/{request.account_id}/platform first.",
            field="target.gateways",
            code="gateway_unknown",
        )
    named = [gateways[gateway] for gateway in request.target.gateways or []]
    catalogs = store.gateway_catalogs({gateway.gateway_type for gateway in named})
    if missing_types := sorted({gateway.gateway_type for gateway in named} - set(catalogs)):
        raise ValidationFailed(
            f"No GA catalog is kept for gateway type {missing_types[0]}, so how far behind GA it is is unknown; staff record its "
            f"updates at PUT /maintenance/gateway-catalog/{missing_types[0]} first.",
            field="target.gateways",
            code="gateway_catalog_unknown",
        )
    return min(updates_behind(catalogs[gateway.gateway_type], gateway.installed_update) for gateway in named)


def _installation_case(
    request: InstallationRequest, caller: Caller, account: Account, contact_id: str, ruling: Ruling, case_number: str, now: datetime
) -> Case:
    target = request.target_text()
    why = {"known-scr": "known SCR", "new-scr": "new SCR", "feature": "feature", "behind-ga": "behind GA"}[request.reason.value]
    lines = [
        f"Install {target} on account {account.name} ({account.account_id}).",
        f"Reason: {why}" + (f" ({', '.join(request.scrs)})" if request.scrs else f" ({request.feature})" if request.feature else "") + ".",
        f"Rule: {ruling.decision.message}",
    ]
    if request.resolves_cases:
        lines.append(f"Resolves and closes: {', '.join(request.resolves_cases)}.")
    if request.notes:
        lines += ["", request.notes]
    quota = ruling.quota
    due = response_due(now, Priority.MEDIUM)
    return Case(
        case_number=case_number,
        case_type=CaseType.SERVICE_REQUEST,
        account_id=account.account_id,
        contact_id=contact_id,
        opened_by=caller.user_id,
        channel=Channel.PHONE,  # an engineer's, as a call taken for the customer
        status=Status.OPEN,
        sub_status=NEW_CASE_SUB_STATUS,
        priority=Priority.MEDIUM,
        subject=f"Installation: {target}"[:255],
        description="\n".join(lines),
        created_at=now,
        modified_at=now,
        version=1,
        response_due_at=due.due_at,
        response_rule=due.rule,
        first_response_at=now,  # support's own case: no first response to wait for
        region=account.region,
        installation=CaseInstallation(
            kind=request.kind,
            reason=request.reason,
            target=target,
            scrs=list(request.scrs),
            feature=request.feature,
            resolves_cases=list(request.resolves_cases),
            quota=quota.period if quota else None,
            quota_key=quota.sort_key if quota else None,
        ),
    )


def _check_size(events: list[DomainEvent], closures: list[PreparedChange], ruling: Ruling, idempotency: IdempotentRequest | None) -> None:
    """Every item the transaction writes: the case, its history and events, the marker, the key, the change count, and
    each closed case with its history, update and events (each event is an outbox item)."""
    fixed = 2 + len(events) + (ruling.quota is not None) + (idempotency is not None) + 1
    per_closure = [2 + (closure.update is not None) + len(closure.events) for closure in closures]
    items = fixed + sum(per_closure)
    if items > MAX_TRANSACTION_ITEMS:
        room = (MAX_TRANSACTION_ITEMS - fixed) // max(per_closure)
        raise ValidationFailed(
            f"Closing {len(closures)} cases with the installation needs {items} writes in one transaction, over DynamoDB's "
            f"{MAX_TRANSACTION_ITEMS}; name at most {room} cases in resolvesCases and close the others with a second request.",
            field="resolvesCases",
            code="too_many_resolved_cases",
        )
