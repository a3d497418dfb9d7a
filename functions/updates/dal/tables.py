"""The updates domain's items in the support table (docs/architecture.md, "The table and its indexes"). The keys and the
attribute names the cases domain reads are fixed by the read-only view functions/shared/dal/platform_view.py; these
models write them, with what only this domain reads.

- `WINDOWSUPDATE#<kb>` / `WINDOWSUPDATE`: a Microsoft update of the Testing Department's catalog; in its partition
  `OVERDUE` (its validation-due notice, written once) and its outbox `EVENT#…`.
- `WINDOWSUPDATES` / `ALL#<released on>#<kb>` and `STATUS#<status>#<released on>#<kb>`: the catalog's listings (all, and
  by status; the newest release last in key order, so read backwards), each row a copy of the update, moved in the
  update's own transactions: a listing page is one Query.
- `GATEWAYCATALOG#<type>` / `CATALOG`: a gateway type's GA updates in release order; `GATEWAYCATALOGS` / `TYPE#<type>`
  its line in the listing of every type (a copy, in the same transaction).
- `PLATFORM#<account>` / `PLATFORM`: an account's platform; in its partition `BEHINDGA#<ISO week>` (that week's
  behind-GA notice, once) and its outbox. `PLATFORMS` / `ACCOUNT#<account>`: the listing the weekly check reads.
- `UPDATESJOB#patch-tuesday` / `MONTH#<yyyy-mm>`: that month's reminder written (once), with its outbox."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.models import Model

from functions.shared.dal.attributes import TimestampAttribute
from functions.shared.dal.directory import AccountItem
from functions.shared.dal.idempotency import IDEMPOTENCY_MODELS
from functions.shared.dal.outbox import OutboxItem
from functions.shared.dal.platform_view import (
    DEFAULT_FISCAL_YEAR_START_MONTH,
    DEFAULT_GATEWAY_UPDATES_PER_CONTRACT_YEAR,
    DEFAULT_RELEASE_UPGRADES_PER_QUARTER,
    PLATFORM_PREFIX,
    WINDOWS_UPDATE_PREFIX,
)
from functions.shared.dal.rate_limit import RATE_MODELS
from functions.shared.dal.table import TableMeta, bind_models

WINDOWS_UPDATES_LISTING, LISTED_ALL, LISTED_STATUS = "WINDOWSUPDATES", "ALL#", "STATUS#"
CATALOGS_LISTING, LISTED_TYPE = "GATEWAYCATALOGS", "TYPE#"
PLATFORMS_LISTING, LISTED_ACCOUNT = "PLATFORMS", "ACCOUNT#"
OVERDUE_SORT_KEY = "OVERDUE"
BEHIND_GA_PREFIX = "BEHINDGA#"
PATCH_TUESDAY_PARTITION, MONTH_PREFIX = "UPDATESJOB#patch-tuesday", "MONTH#"


class UpdatesItem(Model):
    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class WindowsUpdateItem(UpdatesItem):
    """Its attributes up to `rejection_reason` are the view's (WindowsUpdateViewItem)."""

    class Meta(TableMeta):
        pass

    kb = UnicodeAttribute()
    title = UnicodeAttribute()
    classification = UnicodeAttribute()
    released_on = UnicodeAttribute()  # ISO date
    expected_on = UnicodeAttribute()  # ISO date
    status = UnicodeAttribute()  # KbStatus
    rejection_reason = UnicodeAttribute(null=True)
    severity = UnicodeAttribute(null=True)  # MSRC severity
    products = ListAttribute(of=UnicodeAttribute, default=list)
    comment = UnicodeAttribute(null=True)
    recorded_at = TimestampAttribute()
    recorded_by = UnicodeAttribute()  # the Actor as JSON
    decided_at = TimestampAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)  # the Actor as JSON
    version = NumberAttribute()


class ListingItem(UpdatesItem):
    """A listing's line: a copy of what it lists (the answer's JSON), so a page is one Query."""

    class Meta(TableMeta):
        pass

    body = UnicodeAttribute()


class GatewayCatalogItem(UpdatesItem):
    """`gateway_type` and `updates` are the view's (GatewayCatalogViewItem)."""

    class Meta(TableMeta):
        pass

    gateway_type = UnicodeAttribute()
    updates = ListAttribute(of=UnicodeAttribute, default=list)  # release order; the last is the current GA
    name = UnicodeAttribute(null=True)
    modified_at = TimestampAttribute()
    modified_by = UnicodeAttribute()  # the Actor as JSON
    version = NumberAttribute()


class PlatformItem(UpdatesItem):
    """Its attributes up to `gateway_updates_per_contract_year` are the view's (PlatformViewItem)."""

    class Meta(TableMeta):
        pass

    account_id = UnicodeAttribute()
    release = UnicodeAttribute(null=True)
    # Each: {"gateway_id", "gateway_type", "installed_update" (absent: not recorded)}
    gateways: ListAttribute[MapAttribute[str, Any]] = ListAttribute(of=MapAttribute, default=list)
    fiscal_year_start_month = NumberAttribute(default=DEFAULT_FISCAL_YEAR_START_MONTH)
    release_upgrades_per_quarter = NumberAttribute(default=DEFAULT_RELEASE_UPGRADES_PER_QUARTER)
    gateway_updates_per_contract_year = NumberAttribute(default=DEFAULT_GATEWAY_UPDATES_PER_CONTRACT_YEAR)
    patches = ListAttribute(of=UnicodeAttribute, default=list)
    modified_at = TimestampAttribute()
    modified_by = UnicodeAttribute()  # the Actor as JSON
    version = NumberAttribute()


class MarkerItem(UpdatesItem):
    """A job's run written once (the condition on creating it refuses a second)."""

    class Meta(TableMeta):
        pass

    written_at = TimestampAttribute()
    expires_at = TTLAttribute(null=True)


def windows_update_partition(kb: str) -> str:
    return f"{WINDOWS_UPDATE_PREFIX}{kb}"


def platform_partition(account_id: str) -> str:
    return f"{PLATFORM_PREFIX}{account_id}"


UPDATES_MODELS: tuple[type[Model], ...] = (
    UpdatesItem, WindowsUpdateItem, ListingItem, GatewayCatalogItem, PlatformItem, MarkerItem,
    AccountItem, OutboxItem, *IDEMPOTENCY_MODELS, *RATE_MODELS,
)  # fmt: skip


def bind_updates_tables(table_name: str) -> Connection:
    return bind_models(table_name, UPDATES_MODELS)
