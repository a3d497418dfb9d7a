"""The gateways' GA catalogs and the accounts' platforms (docs/architecture.md, "Platform updates"): what each gateway
type's Service Updates (or firmware updates) are, in release order, and what an account runs: its Release, its patches,
its gateways with their installed update, and the contract fields its entitlements come from."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from functions.shared.clock import UtcTimestamp
from functions.shared.dal.platform_view import (
    DEFAULT_FISCAL_YEAR_START_MONTH,
    DEFAULT_GATEWAY_UPDATES_PER_CONTRACT_YEAR,
    DEFAULT_RELEASE_UPGRADES_PER_QUARTER,
)
from functions.shared.models import Actor, ApiModel, RequestModel
from functions.shared.text_limits import ShortText

GATEWAY_TYPE_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
MAX_CATALOG_UPDATES = 200
MAX_GATEWAYS = 50  # GatewaysBehindGa carries at most 50 gateways
MAX_PATCHES = 200
# An update, a Release or a patch as the vendor names it ("SU12", "2023 R1", "ES-12345"): one line, safe in a listing.
UpdateName = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._+()/-]{0,63}$")]
GatewayType = Annotated[str, StringConstraints(strip_whitespace=True, pattern=GATEWAY_TYPE_PATTERN)]
GatewayId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]


class CatalogRequest(RequestModel):
    """A gateway type's whole GA catalog."""

    updates: list[UpdateName] = Field(
        max_length=MAX_CATALOG_UPDATES,
        description="The type's GA updates in release order, oldest first: the last is the current GA.",
        examples=[["SU1", "SU2", "SU3"]],
    )
    name: ShortText | None = Field(default=None, description="The type's display name, e.g. `Interaction Gateway`.")

    @field_validator("updates")
    @classmethod
    def _each_once(cls, updates: list[str]) -> list[str]:
        repeated = sorted({each for each in updates if updates.count(each) > 1})
        if repeated:
            raise ValueError(f"lists {', '.join(repeated)} more than once; name each update once, in release order")
        return updates


class GatewayCatalog(ApiModel):
    """A gateway type's GA updates in release order; `currentGa` is the last."""

    gateway_type: str
    name: str | None = None
    updates: list[str]
    current_ga: str | None = Field(description="The current GA update; null while the catalog lists none.")
    modified_at: UtcTimestamp
    modified_by: Actor
    version: int


class GatewayCatalogList(ApiModel):
    items: list[GatewayCatalog] = Field(description="Every gateway type's catalog, by type.")


class GatewayEntry(RequestModel):
    """One of the account's gateways and the update it runs."""

    gateway_id: GatewayId = Field(description="The account's name for the gateway, e.g. `gw-east-1`.")
    gateway_type: GatewayType = Field(description="Its catalog's type, e.g. `interaction-gateway`, `audiocodes`.")
    installed_update: UpdateName | None = Field(default=None, description="The update it runs; left out: not recorded.")


class PlatformRequest(RequestModel):
    """The account's whole platform: a field left out takes its default (none, or the contract's default)."""

    release: UpdateName | None = Field(default=None, description="The Release it runs, e.g. `2024 R1`.")
    patches: list[UpdateName] = Field(default_factory=list, max_length=MAX_PATCHES, description="The patches applied.")
    gateways: list[GatewayEntry] = Field(default_factory=list, max_length=MAX_GATEWAYS)
    fiscal_year_start_month: int = Field(
        default=DEFAULT_FISCAL_YEAR_START_MONTH, ge=1, le=12, description="The month the contract year starts (1: calendar quarters)."
    )
    release_upgrades_per_quarter: int = Field(default=DEFAULT_RELEASE_UPGRADES_PER_QUARTER, ge=0, le=12)
    gateway_updates_per_contract_year: int = Field(default=DEFAULT_GATEWAY_UPDATES_PER_CONTRACT_YEAR, ge=0, le=52)

    @field_validator("patches")
    @classmethod
    def _patches_once(cls, patches: list[str]) -> list[str]:
        return list(dict.fromkeys(patches))

    @model_validator(mode="after")
    def _gateways_once(self) -> PlatformRequest:
        ids = [gateway.gateway_id for gateway in self.gateways]
        repeated = sorted({each for each in ids if ids.count(each) > 1})
        if repeated:
            raise ValueError(f"gateways lists {', '.join(repeated)} more than once; name each gateway once")
        return self


class InstalledGateway(ApiModel):
    """One of the account's gateways as recorded."""

    gateway_id: str
    gateway_type: str
    installed_update: str | None = None


class Platform(ApiModel):
    """An account's platform as recorded (the table's item)."""

    account_id: str
    release: str | None = None
    patches: list[str] = Field(default_factory=list)
    gateways: list[InstalledGateway] = Field(default_factory=list)
    fiscal_year_start_month: int = DEFAULT_FISCAL_YEAR_START_MONTH
    release_upgrades_per_quarter: int = DEFAULT_RELEASE_UPGRADES_PER_QUARTER
    gateway_updates_per_contract_year: int = DEFAULT_GATEWAY_UPDATES_PER_CONTRACT_YEAR
    modified_at: UtcTimestamp | None = None
    modified_by: Actor | None = None
    version: int = Field(default=0, description="0: nothing recorded yet for the account (the defaults).")


class GatewayStatus(InstalledGateway):
    """A gateway with how far behind its type's current GA it is."""

    current_ga: str | None = Field(description="Its type's current GA; null when no catalog of its type lists one.")
    updates_behind: int | None = Field(
        description="How many GA updates it lacks (an installed update the catalog does not list counts as behind all of "
        "them); null without a catalog."
    )
    behind_ga: bool = Field(description="3 or more behind the current GA: a gateway update may be requested for that reason.")


class PlatformAnswer(ApiModel):
    """The account's platform, each gateway with how far behind its type's current GA it is."""

    account_id: str
    release: str | None = None
    patches: list[str]
    gateways: list[GatewayStatus]
    fiscal_year_start_month: int
    release_upgrades_per_quarter: int
    gateway_updates_per_contract_year: int
    modified_at: UtcTimestamp | None = None
    modified_by: Actor | None = None
    version: int = Field(description="The ETag; 0 while nothing is recorded for the account.")
