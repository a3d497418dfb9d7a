"""Who is told what when a case changes (docs/architecture.md, Domain rules; README table):

- the case contact hears what support did: a case opened for them, support's updates, information
  requests, proposed solutions, closure and reopening by support; a case closed as Resolved because an
  installation case's installation resolves it (CaseClosed with resolvedByCase) is one email saying so;
- the owner (the assigned engineer) hears what the customer did: updates, solution rejections,
  closure (which is how a solution's acceptance arrives), reopening, a priority raised;
- the regional support management of the account's region hears management escalations and requests
  for High or Prod Down (which need a phone call), and the owner hears those requests too;
- a case the desk opened from a monitoring incident (CaseCreated with a monitoringGroupId): the contact and the
  support queue of the account's region, one email each (the ledger's claim per event and recipient);
- the automation (timer steps, actor role "automation"): the contact hears the follow-up reminders and
  the final email of a case Auto-closed; a missed first response target is told to the owner (or, when
  the case has none or its owner left the directory, the support queue of the account's region), then
  to the regional management.

Nobody is emailed about their own action; a case without an owner notifies no engineer (logged), but
its overdue first response goes to the region's queue; a region without a queue address, or without
managers, is logged and notifies nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from functions.notifications.models.events import AUTO_CLOSED, CaseEventDetail
from functions.notifications.models.notifications import (
    CONTACT_KEY_PREFIX,
    Account,
    Audience,
    NotificationKind,
    Recipient,
    StaffMember,
    SupportQueue,
)
from functions.shared.contracts import DetailType
from functions.shared.observability import logger

MANAGEMENT_ESCALATION = "management"
# The updates a CaseUpdated is the news of.
UPDATED_KINDS = frozenset({"comment", "information-request", "solution-proposal", "solution-rejection"})

Kind = NotificationKind


class Directory(Protocol):
    def account(self, account_id: str) -> Account | None: ...

    def staff(self, user_id: str) -> StaffMember | None: ...

    def region_managers(self, region: str) -> list[StaffMember]: ...

    def region_queue(self, region: str) -> SupportQueue | None: ...


@dataclass(frozen=True)
class Plan:
    kind: NotificationKind
    account: Account | None
    recipients: list[Recipient]


def decide(detail_type: str, detail: CaseEventDetail) -> tuple[NotificationKind, tuple[Audience, ...]] | None:
    """What an event tells whom; None for an event that emails nobody."""
    by_customer = detail.is_by_customer
    if detail_type == DetailType.CASE_CREATED:
        if detail.monitoring_group_id:
            # The desk opened it from a monitoring incident (1-Prod Down): the contact hears of it, and so does the
            # region's support queue, since no engineer has it yet (the response escalation follows if none takes it).
            return Kind.MONITORING_CASE_OPENED, (Audience.CONTACT, Audience.QUEUE)
        # A case support opened for the contact (on the phone, proactive); one they opened is their own action.
        return None if by_customer else (Kind.CASE_OPENED, (Audience.CONTACT,))
    if detail_type == DetailType.CASE_UPDATED:
        # Fields changed (owner, sub status) with nothing posted to read; or an update whose change has an
        # event of its own that carries the news (a closure comment with CaseClosed, an escalation's reason
        # with CaseEscalated...), since every event of a change names its update.
        if detail.update_kind not in UPDATED_KINDS:
            return None
        if by_customer:
            kind = Kind.SOLUTION_REJECTED if detail.update_kind == "solution-rejection" else Kind.CUSTOMER_UPDATE
            return kind, (Audience.OWNER,)
        staff_kinds = {"information-request": Kind.INFORMATION_REQUESTED, "solution-proposal": Kind.SOLUTION_PROPOSED}
        return staff_kinds.get(detail.update_kind, Kind.SUPPORT_UPDATE), (Audience.CONTACT,)
    if detail_type == DetailType.CASE_CLOSED:
        if detail.resolved_by_case:
            # Closed as Resolved in an installation case's transaction (the installation resolves it): one email
            # to the contact, which says so, in place of the closure's generic one.
            return Kind.RESOLVED_BY_INSTALLATION, (Audience.CONTACT,)
        if detail.sub_status == AUTO_CLOSED and not by_customer:  # the follow-up's last step
            return Kind.AUTO_CLOSED, (Audience.CONTACT,)
        return (Kind.CLOSED_BY_CUSTOMER, (Audience.OWNER,)) if by_customer else (Kind.CLOSED_BY_SUPPORT, (Audience.CONTACT,))
    if detail_type == DetailType.CASE_REOPENED:
        return (Kind.REOPENED_BY_CUSTOMER, (Audience.OWNER,)) if by_customer else (Kind.REOPENED_BY_SUPPORT, (Audience.CONTACT,))
    if detail_type == DetailType.CASE_ESCALATED:
        if detail.escalation == MANAGEMENT_ESCALATION:
            return Kind.MANAGEMENT_ESCALATION, (Audience.MANAGERS,)
        if detail.requested_priority != detail.priority:  # recorded, not applied: High and Prod Down need a phone call
            return Kind.URGENT_PRIORITY_REQUESTED, (Audience.MANAGERS, Audience.OWNER)
        return Kind.PRIORITY_RAISED, ((Audience.OWNER,) if by_customer else (Audience.CONTACT,))
    if detail_type == DetailType.CASE_FOLLOW_UP_REMINDER:
        kind = Kind.FOLLOW_UP_SOLUTION_REMINDER if detail.asked == "solution" else Kind.FOLLOW_UP_INFORMATION_REMINDER
        return kind, (Audience.CONTACT,)
    if detail_type == DetailType.CASE_RESPONSE_OVERDUE:
        if detail.level == "manager":
            return Kind.RESPONSE_OVERDUE_TO_MANAGERS, (Audience.MANAGERS,)
        return (Kind.RESPONSE_OVERDUE if detail.owner_id else Kind.RESPONSE_OVERDUE_UNASSIGNED), (Audience.OWNER_OR_QUEUE,)
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
    if audience is Audience.QUEUE:
        return _queue(detail, account, directory)
    if audience is Audience.OWNER:
        staff = _owner(detail, directory)
    elif audience is Audience.OWNER_OR_QUEUE:
        staff = _owner(detail, directory)
        if not staff and detail.owner_id != detail.actor.user_id:  # no owner, or one the directory no longer knows
            return _queue(detail, account, directory)
    else:
        staff = _managers(detail, account, directory)
    return [Recipient.staff(member) for member in staff if member.user_id != detail.actor.user_id]


def _contact(detail: CaseEventDetail, account: Account | None) -> list[Recipient]:
    if detail.actor.is_customer and detail.actor.contact_id == detail.contact_id:
        return []
    contact = account.contacts.get(detail.contact_id) if account else None
    if contact is None:
        logger.warning("case contact not in the directory", extra={"case_number": detail.case_number, "contact_id": detail.contact_id})
        return []
    return [Recipient(f"{CONTACT_KEY_PREFIX}{detail.account_id}#{contact.contact_id}", contact.name, contact.email)]


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


def _region(detail: CaseEventDetail, account: Account | None) -> str | None:
    return detail.region or (account.region if account else None)


def _queue(detail: CaseEventDetail, account: Account | None, directory: Directory) -> list[Recipient]:
    region = _region(detail, account)
    queue = directory.region_queue(region) if region else None
    if queue is None:
        extra = {"case_number": detail.case_number, "region": region}
        logger.warning("no support queue for the region: nobody notified", extra=extra)
        return []
    return [Recipient(f"queue#{queue.region}", f"{queue.region} support queue", queue.email)]


def _managers(detail: CaseEventDetail, account: Account | None, directory: Directory) -> list[StaffMember]:
    region = _region(detail, account)
    managers = directory.region_managers(region) if region else []
    if not managers:
        logger.warning("no support manager for the region", extra={"case_number": detail.case_number, "region": region})
    return managers
