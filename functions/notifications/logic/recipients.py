"""Who is told what when a case changes (DESIGN.md section 3; README table):

- the case contact hears what support did: a case opened for them, support's updates, information
  requests, proposed solutions, closure and reopening by support;
- the owner (the assigned engineer) hears what the customer did: updates, solution rejections,
  closure (which is how a solution's acceptance arrives), reopening, a priority raised;
- the regional support management of the account's region hears management escalations and requests
  for High or Prod Down (which need a phone call), and the owner hears those requests too.

Nobody is emailed about their own action; a case without an owner notifies no engineer (logged).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from functions.notifications.models.delivery import CASE_CLOSED, CASE_CREATED, CASE_ESCALATED, CASE_REOPENED, CASE_UPDATED
from functions.notifications.models.events import CaseEventDetail
from functions.notifications.models.notifications import Account, Audience, NotificationKind, Recipient, StaffMember
from functions.shared.observability import logger

MANAGEMENT_ESCALATION = "management"

Kind = NotificationKind


class Directory(Protocol):
    def account(self, account_id: str) -> Account | None: ...

    def staff(self, user_id: str) -> StaffMember | None: ...

    def region_managers(self, region: str) -> list[StaffMember]: ...


@dataclass(frozen=True)
class Plan:
    kind: NotificationKind
    account: Account | None
    recipients: list[Recipient]


def decide(detail_type: str, detail: CaseEventDetail) -> tuple[NotificationKind, tuple[Audience, ...]] | None:
    """What an event tells whom; None for an event that emails nobody."""
    by_customer = detail.is_by_customer
    if detail_type == CASE_CREATED:
        # A case support opened for the contact (on the phone, proactive); one they opened is their own action.
        return None if by_customer else (Kind.CASE_OPENED, (Audience.CONTACT,))
    if detail_type == CASE_UPDATED:
        if detail.update_kind is None:  # fields changed (owner, sub status), nothing posted to read
            return None
        if by_customer:
            kind = Kind.SOLUTION_REJECTED if detail.update_kind == "solution-rejection" else Kind.CUSTOMER_UPDATE
            return kind, (Audience.OWNER,)
        staff_kinds = {"information-request": Kind.INFORMATION_REQUESTED, "solution-proposal": Kind.SOLUTION_PROPOSED}
        return staff_kinds.get(detail.update_kind, Kind.SUPPORT_UPDATE), (Audience.CONTACT,)
    if detail_type == CASE_CLOSED:
        return (Kind.CLOSED_BY_CUSTOMER, (Audience.OWNER,)) if by_customer else (Kind.CLOSED_BY_SUPPORT, (Audience.CONTACT,))
    if detail_type == CASE_REOPENED:
        return (Kind.REOPENED_BY_CUSTOMER, (Audience.OWNER,)) if by_customer else (Kind.REOPENED_BY_SUPPORT, (Audience.CONTACT,))
    if detail_type == CASE_ESCALATED:
        if detail.escalation == MANAGEMENT_ESCALATION:
            return Kind.MANAGEMENT_ESCALATION, (Audience.MANAGERS,)
        if detail.requested_priority != detail.priority:  # recorded, not applied: High and Prod Down need a phone call
            return Kind.URGENT_PRIORITY_REQUESTED, (Audience.MANAGERS, Audience.OWNER)
        return Kind.PRIORITY_RAISED, ((Audience.OWNER,) if by_customer else (Audience.CONTACT,))
    return None


def plan(detail_type: str, detail: CaseEventDetail, directory: Directory) -> Plan | None:
    """The notification an event causes and its recipients (possibly none); None if it causes none."""
    decided = decide(detail_type, detail)
    if decided is None:
        return None
    kind, audiences = decided
    account = directory.account(detail.account_id)
    if account is None:
        logger.warning("account not in the directory", extra={"account_id": detail.account_id, "case_number": detail.case_number})
    recipients: dict[str, Recipient] = {}  # by address: one email each, however many roles they have
    for audience in audiences:
        for recipient in _audience(audience, detail, account, directory):
            recipients.setdefault(recipient.email.lower(), recipient)
    if not recipients:
        logger.debug("nobody to notify", extra={"case_number": detail.case_number, "notification": kind.value})
    return Plan(kind, account, list(recipients.values()))


def _audience(audience: Audience, detail: CaseEventDetail, account: Account | None, directory: Directory) -> list[Recipient]:
    if audience is Audience.CONTACT:
        return _contact(detail, account)
    staff = _owner(detail, directory) if audience is Audience.OWNER else _managers(detail, account, directory)
    return [Recipient(f"staff#{member.user_id}", member.name, member.email) for member in staff if member.user_id != detail.actor.user_id]


def _contact(detail: CaseEventDetail, account: Account | None) -> list[Recipient]:
    if detail.actor.is_customer and detail.actor.contact_id == detail.contact_id:
        return []
    contact = account.contacts.get(detail.contact_id) if account else None
    if contact is None:
        logger.warning("case contact not in the directory", extra={"case_number": detail.case_number, "contact_id": detail.contact_id})
        return []
    return [Recipient(f"contact#{detail.account_id}#{contact.contact_id}", contact.name, contact.email)]


def _owner(detail: CaseEventDetail, directory: Directory) -> list[StaffMember]:
    if not detail.owner_id:
        logger.info("case has no owner: no engineer notified", extra={"case_number": detail.case_number})
        return []
    if detail.owner_id == detail.actor.user_id:
        return []
    owner = directory.staff(detail.owner_id)
    if owner is None:
        logger.warning("case owner not in the directory", extra={"case_number": detail.case_number, "owner_id": detail.owner_id})
    return [owner] if owner else []


def _managers(detail: CaseEventDetail, account: Account | None, directory: Directory) -> list[StaffMember]:
    region = detail.region or (account.region if account else None)
    managers = directory.region_managers(region) if region else []
    if not managers:
        logger.warning("no support manager for the region", extra={"case_number": detail.case_number, "region": region})
    return managers
