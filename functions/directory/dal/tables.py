"""The directory's items in the support table (docs/architecture.md, "The table and its indexes"): an
account (`ACCOUNT#<id>` / `ACCOUNT`, the item functions/shared/dal/directory.py lets other domains read),
its history (`HISTORY#<version>`), and its line in the accounts listing (`ACCOUNTS` / `ACCOUNT#<id>`, so
listing the accounts is one Query, never a Scan)."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import BinaryAttribute, BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.models import Model

from functions.shared.dal.attributes import TimestampAttribute
from functions.shared.dal.directory import ACCOUNT_PREFIX, ACCOUNT_SORT_KEY, REGION_PREFIX, REGION_SORT_KEY, DirectoryItem
from functions.shared.dal.idempotency import IDEMPOTENCY_MODELS
from functions.shared.dal.outbox import OUTBOX_MODELS
from functions.shared.dal.rate_limit import RATE_MODELS
from functions.shared.dal.table import TableMeta, bind_models

ACCOUNTS_PARTITION, REGIONS_PARTITION = "ACCOUNTS", "REGIONS"
HISTORY_PREFIX, CONTACT_PREFIX = "HISTORY#", "CONTACT#"
CONTACT_EMAIL_PREFIX, CONTACT_EMAIL_SORT_KEY = "CONTACT_EMAIL#", "CONTACT_EMAIL"


class AccountRecordItem(DirectoryItem):
    """The account as the directory owns it. Accounts seeded before the directory API have no version or
    times (read as version 0)."""

    class Meta(TableMeta):
        pass

    account_id = UnicodeAttribute()
    name = UnicodeAttribute()
    region = UnicodeAttribute()
    contacts: MapAttribute[str, Any] = MapAttribute(default=dict)  # what other domains read of the contacts
    entitlements: MapAttribute[str, Any] = MapAttribute(default=dict)
    recommended_max_contacts = NumberAttribute(null=True)
    hard_max_contacts = NumberAttribute(null=True)
    # pynamodb types `of` as the elements' value type; UnicodeAttribute elements read back as str.
    emergency_contact_ids: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    version = NumberAttribute(null=True)
    created_at = TimestampAttribute(null=True)
    modified_at = TimestampAttribute(null=True)


class AccountListingItem(DirectoryItem):
    class Meta(TableMeta):
        pass

    account_id = UnicodeAttribute()
    name = UnicodeAttribute()
    region = UnicodeAttribute()


class RegionRecordItem(DirectoryItem):
    """A region as the directory owns it (`REGION#<name>` / `REGION`, read by other domains through
    functions/shared/dal/directory.py); its line in the regions listing (`REGIONS` / `REGION#<name>`) is a
    copy written in the same transaction, so listing the regions is one Query."""

    class Meta(TableMeta):
        pass

    region = UnicodeAttribute()
    # pynamodb types `of` as the elements' value type; UnicodeAttribute elements read back as str.
    manager_user_ids: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    queue_email = UnicodeAttribute(null=True)
    after_hours_email = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)
    modified_at = TimestampAttribute(null=True)


class ContactRecordItem(DirectoryItem):
    """A contact in their account's partition (`ACCOUNT#<id>` / `CONTACT#<contact id>`, so an account's contacts
    are one Query). What other domains read of them is copied into the account item's `contacts` map in the same
    transaction (functions/shared/dal/directory.py ContactEntry). The PIN is kept only as its keyed hash."""

    class Meta(TableMeta):
        pass

    account_id = UnicodeAttribute()
    contact_id = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    mac_authorized = BooleanAttribute(default=False)
    attendant_authorized = BooleanAttribute(default=False)
    account_administrator = BooleanAttribute(default=False)
    report_recipient = BooleanAttribute(default=False)
    cognito_sub = UnicodeAttribute(null=True)
    sign_in_ready = BooleanAttribute(default=False)
    pin_hash = BinaryAttribute(null=True, legacy_encoding=False)
    pin_salt = BinaryAttribute(null=True, legacy_encoding=False)
    pin_failures = NumberAttribute(default=0)
    added_by: MapAttribute[str, Any] = MapAttribute()
    added_at = TimestampAttribute()
    disabled_at = TimestampAttribute(null=True)
    version = NumberAttribute()


class ContactEmailItem(DirectoryItem):
    """Claims an email address for one contact (`CONTACT_EMAIL#<address>`): the pool signs in by email, so an
    address belongs to one contact of one account."""

    class Meta(TableMeta):
        pass

    account_id = UnicodeAttribute()
    contact_id = UnicodeAttribute()


class DirectoryHistoryItem(DirectoryItem):
    """One change of an account (its contacts' included) or a region: who, when, each field from and to."""

    class Meta(TableMeta):
        pass

    action = UnicodeAttribute()
    contact_id = UnicodeAttribute(null=True)
    actor: MapAttribute[str, Any] = MapAttribute()
    at = TimestampAttribute()
    changes: ListAttribute[Any] = ListAttribute(default=list)


DIRECTORY_MODELS: tuple[type[Model], ...] = (
    AccountRecordItem, AccountListingItem, RegionRecordItem, ContactRecordItem, ContactEmailItem, DirectoryHistoryItem,
    *IDEMPOTENCY_MODELS, *OUTBOX_MODELS, *RATE_MODELS,
)  # fmt: skip


def bind_directory_tables(table_name: str) -> Connection:
    return bind_models(table_name, DIRECTORY_MODELS)


def account_key(account_id: str) -> tuple[str, str]:
    return f"{ACCOUNT_PREFIX}{account_id}", ACCOUNT_SORT_KEY


def listing_key(account_id: str) -> tuple[str, str]:
    return ACCOUNTS_PARTITION, f"{ACCOUNT_PREFIX}{account_id}"


def history_key(partition: str, version: int) -> tuple[str, str]:
    """A change's history entry in the partition of what changed (an account's or a region's)."""
    return partition, f"{HISTORY_PREFIX}{version:010d}"


def region_key(region: str) -> tuple[str, str]:
    return f"{REGION_PREFIX}{region}", REGION_SORT_KEY


def region_listing_key(region: str) -> tuple[str, str]:
    return REGIONS_PARTITION, f"{REGION_PREFIX}{region}"


def contact_key(account_id: str, contact_id: str) -> tuple[str, str]:
    return f"{ACCOUNT_PREFIX}{account_id}", f"{CONTACT_PREFIX}{contact_id}"


def contact_email_key(email: str) -> tuple[str, str]:
    return f"{CONTACT_EMAIL_PREFIX}{email.lower()}", CONTACT_EMAIL_SORT_KEY
