"""The gateways' GA catalogs and the accounts' platforms (functions/updates/dal/tables.py): each with its listing line
and its outbox in one transaction; the weekly behind-GA notice once per account and ISO week."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import MapAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, GetError, QueryError, TransactWriteError
from pynamodb.transactions import TransactWrite

from functions.shared.dal.directory import AccountItem, account_key
from functions.shared.dal.errors import unavailable
from functions.shared.dal.outbox import outbox_items
from functions.shared.dal.platform_view import gateway_catalog_key, platform_key
from functions.shared.dal.transactions import Write, write_change
from functions.shared.domain_event import DomainEvent
from functions.shared.models import Actor
from functions.updates.dal.tables import (
    BEHIND_GA_PREFIX,
    CATALOGS_LISTING,
    LISTED_ACCOUNT,
    LISTED_TYPE,
    PLATFORMS_LISTING,
    GatewayCatalogItem,
    ListingItem,
    MarkerItem,
    PlatformItem,
    platform_partition,
)
from functions.updates.models.errors import AlreadyDone, StaleItem
from functions.updates.models.platforms import GatewayCatalog, InstalledGateway, Platform

BUSY = "The platform records are busy; retry in a few seconds."
PLATFORMS_PER_PAGE = 100
BEHIND_GA_MARKS_KEPT_FOR = timedelta(days=60)  # a week's notice needs its mark only through that week


class Platforms:
    def __init__(self, connection: Connection):
        self._connection = connection

    def account_exists(self, account_id: str) -> bool:
        """One strongly consistent GetItem of the directory's account item (its key only)."""
        try:
            AccountItem.get(*account_key(account_id), consistent_read=True, attributes_to_get=["pk"])
        except DoesNotExist:
            return False
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error
        return True

    # --- the GA catalogs ----------------------------------------------------------------------------

    def catalog(self, gateway_type: str) -> GatewayCatalog | None:
        try:
            return _catalog(GatewayCatalogItem.get(*gateway_catalog_key(gateway_type), consistent_read=True))
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def catalogs(self, gateway_types: set[str] | None = None) -> dict[str, GatewayCatalog]:
        """The named types' catalogs (one BatchGetItem; a type without one is left out), or every type's (one Query of
        the listing)."""
        try:
            if gateway_types is None:
                lines = ListingItem.query(CATALOGS_LISTING, ListingItem.sk.startswith(LISTED_TYPE))
                found = [GatewayCatalog.model_validate_json(line.body) for line in lines]
            elif not gateway_types:
                return {}
            else:
                keys = [gateway_catalog_key(gateway_type) for gateway_type in sorted(gateway_types)]
                found = [_catalog(item) for item in GatewayCatalogItem.batch_get(keys)]
        except (QueryError, GetError) as error:
            raise unavailable("DynamoDB", BUSY) from error
        return {catalog.gateway_type: catalog for catalog in sorted(found, key=lambda each: each.gateway_type)}

    def save_catalog(
        self, after: GatewayCatalog, *, before: GatewayCatalog | None, events: list[DomainEvent], now: datetime, rate_limited: str | None
    ) -> None:
        condition = GatewayCatalogItem.pk.does_not_exist() if before is None else GatewayCatalogItem.version == before.version
        item = GatewayCatalogItem(
            *gateway_catalog_key(after.gateway_type),
            gateway_type=after.gateway_type,
            updates=after.updates,
            name=after.name,
            modified_at=after.modified_at,
            modified_by=after.modified_by.model_dump_json(),
            version=after.version,
        )
        line = ListingItem(CATALOGS_LISTING, f"{LISTED_TYPE}{after.gateway_type}", body=after.model_dump_json(by_alias=True))
        writes: list[Write] = [(item, condition, StaleItem), (line, None, None)]
        writes += [(each, None, None) for each in outbox_items(item.pk, str(after.version), events, now)]
        write_change(self._connection, *writes, stale=StaleItem, busy=BUSY, now=now, rate_limited=rate_limited)

    # --- the accounts' platforms --------------------------------------------------------------------

    def platform(self, account_id: str) -> Platform | None:
        try:
            return _platform(PlatformItem.get(*platform_key(account_id), consistent_read=True))
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def save_platform(
        self, after: Platform, *, before: Platform | None, events: list[DomainEvent], now: datetime, rate_limited: str | None
    ) -> None:
        condition = PlatformItem.pk.does_not_exist() if before is None else PlatformItem.version == before.version
        assert after.modified_at is not None and after.modified_by is not None
        item = PlatformItem(
            *platform_key(after.account_id),
            account_id=after.account_id,
            release=after.release,
            gateways=[_gateway_map(gateway) for gateway in after.gateways],
            fiscal_year_start_month=after.fiscal_year_start_month,
            release_upgrades_per_quarter=after.release_upgrades_per_quarter,
            gateway_updates_per_contract_year=after.gateway_updates_per_contract_year,
            patches=after.patches,
            modified_at=after.modified_at,
            modified_by=after.modified_by.model_dump_json(),
            version=after.version,
        )
        line = ListingItem(PLATFORMS_LISTING, f"{LISTED_ACCOUNT}{after.account_id}", body=after.model_dump_json(by_alias=True))
        writes: list[Write] = [(item, condition, StaleItem), (line, None, None)]
        writes += [(each, None, None) for each in outbox_items(item.pk, str(after.version), events, now)]
        write_change(self._connection, *writes, stale=StaleItem, busy=BUSY, now=now, rate_limited=rate_limited)

    def platform_page(self, start_key: dict[str, Any] | None) -> tuple[list[Platform], dict[str, Any] | None]:
        """One Query of the platforms' listing: a page of up to PLATFORMS_PER_PAGE accounts and where the next starts."""
        try:
            lines = ListingItem.query(
                PLATFORMS_LISTING,
                ListingItem.sk.startswith(LISTED_ACCOUNT),
                limit=PLATFORMS_PER_PAGE,
                page_size=PLATFORMS_PER_PAGE,
                last_evaluated_key=start_key,
            )
            page = [Platform.model_validate_json(line.body) for line in lines]
        except QueryError as error:
            raise unavailable("DynamoDB", BUSY) from error
        return page, lines.last_evaluated_key

    def write_behind_ga(self, account_id: str, week: str, *, event: DomainEvent, now: datetime) -> None:
        """The account's behind-GA notice of that ISO week, once (AlreadyDone if written before)."""
        partition = platform_partition(account_id)
        marker = MarkerItem(partition, f"{BEHIND_GA_PREFIX}{week}", written_at=now, expires_at=now + BEHIND_GA_MARKS_KEPT_FOR)
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.save(marker, condition=MarkerItem.pk.does_not_exist())
                for item in outbox_items(partition, f"behind-ga#{week}", [event], now):
                    transaction.save(item)
        except TransactWriteError as error:
            reasons = [reason.code if reason else None for reason in (error.cancellation_reasons or [])]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise AlreadyDone() from error
            raise unavailable("DynamoDB", BUSY) from error


