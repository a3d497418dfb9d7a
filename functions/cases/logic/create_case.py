"""Opening a case: the guide's web and phone rules, sequential numbers, at-most-once per Idempotency-Key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from functions.cases.logic.case_store import CaseStore
from functions.cases.logic.change_case import as_text, field_name
from functions.cases.logic.events import case_events
from functions.cases.logic.response_targets import response_due
from functions.cases.logic.service_requests import check_mac_contact, service_request_details
from functions.cases.logic.timers import reconcile_timers
from functions.cases.models.actions import CaseAction
from functions.cases.models.case import NEW_CASE_SUB_STATUS, WEB_PRIORITIES, Case, Channel, Priority, Status
from functions.cases.models.lifecycle import FieldChange, HistoryEntry
from functions.cases.models.records import Account, IdempotencyKeyTaken
from functions.cases.models.requests import NewAdminCase, NewCaseMaintenanceWindow, NewProactiveCase, NewServiceRequest, NewSupportCase
from functions.shared.auth import Caller
from functions.shared.clock import to_iso
from functions.shared.contracts import InstallationNotice, MaintenanceNotice, Opened
from functions.shared.domain_event import DomainEvent
from functions.shared.errors import Forbidden, NotFound, ServiceUnavailable, Unauthorized, ValidationFailed
from functions.shared.idempotency import IdempotencyRecord, idempotent_request, replayable
from functions.shared.models import Actor

SUPPORT_PHONE_NUMBERS = "1-866-794-3423 or 1-317-715-8686"
CASE_NUMBER_DIGITS = 10


@dataclass(frozen=True)
class CreatedCase:
    case: Case
    replayed: bool  # True when an earlier request with the same Idempotency-Key created it


def format_case_number(sequence: int) -> str:
    return str(sequence).zfill(CASE_NUMBER_DIGITS)


def create_case(
    request: NewSupportCase | NewAdminCase | NewServiceRequest | NewProactiveCase,
    caller: Caller,
    *,
    idempotency_key: str | None,
    store: CaseStore,
    now: datetime,
) -> CreatedCase:
    """Every refusal happens before the first write, so a refused request leaves no trace."""
    proactive = isinstance(request, NewProactiveCase)
    if isinstance(request, NewProactiveCase):
        _check_proactive(request, caller)
    account_id, contact_id, channel = _requester(request, caller)
    if proactive:
        channel = Channel.MONITORING  # support opened it from monitoring telemetry, not on a call
    service_request = service_request_details(request, caller) if isinstance(request, NewServiceRequest) else {}
    if channel is Channel.WEB and request.priority not in WEB_PRIORITIES:
        raise _phone_required(request.priority)

    idempotency = idempotent_request(caller, idempotency_key, "POST /cases", request.model_dump(mode="json"), now)
    # The account too for a customer's own case: its region files the case in its region's queue.
    record, account = store.read_before_create(idempotency.scope_key if idempotency else None, account_id)
    if replay := replayable(record, idempotency, now):
        return _replay(replay, store)
    if isinstance(request, NewSupportCase) and request.maintenance_window is not None:  # after a replay: its answer stands
        _check_maintenance_window(request.maintenance_window, now)
    if caller.is_staff:
        known = _check_contact(account, account_id, contact_id)
        if service_request:
            check_mac_contact(known, contact_id)

    due = response_due(now, request.priority)
    case = Case(
        case_number=format_case_number(store.next_case_number()),
        case_type=request.case_type,
        account_id=account_id,
        contact_id=contact_id,
        opened_by=caller.user_id,
        channel=channel,
        status=Status.OPEN,
        sub_status=NEW_CASE_SUB_STATUS,
        priority=request.priority,
        subject=request.subject,
        description=request.description,
        created_at=now,
        modified_at=now,
        version=1,
        response_due_at=due.due_at,
        response_rule=due.rule,
        # The engineer is answering the call; a proactive case is support's own first word to the customer.
        first_response_at=now if channel is Channel.PHONE or proactive else None,
        region=account.region if account else None,
        **request.model_dump(exclude={"case_type", "subject", "description", "priority", "on_behalf_of", "mac_type", "fields"}),
        **service_request,
    )
    case, opened, events = opening(case, caller, now)
    try:
        store.create_case(case, opened, events, idempotency=idempotency, rate_limited=caller.user_id, now=now)
    except IdempotencyKeyTaken:
        if idempotency is None:  # never: only a request with a key can find its key taken
            raise
        # A concurrent retry committed first: answer with its case (this number stays unused).
        record, _ = store.read_before_create(idempotency.scope_key, None)
        if replay := replayable(record, idempotency, now):
            return _replay(replay, store)
        raise ServiceUnavailable("Another request with this Idempotency-Key is opening this case; retry in a few seconds.") from None
    return CreatedCase(case, replayed=False)


def opening(case: Case, caller: Caller, now: datetime) -> tuple[Case, HistoryEntry, list[DomainEvent]]:
    """A new case with its timers (the response escalation starts here), its first history entry and its
    events (CaseCreated, then each timer's CaseTimerStarted)."""
    timers, timer_events = reconcile_timers(None, case, CaseAction.OPENED, now)
    case = case.with_timers(timers)
    opened = HistoryEntry(
        entry_id="1",
        action=CaseAction.OPENED,
        actor=Actor.of(caller),
        at=now,
        changes=[
            FieldChange(field=field_name(name), to_value=as_text(getattr(case, name))) for name in ("status", "sub_status", "priority")
        ],
    )
    # Other cases' events go without these fields.
    extras = {"maintenance_window": maintenance_notice(case), "installation": installation_notice(case)}
    announced = Opened(**{name: value for name, value in extras.items() if value is not None})
    return case, opened, case_events(case, caller, now, [announced, *timer_events])


def maintenance_notice(case: Case) -> MaintenanceNotice | None:
    """What a maintenance case's CaseCreated tells the alerts domain, which puts monitoring into maintenance mode from it."""
    window = case.maintenance_window
    if window is None:
        return None
    return MaintenanceNotice(starts_at=window.starts_at, ends_at=window.ends_at, devices=window.devices)


def installation_notice(case: Case) -> InstallationNotice | None:
    """What an installation case's CaseCreated says of the installation (the notifications tell its contact)."""
    installation = case.installation
    if installation is None:
        return None
    return InstallationNotice(
        kind=installation.kind.value,
        reason=installation.reason.value,
        target=installation.target,
        resolves_cases=installation.resolves_cases,
    )


def _check_maintenance_window(window: NewCaseMaintenanceWindow, now: datetime) -> None:
    """The window's own rules are its model's; whether it is still to come needs the time."""
    if window.ends_at <= now:
        raise ValidationFailed(
            f"endsAt ({to_iso(window.ends_at)}) has passed: a maintenance window must end in the future. For maintenance already "
            "over, open the case without maintenanceWindow.",
            field="maintenanceWindow.endsAt",
        )


def _check_proactive(request: NewProactiveCase, caller: Caller) -> None:
    """Proactive cases (the vendor guide: engineers open them from monitoring telemetry) are support's, for a
    contact, at 4-Low or 3-Medium."""
    if not caller.is_staff:
        raise Forbidden(
            "Proactive cases are opened by support engineers from monitoring; to tell us about a problem, open a Support case "
            '("caseType": "Support").',
            field="caseType",
            code="proactive_staff_only",
        )
    if request.priority not in WEB_PRIORITIES:
        raise ValidationFailed(
            f"A Proactive case is 4-Low or 3-Medium, not {request.priority.value}; for an outage open a Support case at the "
            "priority it needs.",
            field="priority",
        )


def _requester(request: NewSupportCase | NewAdminCase | NewServiceRequest | NewProactiveCase, caller: Caller) -> tuple[str, str, Channel]:
    """Whose case it is and how it reached us: customers open their own on the web; staff record a
    phone call for a customer contact."""
    target = request.on_behalf_of
    if caller.is_staff:
        if not target:
            raise ValidationFailed(
                "Support staff must say whose case this is: give onBehalfOf.accountId and onBehalfOf.contactId.", field="onBehalfOf"
            )
        return target.account_id, target.contact_id, Channel.PHONE
    if target and target.account_id != caller.account_id:
        raise NotFound(f"Account {target.account_id} is not one of yours.", field="onBehalfOf.accountId")
    if target:
        raise Forbidden("onBehalfOf is for support engineers taking a call; leave it out to open a case for yourself.", field="onBehalfOf")
    if not (caller.account_id and caller.contact_id):  # never: caller_from_claims refuses such a customer
        raise Unauthorized("Your user is not linked to a customer account and contact; ask your Technical Account Manager.")
    return caller.account_id, caller.contact_id, Channel.WEB


def _phone_required(priority: Priority) -> ValidationFailed:
    return ValidationFailed(
        f"A {priority.value} case must be opened by phone: call {SUPPORT_PHONE_NUMBERS} and enter your PIN. "
        "On the web choose 4-Low or 3-Medium.",
        field="priority",
        code="priority_requires_phone",
    )


def _check_contact(account: Account | None, account_id: str, contact_id: str) -> Account:
    if account is None:
        raise NotFound(f"Account {account_id} does not exist; check the account id.", field="onBehalfOf.accountId")
    if contact_id not in account.contacts:
        raise ValidationFailed(f"Contact {contact_id} is not a contact of account {account_id}.", field="onBehalfOf.contactId")
    return account


def _replay(record: IdempotencyRecord, store: CaseStore) -> CreatedCase:
    """The case the key's first request created, as it is now (its events went out with its creation)."""
    case = store.get_case(record.result_id)
    if case is None:  # never: cases are not deleted
        raise ServiceUnavailable(f"Case {record.result_id} of this Idempotency-Key could not be read; retry in a few seconds.")
    return CreatedCase(case, replayed=True)
