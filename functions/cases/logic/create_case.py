"""Opening a case: the guide's web and phone rules, sequential numbers, at-most-once per Idempotency-Key."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from functions.cases.dal.case_repository import CaseRepository, IdempotencyKeyTaken, IdempotencyRecord, UnknownContact
from functions.cases.logic.events import CASE_CREATED, EventPublisher, case_event_detail
from functions.cases.models.case import NEW_CASE_SUB_STATUS, WEB_PRIORITIES, Case, Channel, Priority, Status
from functions.cases.models.requests import NewAdminCase, NewSupportCase
from functions.shared.auth import Caller
from functions.shared.clock import to_iso
from functions.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed

SUPPORT_PHONE_NUMBERS = "1-866-794-3423 or 1-317-715-8686"
IDEMPOTENCY_WINDOW = timedelta(hours=24)
CASE_NUMBER_DIGITS = 10


@dataclass(frozen=True)
class CreatedCase:
    case: Case
    replayed: bool  # True when an earlier request with the same Idempotency-Key created it


def format_case_number(sequence: int) -> str:
    return str(sequence).zfill(CASE_NUMBER_DIGITS)


def create_case(
    request: NewSupportCase | NewAdminCase,
    caller: Caller,
    *,
    idempotency_key: str | None,
    repository: CaseRepository,
    events: EventPublisher,
    now: datetime,
) -> CreatedCase:
    account_id, contact_id, channel = _requester(request, caller)
    _check_priority(request.priority, channel)

    record = None
    if idempotency_key:
        scope_key = f"IDEMPOTENCY#{caller.user_id}#create-case#{idempotency_key}"
        request_hash = hashlib.sha256(
            json.dumps(request.model_dump(mode="json"), sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()
        if replay := _replay(scope_key, request_hash, repository, events, caller, now):
            return replay

    stamp = to_iso(now)
    form = request.model_dump(exclude={"case_type", "subject", "description", "priority", "channel", "on_behalf_of"})
    case = Case(
        case_number=format_case_number(repository.next_case_number()),
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
        created_at=stamp,
        modified_at=stamp,
        version=1,
        **form,
    )
    if idempotency_key:
        record = IdempotencyRecord(scope_key, request_hash, case.case_number, now + IDEMPOTENCY_WINDOW)
    try:
        repository.create_case(case, record, now=now, check_contact=caller.is_staff)
    except UnknownContact:
        raise _unknown_contact(account_id, contact_id, repository) from None
    except IdempotencyKeyTaken:
        # A concurrent retry committed first: answer with its case (this number stays unused).
        return _replay(scope_key, request_hash, repository, events, caller, now)
    events.publish(CASE_CREATED, case_event_detail(case, caller, stamp))
    return CreatedCase(case, replayed=False)


def _requester(request: NewSupportCase | NewAdminCase, caller: Caller) -> tuple[str, str, Channel]:
    """Whose case it is and how it reached us; customers only ever open their own on the web."""
    if not caller.is_staff:
        if request.on_behalf_of:
            if request.on_behalf_of.account_id != caller.account_id:
                raise NotFound(f"Account {request.on_behalf_of.account_id} is not one of yours.", field="onBehalfOf.accountId")
            raise Forbidden(
                "onBehalfOf is for support engineers taking a call; leave it out to open a case for yourself.", field="onBehalfOf"
            )
        if request.channel is Channel.PHONE:
            raise Forbidden(
                f"Phone cases are recorded by support engineers; call {SUPPORT_PHONE_NUMBERS} or open a web case.", field="channel"
            )
        return caller.account_id, caller.contact_id, Channel.WEB
    if not request.on_behalf_of:
        raise ValidationFailed(
            "Support staff must say whose case this is: give onBehalfOf.accountId and onBehalfOf.contactId.", field="onBehalfOf"
        )
    return request.on_behalf_of.account_id, request.on_behalf_of.contact_id, request.channel or Channel.PHONE


def _unknown_contact(account_id: str, contact_id: str, repository: CaseRepository) -> Exception:
    """Which half of onBehalfOf was wrong; read only after the transaction refused it."""
    if repository.get_account(account_id) is None:
        return NotFound(f"Account {account_id} does not exist; check the account id.", field="onBehalfOf.accountId")
    return ValidationFailed(f"Contact {contact_id} is not a contact of account {account_id}.", field="onBehalfOf.contactId")


def _check_priority(priority: Priority, channel: Channel) -> None:
    if channel is Channel.WEB and priority not in WEB_PRIORITIES:
        raise ValidationFailed(
            f"A {priority.value} case must be opened by phone: call {SUPPORT_PHONE_NUMBERS} and enter your PIN. "
            "On the web choose 4-Low or 3-Medium.",
            field="priority",
            code="priority_requires_phone",
        )


def _replay(
    scope_key: str, request_hash: str, repository: CaseRepository, events: EventPublisher, caller: Caller, now: datetime
) -> CreatedCase | None:
    record = repository.find_idempotency_record(scope_key)
    if record is None or record.expires_at <= now:
        return None
    if record.request_hash != request_hash:
        raise Conflict(
            "This Idempotency-Key was already used for a different request; use a new key for a new case.",
            field="Idempotency-Key",
            code="idempotency_key_reused",
        )
    case = repository.get_case(record.result_id)
    # Publish again: the first attempt may have failed after its commit, and consumers tolerate duplicates.
    events.publish(CASE_CREATED, case_event_detail(case, caller, case.created_at))
    return CreatedCase(case, replayed=True)
