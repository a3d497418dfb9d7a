"""The desk's directory, kept in the support table: customer accounts with their contacts, support
staff, and the support managers of each region. Any domain that needs to know who someone is reads
these models (cases for intake and escalation, notifications for addresses); each binds them itself.

Regional managers are configuration in the table: a STAFF# item for the person and their user id in
the REGION# item of the region (README: adding a regional manager)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute
from pynamodb.models import Model

from functions.shared.dal.table import TableMeta

ACCOUNT_PREFIX, STAFF_PREFIX, REGION_PREFIX = "ACCOUNT#", "STAFF#", "REGION#"
ACCOUNT_SORT_KEY, STAFF_SORT_KEY, REGION_SORT_KEY = "ACCOUNT", "STAFF", "REGION"


class DirectoryItem(Model):
    """The key every directory item has (the table's). Never read itself: pynamodb would hand its
    connection to the subclasses."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class AccountItem(DirectoryItem):
    """A customer account of the desk: its region (for escalation) and its contacts."""

    class Meta(TableMeta):
        pass

    account_id = UnicodeAttribute()
    name = UnicodeAttribute()
    region = UnicodeAttribute()
    contacts: MapAttribute[str, Any] = MapAttribute(default=dict)  # contact id -> ContactEntry.to_map()
    # Who is called on an alert, in the order to call them (the directory checks they are the account's
    # contacts); the cases domain opens a monitoring case for the first of them not disabled.
    emergency_contact_ids: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    entitlements: MapAttribute[str, Any] = MapAttribute(default=dict)  # the contract's (monitoring around the clock)


class StaffItem(DirectoryItem):
    """A support engineer or manager, by Cognito user id (the `sub` claim; a case's ownerId)."""

    class Meta(TableMeta):
        pass

    user_id = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute()
    role = UnicodeAttribute()  # the Cognito group: engineers | support-managers
    region = UnicodeAttribute(null=True)


class RegionItem(DirectoryItem):
    """A support region: its support management (user ids of STAFF# items) and its support queue (the
    distribution list of the region's engineers, told about unassigned cases; configuration like the
    managers, null while the region has none) and its after-hours address."""

    class Meta(TableMeta):
        pass

    region = UnicodeAttribute()
    # pynamodb types `of` as the elements' value type; UnicodeAttribute elements read back as str.
    manager_user_ids: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    queue_email = UnicodeAttribute(null=True)
    after_hours_email = UnicodeAttribute(null=True)  # out-of-hours emergencies (a held monitoring incident's notice)


class ContactStatus(StrEnum):
    INVITED = "invited"  # the sign-in is provisioned (or being provisioned); not yet signed in
    ACTIVE = "active"
    DISABLED = "disabled"


@dataclass(frozen=True)
class ContactEntry:
    """What the account item keeps of each contact (the directory writes it with the contact, in the same
    transaction): what other domains need to know about a contact at request time. A contact seeded before
    the directory API has no status and counts as active."""

    name: str
    email: str
    status: ContactStatus = ContactStatus.ACTIVE
    mac_authorized: bool = False
    attendant_authorized: bool = False
    account_administrator: bool = False
    report_recipient: bool = False

    @property
    def may_sign_in(self) -> bool:
        return self.status is not ContactStatus.DISABLED

    def to_map(self) -> dict[str, Any]:
        return {
            "name": self.name, "email": self.email, "status": self.status.value,
            "macAuthorized": self.mac_authorized, "attendantAuthorized": self.attendant_authorized,
            "accountAdministrator": self.account_administrator, "reportRecipient": self.report_recipient,
        }  # fmt: skip

    @classmethod
    def from_map(cls, value: Any) -> ContactEntry:
        raw = dict(value.as_dict() if hasattr(value, "as_dict") else value)
        return cls(
            name=raw.get("name", ""),
            email=raw.get("email", ""),
            status=ContactStatus(raw.get("status") or ContactStatus.ACTIVE),
            mac_authorized=bool(raw.get("macAuthorized", False)),
            attendant_authorized=bool(raw.get("attendantAuthorized", False)),
            account_administrator=bool(raw.get("accountAdministrator", False)),
            report_recipient=bool(raw.get("reportRecipient", False)),
        )


def contact_entries(item: AccountItem) -> dict[str, ContactEntry]:
    raw = item.contacts.as_dict() if hasattr(item.contacts, "as_dict") else dict(item.contacts or {})
    return {contact_id: ContactEntry.from_map(value) for contact_id, value in raw.items()}


DIRECTORY_MODELS: tuple[type[DirectoryItem], ...] = (AccountItem, StaffItem, RegionItem)


def account_key(account_id: str) -> tuple[str, str]:
    return f"{ACCOUNT_PREFIX}{account_id}", ACCOUNT_SORT_KEY


def staff_key(user_id: str) -> tuple[str, str]:
    return f"{STAFF_PREFIX}{user_id}", STAFF_SORT_KEY


def region_key(region: str) -> tuple[str, str]:
    return f"{REGION_PREFIX}{region}", REGION_SORT_KEY
