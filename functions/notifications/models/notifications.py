"""What this domain decides and sends: who is told what, and the directory entries it addresses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class NotificationKind(StrEnum):
    # to the case contact
    CASE_OPENED = "case-opened"
    SUPPORT_UPDATE = "support-update"
    INFORMATION_REQUESTED = "information-requested"
    SOLUTION_PROPOSED = "solution-proposed"
    CLOSED_BY_SUPPORT = "closed-by-support"
    # closed as Resolved by the installation an installation case made (CaseClosed with resolvedByCase), instead
    # of the closure's generic email
    RESOLVED_BY_INSTALLATION = "resolved-by-installation"
    REOPENED_BY_SUPPORT = "reopened-by-support"
    # to the case contact, from the automated follow-up (docs/architecture.md, Domain rules)
    FOLLOW_UP_INFORMATION_REMINDER = "follow-up-information-reminder"
    FOLLOW_UP_SOLUTION_REMINDER = "follow-up-solution-reminder"
    AUTO_CLOSED = "auto-closed"  # the follow-up's final email
    # to the owner
    CUSTOMER_UPDATE = "customer-update"
    SOLUTION_REJECTED = "solution-rejected"
    CLOSED_BY_CUSTOMER = "closed-by-customer"
    REOPENED_BY_CUSTOMER = "reopened-by-customer"
    PRIORITY_RAISED = "priority-raised"
    # to the regional support management (and the owner)
    URGENT_PRIORITY_REQUESTED = "urgent-priority-requested"
    MANAGEMENT_ESCALATION = "management-escalation"
    # first response target missed: to the owner (the region's support queue when the case has none),
    # then to the regional support management
    RESPONSE_OVERDUE = "response-overdue"
    RESPONSE_OVERDUE_UNASSIGNED = "response-overdue-unassigned"
    RESPONSE_OVERDUE_TO_MANAGERS = "response-overdue-to-managers"
    # a case the desk opened from a monitoring incident (channel monitoring, 1-Prod Down): to the case
    # contact and to the support queue of the account's region
    MONITORING_CASE_OPENED = "monitoring-case-opened"


class Audience(StrEnum):
    CONTACT = "contact"  # the customer contact the case is for
    OWNER = "owner"  # the engineer the case is assigned to (ownerId)
    MANAGERS = "managers"  # the support managers of the account's region
    # the owner; while the case has none (or its owner left the directory), the support queue of the
    # account's region
    OWNER_OR_QUEUE = "owner-or-queue"
    QUEUE = "queue"  # the support queue of the account's region


@dataclass(frozen=True)
class Contact:
    contact_id: str
    name: str
    email: str


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    region: str
    contacts: dict[str, Contact] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseContact:
    """Whose case it is (its account and contact), and whether it is closed."""

    case_number: str
    account_id: str
    contact_id: str
    closed: bool


@dataclass(frozen=True)
class StaffMember:
    user_id: str
    name: str
    email: str


@dataclass(frozen=True)
class SupportQueue:
    """A region's support queue: the distribution list its engineers pick unassigned cases from (or, read
    as its after-hours address, where its out-of-hours emergencies go)."""

    region: str
    email: str


CONTACT_KEY_PREFIX = "contact#"
STAFF_KEY_PREFIX = "staff#"


@dataclass(frozen=True)
class Recipient:
    key: str  # who, stably: the duplicate-delivery guard records each recipient of an event by it
    name: str
    email: str

    @property
    def is_contact(self) -> bool:
        """A customer contact (not support staff or a support queue)."""
        return self.key.startswith(CONTACT_KEY_PREFIX)

    @classmethod
    def staff(cls, member: StaffMember) -> Recipient:
        return cls(f"{STAFF_KEY_PREFIX}{member.user_id}", member.name, member.email)


@dataclass(frozen=True)
class PostedUpdate:
    """The words a change posted: an update's text (a comment, an information request, a closure
    comment, an escalation's reason...) as an email quotes it."""

    kind: str  # the update's kind: comment | information-request | solution-proposal | ...
    text: str
    whole: bool  # False: the event's excerpt only (the update could not be read), possibly cut short


@dataclass(frozen=True)
class NextStep:
    what: str
    when: datetime


@dataclass(frozen=True)
class EmailFacts:
    """What an event's emails say beyond the event itself, gathered once per event: who acted (a name),
    the case's owner (a name, for staff), the words posted and what happens next, and when."""

    actor_name: str  # "Erin Engineer", "Alice Admin", "a support engineer", "the Dedicated Support Services desk"
    actor_affiliation: str | None = None  # for whom they act: "Dedicated Support Services", "Acme Contact Centers"
    owner: str | None = None  # the owner's name; None when no staff member reads the email
    update: PostedUpdate | None = None
    next_steps: tuple[NextStep, ...] = ()


@dataclass(frozen=True)
class Email:
    to_name: str
    to_address: str
    subject: str
    text: str
    html: str


class NotificationDelayed(Exception):
    """A dependency (table, SES) failed; the event is retried by its queue."""