def _catalog(item: GatewayCatalogItem) -> GatewayCatalog:
    updates = list(item.updates or [])
    return GatewayCatalog(
        gateway_type=item.gateway_type,
        name=item.name,
        updates=updates,
        current_ga=updates[-1] if updates else None,
        modified_at=item.modified_at,
        modified_by=Actor.model_validate_json(item.modified_by),
        version=int(item.version),
    )


def _gateway_map(gateway: InstalledGateway) -> dict[str, str]:
    """The view's map: `installed_update` absent while not recorded."""
    entry = {"gateway_id": gateway.gateway_id, "gateway_type": gateway.gateway_type}
    if gateway.installed_update is not None:
        entry["installed_update"] = gateway.installed_update
    return entry


def _platform(item: PlatformItem) -> Platform:
    gateways = [entry.as_dict() if isinstance(entry, MapAttribute) else dict(entry) for entry in item.gateways or []]
    return Platform(
        account_id=item.account_id,
        release=item.release,
        patches=list(item.patches or []),
        gateways=[
            InstalledGateway(
                gateway_id=str(entry["gateway_id"]), gateway_type=str(entry["gateway_type"]), installed_update=entry.get("installed_update")
            )
            for entry in gateways
        ],
        fiscal_year_start_month=int(item.fiscal_year_start_month),
        release_upgrades_per_quarter=int(item.release_upgrades_per_quarter),
        gateway_updates_per_contract_year=int(item.gateway_updates_per_contract_year),
        modified_at=item.modified_at,
        modified_by=Actor.model_validate_json(item.modified_by),
        version=int(item.version),
    )
