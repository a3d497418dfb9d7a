"""The gateways' GA catalogs and the accounts' platforms (docs/architecture.md, "Platform updates"). Staff keep both;
everyone signed in reads the catalogs, a customer their own account's platform (another's is 404). A platform's answer
says how far behind its type's current GA each gateway is (the guide: 3 or more behind justifies a gateway update)."""

from __future__ import annotations

from datetime import datetime

from functions.shared.auth import Caller
from functions.shared.contracts import AccountPlatformChanged, Actor, GatewayCatalogChanged
from functions.shared.errors import Forbidden, NotFound, PreconditionFailed, ServiceUnavailable
from functions.shared.update_rules import BEHIND_GA_AT_LEAST, updates_behind
from functions.updates.logic.ports import PlatformStore
from functions.updates.models.errors import StaleItem
from functions.updates.models.platforms import (
    CatalogRequest,
    GatewayCatalog,
    GatewayCatalogList,
    GatewayStatus,
    InstalledGateway,
    Platform,
    PlatformAnswer,
    PlatformRequest,
)

MAX_ATTEMPTS = 3
CATALOG_PATH = "/maintenance/gateway-catalog"


def staff_only(caller: Caller, what: str) -> None:
    if not caller.is_staff:
        raise Forbidden(f"Only support staff {what}; ask your Technical Account Manager.")


def _matches(if_match: frozenset[int] | None, version: int, what: str) -> None:
    if if_match is not None and version not in if_match:
        raise PreconditionFailed(
            f"{what} changed since you read it (it is at version {version}); read it again and retry.", field="If-Match"
        )


# --- the GA catalogs --------------------------------------------------------------------------------------


def get_catalog(gateway_type: str, *, store: PlatformStore) -> GatewayCatalog:
    catalog = store.catalog(gateway_type)
    if catalog is None:
        raise NotFound(
            f"No GA catalog for gateway type {gateway_type}; list the types with GET {CATALOG_PATH}, or (staff) record it with PUT.",
            field="gatewayType",
        )
    return catalog


def list_catalogs(*, store: PlatformStore) -> GatewayCatalogList:
    return GatewayCatalogList(items=list(store.catalogs().values()))


def put_catalog(
    gateway_type: str, request: CatalogRequest, caller: Caller, *, if_match: frozenset[int] | None, store: PlatformStore, now: datetime
) -> GatewayCatalog:
    """The type's whole catalog; the same PUT again changes nothing (no new version, no event)."""
    staff_only(caller, "keep the gateways' GA catalogs")
    for _ in range(MAX_ATTEMPTS):
        before = store.catalog(gateway_type)
        _matches(if_match, before.version if before else 0, f"The {gateway_type} catalog")
        name = request.name if request.name is not None else (before.name if before else None)
        if before is not None and (before.updates, before.name) == (request.updates, name):
            return before
        after = GatewayCatalog(
            gateway_type=gateway_type,
            name=name,
            updates=request.updates,
            current_ga=request.updates[-1] if request.updates else None,
            modified_at=now,
            modified_by=Actor.of(caller),
            version=(before.version if before else 0) + 1,
        )
        event = GatewayCatalogChanged(
            event_key=f"{gateway_type}#{after.version}",
            occurred_at=now,
            actor=Actor.of(caller),
            gateway_type=gateway_type,
            current_ga=after.current_ga,
            version=after.version,
        )
        try:
            store.save_catalog(after, before=before, events=[event.domain_event()], now=now, rate_limited=caller.user_id)
        except StaleItem:
            continue
        return after
    raise ServiceUnavailable(f"The {gateway_type} catalog kept changing while it was being saved; retry in a moment.")


# --- the accounts' platforms ------------------------------------------------------------------------------


def _not_found(account_id: str) -> NotFound:
    return NotFound(f"Account {account_id} does not exist among yours; check the account id.", field="accountId")


def get_platform(account_id: str, caller: Caller, *, store: PlatformStore) -> PlatformAnswer:
    """Staff read any account's, a customer their own; an account with nothing recorded answers the defaults (version 0)."""
    if not caller.is_staff and caller.account_id != account_id:
        raise _not_found(account_id)
    platform = store.platform(account_id)
    if platform is None:
        if not store.account_exists(account_id):
            raise _not_found(account_id)
        platform = Platform(account_id=account_id)
    return _answer(platform, store.catalogs({gateway.gateway_type for gateway in platform.gateways}))


def put_platform(
    account_id: str, request: PlatformRequest, caller: Caller, *, if_match: frozenset[int] | None, store: PlatformStore, now: datetime
) -> PlatformAnswer:
    """The account's whole platform (staff); the same PUT again changes nothing."""
    if not caller.is_staff and caller.account_id != account_id:
        raise _not_found(account_id)
    staff_only(caller, "record an account's platform")
    if not store.account_exists(account_id):
        raise _not_found(account_id)
    for _ in range(MAX_ATTEMPTS):
        before = store.platform(account_id)
        _matches(if_match, before.version if before else 0, f"Account {account_id}'s platform")
        fields = {
            "release": request.release,
            "patches": request.patches,
            "gateways": [InstalledGateway.model_validate(gateway.model_dump()) for gateway in request.gateways],
            "fiscal_year_start_month": request.fiscal_year_start_month,
            "release_upgrades_per_quarter": request.release_upgrades_per_quarter,
            "gateway_updates_per_contract_year": request.gateway_updates_per_contract_year,
        }
        after = Platform(
            account_id=account_id, **fields, modified_at=now, modified_by=Actor.of(caller), version=(before.version if before else 0) + 1
        )
        if before is not None and before.model_dump(include=set(fields)) == after.model_dump(include=set(fields)):
            after = before
        else:
            event = AccountPlatformChanged(
                event_key=f"{account_id}#{after.version}",
                occurred_at=now,
                actor=Actor.of(caller),
                account_id=account_id,
                version=after.version,
            )
            try:
                store.save_platform(after, before=before, events=[event.domain_event()], now=now, rate_limited=caller.user_id)
            except StaleItem:
                continue
        return _answer(after, store.catalogs({gateway.gateway_type for gateway in after.gateways}))
    raise ServiceUnavailable(f"Account {account_id}'s platform kept changing while it was being saved; retry in a moment.")


def gateway_status(gateway: InstalledGateway, catalog: GatewayCatalog | None) -> GatewayStatus:
    ga = catalog.updates if catalog else []
    behind = updates_behind(ga, gateway.installed_update) if ga else None
    return GatewayStatus(
        **gateway.model_dump(),
        current_ga=ga[-1] if ga else None,
        updates_behind=behind,
        behind_ga=behind is not None and behind >= BEHIND_GA_AT_LEAST,
    )


def _answer(platform: Platform, catalogs: dict[str, GatewayCatalog]) -> PlatformAnswer:
    return PlatformAnswer(
        **platform.model_dump(exclude={"gateways"}),
        gateways=[gateway_status(gateway, catalogs.get(gateway.gateway_type)) for gateway in platform.gateways],
    )
