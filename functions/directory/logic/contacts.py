"""An account's authorized contacts. Support staff manage every account's; a contact who is an account
administrator manages their own account's (not the administrator flag itself); the other contacts of the
account read names and roles; another account is 404. Every change is one transaction with the account (its
contacts map, which the API reads at request time), audited in the account's history, announced on the bus,
idempotent with an Idempotency-Key. Cognito mirrors the directory: its steps follow the commit and are repeatable
(functions/directory/logic/sign_in.py)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pydantic.alias_generators import to_camel

from functions.directory.logic import pins
from functions.directory.logic.accounts import staff_only, visible_account
from functions.directory.logic.ports import ContactStore
from functions.directory.logic.sign_in import MANAGED_GROUPS, IdentityProvider, InvitationSender, groups_of, provision
from functions.directory.models.accounts import Account, AccountFieldChange, AccountHistoryEntry
from functions.directory.models.contacts import (
    MAX_PIN_FAILURES,
    ContactAnswer,
    ContactChanges,
    ContactList,
    ContactRecord,
    NewContact,
    PinChange,
    PinCheck,
    PinVerification,
)
from functions.directory.models.records import EmailTaken, IdempotencyKeyTaken, IdentityUnavailable, StaleAccount
from functions.shared.auth import Caller
from functions.shared.contracts import Actor as ContractActor
from functions.shared.contracts import ContactAdded, ContactChanged
from functions.shared.dal.directory import ContactEntry, ContactStatus
from functions.shared.errors import BadRequest, Conflict, Forbidden, NotFound, ServiceUnavailable
from functions.shared.idempotency import IdempotentRequest, replayable
from functions.shared.models import Actor
from functions.shared.page_token import PageTokenCodec

MAX_ATTEMPTS = 3  # a change that lost a race is decided again on the account as it now is
AUDITED = ("name", "email", "phone", "status", "mac_authorized", "attendant_authorized", "account_administrator", "report_recipient")
# The guide's reason for the recommended maximum, quoted in the warning.
FEW_CONTACTS = (
    "the guide funnels support access through a few of your IT staff, ideally fewer than five people, so that "
    "every case is raised by someone who knows your platform"
)


@dataclass(frozen=True)
class SignInServices:
    """What mirrors a contact into Cognito and invites them (the saga's collaborators)."""

    identity: IdentityProvider
    invitations: InvitationSender
    portal_url: str


@dataclass(frozen=True)
class ContactChange:
    contact: ContactAnswer
    replayed: bool = False


@dataclass(frozen=True)
class _Decision:
    """What a change does to the contact: its new state, the history's action and the answer's warnings."""

    after: ContactRecord
    action: str
    warnings: list[str] = field(default_factory=list)
    extra_changes: list[AccountFieldChange] = field(default_factory=list)


Decide = Callable[[Account, ContactRecord | None], _Decision | None]


def list_contacts(
    account_id: str,
    caller: Caller,
    *,
    limit: int,
    next_token: str | None,
    store: ContactStore,
    page_tokens: Callable[[], PageTokenCodec],
) -> ContactList:
    account = visible_account(account_id, store.read_for_change(account_id, None, None)[0], caller)
    manages = _manages(account, caller)
    scope = f"{caller.user_id}|contacts|{account_id}"
    start_key = page_tokens().decode(next_token, scope=scope) if next_token else None
    contacts, next_key = store.list_contacts(account_id, limit=limit, start_key=start_key)
    return ContactList(
        items=[contact.answer(full=manages or contact.contact_id == caller.contact_id) for contact in contacts],
        next_token=page_tokens().encode(next_key, scope=scope) if next_key else None,
    )


def get_contact(
    account_id: str, contact_id: str, caller: Caller, *, store: ContactStore, sign_in: SignInServices, now: datetime
) -> ContactAnswer:
    """An invited contact who has since chosen their password is recorded as active on the way."""
    account, contact, _ = store.read_for_change(account_id, contact_id, None)
    account = visible_account(account_id, account, caller)
    contact = _contact(contact, contact_id)
    full = _manages(account, caller) or contact_id == caller.contact_id
    if full and contact.status is ContactStatus.INVITED and contact.sign_in_ready and _has_signed_in(sign_in, contact):
        return _change(account_id, contact_id, caller, None, store, now, _activate).contact
    return contact.answer(full=full)


def create_contact(
    account_id: str,
    request: NewContact,
    caller: Caller,
    *,
    idempotency: IdempotentRequest | None,
    store: ContactStore,
    sign_in: SignInServices,
    now: datetime,
) -> ContactChange:
    contact_id = request.contact_id or f"c-{secrets.token_hex(5)}"
    added: list[tuple[str, ContactRecord]] = []  # (the account's name, the contact) as committed

    def decide(account: Account, existing: ContactRecord | None) -> _Decision:
        _may_manage(account, caller, "add contacts")
        if request.account_administrator and not caller.is_staff:
            raise Forbidden("Only Dedicated Support makes a contact an account administrator; ask your Technical Account Manager.")
        if existing is not None:
            raise Conflict(f"Contact {contact_id} already exists; change it with PATCH.", field="contactId")
        contact = ContactRecord(
            account_id=account_id,
            contact_id=contact_id,
            name=request.name,
            email=request.email,
            phone=request.phone,
            status=ContactStatus.INVITED,
            mac_authorized=bool(request.mac_authorized),
            attendant_authorized=bool(request.attendant_authorized),
            account_administrator=bool(request.account_administrator),
            report_recipient=bool(request.report_recipient),
            added_by=Actor.of(caller),
            added_at=now,
            version=1,
        )
        added[:] = [(account.name, contact)]
        return _Decision(contact, "contact added", _capacity(account, contact_id, caller))

    change = _change(account_id, contact_id, caller, idempotency, store, now, decide, email=request.email)
    return _finish_sign_in(change, store, sign_in, None if change.replayed else added[0])


def change_contact(
    account_id: str,
    contact_id: str,
    changes: ContactChanges,
    caller: Caller,
    *,
    idempotency: IdempotentRequest | None,
    store: ContactStore,
    sign_in: SignInServices,
    now: datetime,
) -> ContactChange:
    sent = {name: getattr(changes, name) for name in changes.model_fields_set}
    cleared = [name for name, value in sent.items() if value is None and name != "phone"]
    if cleared:
        raise BadRequest(f"{to_camel(cleared[0])} cannot be null; leave it out to keep it.", field=to_camel(cleared[0]))
    mirrored: list[tuple[ContactRecord, ContactRecord]] = []

    def decide(account: Account, before: ContactRecord | None) -> _Decision | None:
        _may_manage(account, caller, "change contacts")
        before = _contact(before, contact_id)
        if "account_administrator" in sent and sent["account_administrator"] != before.account_administrator and not caller.is_staff:
            raise Forbidden("Only Dedicated Support grants or removes the account administrator role; ask your Technical Account Manager.")
        after = replace(before, **sent, version=before.version + 1)
        if not _differences(before, after):
            return None
        mirrored[:] = [(before, after)]
        return _Decision(after, "contact changed")

    change = _change(account_id, contact_id, caller, idempotency, store, now, decide, email=sent.get("email"))
    if change.replayed or not mirrored:
        return change
    before, after = mirrored[0]
    warnings = []
    if after.sign_in_ready:
        try:
            if before.email != after.email:
                sign_in.identity.change_email(before.email, after.email)
            if groups_of(before) != groups_of(after):
                sign_in.identity.set_groups(after.email, groups_of(after), set(MANAGED_GROUPS))
        except IdentityUnavailable:
            warnings.append(
                "Saved in the directory, which the API follows; the identity service did not take the change yet: "
                "send the same change again to update it."
            )
    return ContactChange(change.contact.model_copy(update={"warnings": change.contact.warnings + warnings}))


def disable_contact(
    account_id: str, contact_id: str, caller: Caller, *, store: ContactStore, sign_in: SignInServices, now: datetime
) -> ContactChange:
    """Directory first (the API refuses the contact within 60 s), then Cognito: disabled and signed out
    everywhere. Disabling a disabled contact repeats the Cognito steps only."""

    def decide(account: Account, before: ContactRecord | None) -> _Decision | None:
        _may_manage(account, caller, "disable contacts")
        before = _contact(before, contact_id)
        if contact_id == caller.contact_id and not caller.is_staff:
            raise Conflict("You cannot disable yourself; ask another administrator of your account or your Technical Account Manager.")
        if before.status is ContactStatus.DISABLED:
            return None
        warnings = []
        if contact_id in account.emergency_contact_ids:
            warnings.append(
                f"{before.name} is still one of the account's emergency contacts; PATCH /accounts/{account_id} "
                "with emergencyContactIds to name someone else."
            )
        return _Decision(
            replace(before, status=ContactStatus.DISABLED, disabled_at=now, version=before.version + 1), "contact disabled", warnings
        )

    change = _change(account_id, contact_id, caller, None, store, now, decide)
    try:
        sign_in.identity.disable(change.contact.email or "")
    except IdentityUnavailable:
        warning = (
            "Disabled in the directory: the API refuses this contact within 60 seconds. The identity service did not confirm "
            "the sign-out yet; disable again to repeat it."
        )
        return ContactChange(change.contact.model_copy(update={"warnings": [*change.contact.warnings, warning]}))
    return change


def enable_contact(
    account_id: str, contact_id: str, caller: Caller, *, store: ContactStore, sign_in: SignInServices, now: datetime
) -> ContactChange:
    seen: list[tuple[str, ContactRecord]] = []  # (the account's name, the contact as now in the directory)

    def decide(account: Account, before: ContactRecord | None) -> _Decision | None:
        _may_manage(account, caller, "enable contacts")
        before = _contact(before, contact_id)
        seen[:] = [(account.name, before)]
        if before.status is not ContactStatus.DISABLED:
            return None  # enabled already: only the Cognito step below is repeated
        status = ContactStatus.ACTIVE if before.sign_in_ready and _has_signed_in(sign_in, before) else ContactStatus.INVITED
        after = replace(before, status=status, disabled_at=None, version=before.version + 1)
        seen[:] = [(account.name, after)]
        return _Decision(after, "contact enabled", _capacity(account, contact_id, caller))

    change = _change(account_id, contact_id, caller, None, store, now, decide)
    warnings = list(change.contact.warnings)
    account_name, contact = seen[0]
    if contact.sign_in_ready:
        try:
            sign_in.identity.enable(contact.email)
        except IdentityUnavailable:
            warnings.append("Enabled in the directory; the identity service did not take it yet: enable again to repeat it.")
    else:
        warnings += provision(contact, account_name, **_saga(sign_in, store))
    return ContactChange(change.contact.model_copy(update={"warnings": warnings}))


def resend_invitation(
    account_id: str, contact_id: str, caller: Caller, *, store: ContactStore, sign_in: SignInServices, now: datetime
) -> ContactChange:
    """A new temporary password by email, for a contact who has not signed in yet (and finishes a sign-in whose
    provisioning stopped half-way)."""
    account, contact, _ = store.read_for_change(account_id, contact_id, None)
    account = visible_account(account_id, account, caller)
    _may_manage(account, caller, "invite contacts")
    contact = _contact(contact, contact_id)
    if contact.status is ContactStatus.DISABLED:
        raise Conflict(f"{contact.name} is disabled; POST …/contacts/{contact_id}/enable first.", code="contact_disabled")
    if contact.status is ContactStatus.ACTIVE or (contact.sign_in_ready and _has_signed_in(sign_in, contact)):
        if contact.status is ContactStatus.INVITED:
            _change(account_id, contact_id, caller, None, store, now, _activate)
        raise Conflict(
            f"{contact.name} has already signed in; a forgotten password is reset from the sign-in page.", code="already_signed_in"
        )
    warnings = provision(contact, account.name, **_saga(sign_in, store))
    return ContactChange((store.get_contact(account_id, contact_id) or contact).answer(full=True, warnings=warnings))


def set_pin(
    account_id: str, contact_id: str, request: PinChange, caller: Caller, *, store: ContactStore, pin_key: bytes, now: datetime
) -> None:
    """The contact sets or changes their own PIN; nobody else can, and nobody ever reads it back."""
    digest, salt = pins.new_pin_hash(pin_key, request.pin)

    def decide(account: Account, before: ContactRecord | None) -> _Decision:
        if caller.is_staff or caller.contact_id != contact_id:
            visible_account(account_id, account, caller)
            _contact(before, contact_id)
            raise Forbidden("Only the contact sets their own IVR PIN; they do it signed in as themselves.")
        before = _contact(before, contact_id)
        changed = AccountFieldChange(field="pin", from_value="set" if before.pin_hash else "not set", to_value="set")
        after = replace(before, pin_hash=digest, pin_salt=salt, pin_failures=0, version=before.version + 1)
        return _Decision(after, "contact PIN set", extra_changes=[changed])

    _change(account_id, contact_id, caller, None, store, now, decide)


def verify_pin(
    account_id: str, contact_id: str, request: PinCheck, caller: Caller, *, store: ContactStore, pin_key: bytes
) -> PinVerification:
    """An engineer on the phone checks the caller's PIN; 5 wrong ones lock it until staff unlock it."""
    for _ in range(MAX_ATTEMPTS):
        account, contact, _ = store.read_for_change(account_id, contact_id, None)
        account = visible_account(account_id, account, caller)
        contact = _contact(contact, contact_id)
        staff_only(caller, "verify a caller's PIN")
        if contact.pin_hash is None or contact.pin_salt is None:
            raise Conflict(f"{contact.name} has not set an IVR PIN; verify them another way.", code="pin_not_set")
        if contact.pin_locked:
            raise Conflict(
                f"{contact.name}'s PIN is locked after {MAX_PIN_FAILURES} wrong tries; verify them another way, then "
                f"POST /accounts/{account_id}/contacts/{contact_id}/pin/unlock.",
                code="pin_locked",
            )
        verified = pins.pin_matches(pin_key, request.pin, contact.pin_hash, contact.pin_salt)
        failures = 0 if verified else contact.pin_failures + 1
        try:
            if failures != contact.pin_failures:
                store.record_pin_attempt(contact, failures)
        except StaleAccount:
            continue
        return PinVerification(verified=verified, attempts_left=MAX_PIN_FAILURES - failures, locked=failures >= MAX_PIN_FAILURES)
    raise ServiceUnavailable("The contact is being changed by several people at once; retry in a moment.")


def unlock_pin(account_id: str, contact_id: str, caller: Caller, *, store: ContactStore, now: datetime) -> ContactChange:
    def decide(account: Account, before: ContactRecord | None) -> _Decision | None:
        staff_only(caller, "unlock a PIN")
        before = _contact(before, contact_id)
        if not before.pin_locked:
            return None
        changed = AccountFieldChange(field="pinLocked", from_value=True, to_value=False)
        return _Decision(replace(before, pin_failures=0, version=before.version + 1), "contact PIN unlocked", extra_changes=[changed])

    return _change(account_id, contact_id, caller, None, store, now, decide)


def _change(
    account_id: str,
    contact_id: str,
    caller: Caller,
    idempotency: IdempotentRequest | None,
    store: ContactStore,
    now: datetime,
    decide: Decide,
    *,
    email: str | None = None,
) -> ContactChange:
    """Reads the account and the contact, lets `decide` make the change (None: nothing to change), commits it
    with the account, the history, the event and the key's answer; decided again when it lost a race."""
    for _ in range(MAX_ATTEMPTS):
        account, before, record = store.read_for_change(account_id, contact_id, idempotency.scope_key if idempotency else None)
        account = visible_account(account_id, account, caller)
        if replay := replayable(record, idempotency, now):
            return ContactChange(ContactAnswer.model_validate(replay.answer), replayed=True)
        decision = decide(account, before)
        if decision is None:
            return ContactChange(_contact(before, contact_id).answer(full=True))
        after = decision.after
        changes = _differences(before, after) + decision.extra_changes
        account_after = account.model_copy(
            update={
                "contacts": {**account.contacts, contact_id: after.entry().to_map()},
                "version": account.version + 1,
                "modified_at": now,
            }
        )
        history = AccountHistoryEntry(action=decision.action, contact_id=contact_id, actor=Actor.of(caller), at=now, changes=changes)
        answer = after.answer(full=True, warnings=decision.warnings)
        try:
            store.commit(
                account,
                account_after,
                before,
                after,
                history,
                [_event(account_after, before, after, history)],
                idempotency=(idempotency, answer.model_dump(mode="json", by_alias=True)) if idempotency else None,
                rate_limited=None if caller.is_automation else caller.user_id,
                now=now,
            )
        except EmailTaken:
            raise _email_taken(email or after.email, account_id, store) from None
        except (StaleAccount, IdempotencyKeyTaken):
            continue
        return ContactChange(answer)
    raise ServiceUnavailable("The account is being changed by several people at once; retry in a moment with the same Idempotency-Key.")


def _finish_sign_in(
    change: ContactChange, store: ContactStore, sign_in: SignInServices, committed: tuple[str, ContactRecord] | None
) -> ContactChange:
    """Runs the sign-in saga for a contact whose sign-in is not ready: the one just `committed` (with its account's
    name), or a replay's (read again: the first request's contact, its saga maybe stopped half-way). The answer
    (stored before the saga ran, for a replay) tells how it stands now."""
    if committed is None:
        account, contact, _ = store.read_for_change(change.contact.account_id, change.contact.contact_id, None)
        if account is None or contact is None:
            return change
        committed = (account.name, contact)
    account_name, contact = committed
    failed = [] if contact.sign_in_ready else provision(contact, account_name, **_saga(sign_in, store))
    return replace(
        change, contact=change.contact.model_copy(update={"warnings": change.contact.warnings + failed, "sign_in_ready": not failed})
    )


def _saga(sign_in: SignInServices, store: ContactStore) -> dict[str, Any]:
    return {"identity": sign_in.identity, "invitations": sign_in.invitations, "recorder": store, "portal_url": sign_in.portal_url}


def _activate(account: Account, before: ContactRecord | None) -> _Decision | None:
    if before is None or before.status is not ContactStatus.INVITED:
        return None
    return _Decision(replace(before, status=ContactStatus.ACTIVE, version=before.version + 1), "contact signed in")


def _has_signed_in(sign_in: SignInServices, contact: ContactRecord) -> bool:
    try:
        return sign_in.identity.has_signed_in(contact.email)
    except IdentityUnavailable:
        return False


def _capacity(account: Account, contact_id: str, caller: Caller) -> list[str]:
    """The warning over the recommended number of active contacts; over the hard maximum, a refusal."""
    active = 1 + sum(
        1 for other_id, entry in account.contacts.items() if other_id != contact_id and ContactEntry.from_map(entry).may_sign_in
    )
    if account.hard_max_contacts is not None and active > account.hard_max_contacts:
        raise Conflict(
            f"Account {account.account_id}'s contract allows {account.hard_max_contacts} active contacts and it has "
            f"{active - 1}; disable one first, or ask your Technical Account Manager to raise the limit.",
            code="contact_limit_reached",
        )
    if active > account.recommended_max_contacts:
        return [
            f"Account {account.account_id} now has {active} active contacts, more than the recommended "
            f"{account.recommended_max_contacts}: {FEW_CONTACTS}. The region's support managers have been told."
        ]
    return []


def _differences(before: ContactRecord | None, after: ContactRecord) -> list[AccountFieldChange]:
    def shown(contact: ContactRecord | None, name: str) -> Any:
        value = getattr(contact, name) if contact else None
        return value.value if isinstance(value, ContactStatus) else value

    return [
        AccountFieldChange(field=to_camel(name), from_value=shown(before, name), to_value=shown(after, name))
        for name in AUDITED
        if shown(before, name) != shown(after, name)
    ]


def _event(account: Account, before: ContactRecord | None, contact: ContactRecord, history: AccountHistoryEntry) -> Any:
    kind = ContactAdded if before is None else ContactChanged
    active = sum(1 for entry in account.contacts.values() if ContactEntry.from_map(entry).may_sign_in)
    return kind(
        event_key=f"{account.account_id}#{account.version}#{kind.detail_type.value}",
        account_id=account.account_id,
        contact_id=contact.contact_id,
        status=contact.status.value,
        previous_status=before.status.value if before else None,
        version=account.version,
        changed_fields=[change.field for change in history.changes],
        active_contacts=active,
        recommended_max_contacts=account.recommended_max_contacts,
        actor=ContractActor.model_validate(history.actor.model_dump()),
        occurred_at=history.at,
    ).domain_event()


def _contact(contact: ContactRecord | None, contact_id: str) -> ContactRecord:
    if contact is None:
        raise NotFound(f"Contact {contact_id} was not found in this account; check the id.", field="contactId")
    return contact


def _manages(account: Account, caller: Caller) -> bool:
    """Staff, or an account administrator of this account (as the directory has it now, not as the token says)."""
    if caller.is_staff:
        return True
    own = account.contacts.get(caller.contact_id or "")
    return own is not None and ContactEntry.from_map(own).account_administrator


def _may_manage(account: Account, caller: Caller, what: str) -> None:
    if not _manages(account, caller):
        raise Forbidden(f"Only your account's administrators and Dedicated Support may {what}; ask your account administrator.")


def _email_taken(email: str, account_id: str, store: ContactStore) -> Conflict:
    owner = store.email_owner(email)
    where = f" (contact {owner[1]} of this account)" if owner and owner[0] == account_id else ""
    return Conflict(f"{email} is already an authorized contact's address{where}; each contact signs in with their own.", field="email")
