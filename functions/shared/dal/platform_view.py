"""A read-only view of the updates domain's items (docs/architecture.md, "Platform updates") for the cases domain,
which decides installation requests by the guide's rules (functions/shared/update_rules.py) without importing the
updates domain. The updates domain writes these items (functions/updates/dal/tables.py) under these keys and
attribute names; this declares what the decisions read. Bind PLATFORM_VIEW_MODELS with
functions.shared.dal.table.bind_models, together with the domain's own models.

- a Microsoft update of the Testing Department's catalog: `WINDOWSUPDATE#<kb>` / `WINDOWSUPDATE`;
- a gateway type's GA catalog, its updates in release order (the last is the current GA): `GATEWAYCATALOG#<type>` /
  `CATALOG`;
- an account's platform (its Release, patches and gateways with their installed update) and the contract fields the
  entitlements come from: `PLATFORM#<account>` / `PLATFORM`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from functions.shared.dal.table import TableMeta
from functions.shared.update_rules import KbStatus, WindowsUpdate

WINDOWS_UPDATE_PREFIX, WINDOWS_UPDATE_SORT_KEY = "WINDOWSUPDATE#", "WINDOWSUPDATE"
GATEWAY_CATALOG_PREFIX, GATEWAY_CATALOG_SORT_KEY = "GATEWAYCATALOG#", "CATALOG"
PLATFORM_PREFIX, PLATFORM_SORT_KEY = "PLATFORM#", "PLATFORM"
# The contract's defaults (the guide: one Release upgrade a quarter, one gateway update a contract year; calendar quarters).
DEFAULT_FISCAL_YEAR_START_MONTH = 1
DEFAULT_RELEASE_UPGRADES_PER_QUARTER = 1
DEFAULT_GATEWAY_UPDATES_PER_CONTRACT_YEAR = 1


def windows_update_key(kb: str) -> tuple[str, str]:
    return f"{WINDOWS_UPDATE_PREFIX}{kb}", WINDOWS_UPDATE_SORT_KEY


def gateway_catalog_key(gateway_type: str) -> tuple[str, str]:
    return f"{GATEWAY_CATALOG_PREFIX}{gateway_type}", GATEWAY_CATALOG_SORT_KEY


def platform_key(account_id: str) -> tuple[str, str]:
    return f"{PLATFORM_PREFIX}{account_id}", PLATFORM_SORT_KEY


class WindowsUpdateViewItem(Model):
    """Never written: saving it would drop every attribute it does not declare (as every view here)."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kb = UnicodeAttribute()
    title = UnicodeAttribute()
    classification = UnicodeAttribute()
    released_on = UnicodeAttribute()  # ISO date
    expected_on = UnicodeAttribute()  # ISO date
    status = UnicodeAttribute()  # KbStatus
    rejection_reason = UnicodeAttribute(null=True)

    def decided(self) -> WindowsUpdate:
        return WindowsUpdate(
            kb=self.kb,
            title=self.title,
            classification=self.classification,
            released_on=date.fromisoformat(self.released_on),
            status=KbStatus(self.status),
            expected_on=date.fromisoformat(self.expected_on),
            rejection_reason=self.rejection_reason,
        )


class GatewayCatalogViewItem(Model):
    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    gateway_type = UnicodeAttribute()
    updates = ListAttribute(of=UnicodeAttribute, default=list)  # release order; the last is the current GA


class PlatformViewItem(Model):
    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    account_id = UnicodeAttribute()
    release = UnicodeAttribute(null=True)
    # Each: {"gateway_id", "gateway_type", "installed_update" (absent: not recorded)}
    gateways: ListAttribute[MapAttribute[str, Any]] = ListAttribute(of=MapAttribute, default=list)
    fiscal_year_start_month = NumberAttribute(default=DEFAULT_FISCAL_YEAR_START_MONTH)
    release_upgrades_per_quarter = NumberAttribute(default=DEFAULT_RELEASE_UPGRADES_PER_QUARTER)
    gateway_updates_per_contract_year = NumberAttribute(default=DEFAULT_GATEWAY_UPDATES_PER_CONTRACT_YEAR)

    def facts(self) -> PlatformFacts:
        gateways = [entry.as_dict() if isinstance(entry, MapAttribute) else dict(entry) for entry in self.gateways]
        return PlatformFacts(
            account_id=self.account_id,
            release=self.release,
            gateways={
                str(entry["gateway_id"]): InstalledGateway(str(entry["gateway_type"]), entry.get("installed_update")) for entry in gateways
            },
            fiscal_year_start_month=int(self.fiscal_year_start_month),
            release_upgrades_per_quarter=int(self.release_upgrades_per_quarter),
            gateway_updates_per_contract_year=int(self.gateway_updates_per_contract_year),
        )


PLATFORM_VIEW_MODELS: tuple[type[Model], ...] = (WindowsUpdateViewItem, GatewayCatalogViewItem, PlatformViewItem)


@dataclass(frozen=True)
class InstalledGateway:
    gateway_type: str
    installed_update: str | None


@dataclass(frozen=True)
class PlatformFacts:
    """What the rules read of an account's platform and contract; an account without a platform item has the defaults."""

    account_id: str
    release: str | None = None
    gateways: dict[str, InstalledGateway] | None = None
    fiscal_year_start_month: int = DEFAULT_FISCAL_YEAR_START_MONTH
    release_upgrades_per_quarter: int = DEFAULT_RELEASE_UPGRADES_PER_QUARTER
    gateway_updates_per_contract_year: int = DEFAULT_GATEWAY_UPDATES_PER_CONTRACT_YEAR
