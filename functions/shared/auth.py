"""The caller: who they are from the API Gateway Cognito authorizer's claims (never from the request), and,
for a customer contact, their status and authorizations from the directory (functions/shared/caller_directory.py;
docs/architecture.md, "Who the caller is")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from functions.shared.errors import Unauthorized


class Group(StrEnum):
    """Cognito groups; the infrastructure creates exactly these. They mirror the directory: what a customer
    contact may do (MAC authorization) is the directory's answer, never `mac-contacts`."""

    CUSTOMER = "customer-contacts"
    CUSTOMER_MAC = "mac-contacts"
    ENGINEER = "engineers"
    MANAGER = "support-managers"
    TESTING = "testing-department"  # validates Microsoft updates (the guide's Testing Department); not support staff


ACCOUNT_CLAIM = "custom:account_id"
CONTACT_CLAIM = "custom:contact_id"
GROUPS_CLAIM = "cognito:groups"
AUTOMATION_ROLE = "automation"
# The identities that go into keys (`CASE#…`, `acme#c-alice`, `<sub>#create-case#…`): no separator, bounded.
CLAIM_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")


@dataclass(frozen=True)
class Caller:
    user_id: str
    groups: frozenset[Group]
    account_id: str | None = None
    contact_id: str | None = None
    is_automation: bool = False  # the desk acting by itself (a timer step), never a signed-in user
    # A customer contact's authorizations, as the directory says at request time (never from a Cognito group);
    # False for staff and for a caller made from claims alone.
    mac_authorized: bool = False
    attendant_authorized: bool = False
    account_administrator: bool = False

    @property
    def is_staff(self) -> bool:
        return self.is_automation or bool(self.groups & {Group.ENGINEER, Group.MANAGER})

    @property
    def is_testing_department(self) -> bool:
        return Group.TESTING in self.groups

    @property
    def testing_department_only(self) -> bool:
        """A Testing Department user who is neither staff nor a customer contact: only the Windows-update routes
        take them (`current_caller(..., testing_department=True)`)."""
        return self.is_testing_department and not self.is_staff and self.account_id is None

    @property
    def is_mac_authorized(self) -> bool:
        return self.mac_authorized

    @property
    def role(self) -> str:
        if self.is_automation:
            return AUTOMATION_ROLE
        for group in (Group.MANAGER, Group.ENGINEER, Group.TESTING):
            if group in self.groups:
                return group.value
        if self.groups & {Group.CUSTOMER, Group.CUSTOMER_MAC}:
            return (Group.CUSTOMER_MAC if self.mac_authorized else Group.CUSTOMER).value
        return "none"


AUTOMATION = Caller(user_id=AUTOMATION_ROLE, groups=frozenset(), is_automation=True)


def _parse_groups(raw: object) -> frozenset[Group]:
    # REST API authorizers flatten list claims to a string ("a,b" or "[a b]"); accept both and lists.
    names = raw if isinstance(raw, list) else re.split(r"[\s,]+", str(raw or "").strip("[]"))
    known = {group.value: group for group in Group}
    return frozenset(known[name] for name in names if name in known)


def _identifier(claims: dict[str, Any], name: str) -> str | None:
    """A claim that names someone, or None when absent; one that is not an identifier is refused before any
    key is made of it."""
    value = claims.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not CLAIM_VALUE.fullmatch(value):
        raise Unauthorized(f"Your token's {name} is not a valid identifier; ask your Technical Account Manager to correct your user.")
    return value


def caller_from_claims(claims: dict[str, Any] | None) -> Caller:
    """Who the caller is, from the claims alone: identity, groups, account and contact. A customer's status and
    authorizations are not in it; the API adds them from the directory (functions/shared/caller_directory.py)."""
    user_id = _identifier(claims, "sub") if claims else None
    if not claims or not user_id:
        raise Unauthorized("Sign in and send your token in the Authorization header.")
    groups = _parse_groups(claims.get(GROUPS_CLAIM))
    caller = Caller(
        user_id=user_id,
        groups=groups,
        account_id=_identifier(claims, ACCOUNT_CLAIM),
        contact_id=_identifier(claims, CONTACT_CLAIM),
    )
    if not groups:
        raise Unauthorized("Your user is in no support group; ask your Technical Account Manager for access.")
    if not caller.is_staff and not caller.testing_department_only and not (caller.account_id and caller.contact_id):
        raise Unauthorized("Your user is not linked to a customer account and contact; ask your Technical Account Manager.")
    return caller
