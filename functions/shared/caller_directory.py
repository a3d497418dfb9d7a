"""Who the caller is (docs/architecture.md, "Who the caller is"): the authorizer's claims say who they are;
for a customer contact, the directory says whether they may still use the desk and what they are
authorized for. The directory is the source of truth and Cognito mirrors it, but an ID token stays valid for
up to an hour after AdminDisableUser or a global sign-out, so disabling a contact or revoking an
authorization must not wait for the token to expire.

Each API container keeps what it read of an account's contacts for at most `DIRECTORY_STALENESS_SECONDS`
(default and maximum 60 s), measured by an injectable clock: one GetItem per account per staleness period
per container, and a change in the directory takes effect within that period on every route. Staff and the
automation are not in the directory's contacts: they make no read."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from functions.shared.auth import Caller, caller_from_claims
from functions.shared.clock import Clock, SystemClock
from functions.shared.dal.account_contacts import AccountContactsReader
from functions.shared.dal.directory import ContactEntry
from functions.shared.environment import per_environment
from functions.shared.errors import Unauthorized
from functions.shared.observability import logger

# The product's bound: a disabled contact or a revoked authorization takes effect within a minute.
MAX_STALENESS_SECONDS = 60
# A caller the kept read of their account does not hold is looked up afresh, at most this often per account.
UNKNOWN_CONTACT_RETRY = timedelta(seconds=1)
# Accounts remembered per container; past it the oldest read is forgotten (it would be stale soon anyway).
MAX_CACHED_ACCOUNTS = 1000

ACCESS_DISABLED = "access_disabled"
ACCESS_DISABLED_MESSAGE = (
    "Your access to the support desk is disabled or your contact no longer exists; "
    "ask your account administrator or your Technical Account Manager to restore it."
)


class CallerDirectorySettings(BaseModel):
    """What every API function needs to read its callers' contacts; the stack sets TABLE_NAME."""

    model_config = ConfigDict(frozen=True)

    table_name: str
    # How long a container may answer from what it read of an account's contacts (0: read on every request).
    directory_staleness_seconds: float = Field(default=MAX_STALENESS_SECONDS, ge=0, le=MAX_STALENESS_SECONDS)


@per_environment
def caller_directory_settings() -> CallerDirectorySettings:
    environment = {name.lower(): value for name, value in os.environ.items()}
    return CallerDirectorySettings.model_validate(environment, strict=False)


class ContactsReader(Protocol):
    def account_contacts(self, account_id: str) -> Mapping[str, ContactEntry] | None:
        """The account's contacts by id; None when there is no such account."""
        ...


@dataclass(frozen=True)
class _Read:
    at: datetime  # when the read started: its age counts from before the directory answered
    contacts: Mapping[str, ContactEntry] | None


class AccountContactsCache:
    """What the directory said of each account's contacts, each answer kept for less than `staleness` as
    `clock` measures it (a clock that goes back also makes an answer stale). A missing account is kept too,
    so a disabled tenant costs one read per period like any other."""

    def __init__(self, reader: ContactsReader, *, clock: Clock, staleness: timedelta, max_accounts: int = MAX_CACHED_ACCOUNTS) -> None:
        self.reader = reader
        self.clock = clock  # replaceable: tests move time instead of sleeping
        self.staleness = staleness
        self.max_accounts = max_accounts
        self._reads: dict[str, _Read] = {}

    def account_contacts(self, account_id: str, *, fresher_than: timedelta | None = None) -> Mapping[str, ContactEntry] | None:
        now = self.clock.now()
        read = self._reads.get(account_id)
        if read is None or not read.at <= now < read.at + min(self.staleness, fresher_than or self.staleness):
            read = _Read(now, self.reader.account_contacts(account_id))
            self._keep(account_id, read)
        return read.contacts

    def contact(self, account_id: str, contact_id: str) -> ContactEntry | None:
        """A contact the kept read does not know is looked up again (at most once per UNKNOWN_CONTACT_RETRY), so a
        contact added since works at once rather than after the staleness period."""
        contacts = self.account_contacts(account_id)
        if contacts is not None and contact_id in contacts:
            return contacts[contact_id]
        contacts = self.account_contacts(account_id, fresher_than=UNKNOWN_CONTACT_RETRY)
        return None if contacts is None else contacts.get(contact_id)

    def _keep(self, account_id: str, read: _Read) -> None:
        self._reads.pop(account_id, None)
        self._reads[account_id] = read  # the newest read last
        while len(self._reads) > self.max_accounts:
            del self._reads[next(iter(self._reads))]


@per_environment
def caller_directory() -> AccountContactsCache:
    settings = caller_directory_settings()
    return AccountContactsCache(
        AccountContactsReader(settings.table_name),
        clock=SystemClock(),
        staleness=timedelta(seconds=settings.directory_staleness_seconds),
    )


def with_directory_facts(caller: Caller, directory: AccountContactsCache) -> Caller:
    """The caller with what the directory says of them: staff unchanged (no read); a customer contact that
    the directory does not hold (or whose account it does not), or holds as disabled, is refused with 401
    on every route, as a token that is no longer valid. The Testing Department is not in the directory either."""
    if caller.is_staff or caller.testing_department_only:
        return caller
    entry = directory.contact(caller.account_id, caller.contact_id) if caller.account_id and caller.contact_id else None
    if entry is None or not entry.may_sign_in:
        logger.info(
            "caller refused by the directory",
            extra={"user": caller.user_id, "account": caller.account_id, "contact": caller.contact_id,
                   "status": entry.status.value if entry else "unknown"},
        )  # fmt: skip
        raise Unauthorized(ACCESS_DISABLED_MESSAGE, code=ACCESS_DISABLED)
    return replace(
        caller,
        mac_authorized=entry.mac_authorized,
        attendant_authorized=entry.attendant_authorized,
        account_administrator=entry.account_administrator,
    )


def signed_in_caller(claims: dict[str, Any] | None) -> Caller:
    """The API's caller: identity from the claims, status and authorizations from the directory."""
    return with_directory_facts(caller_from_claims(claims), caller_directory())
