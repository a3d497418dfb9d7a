"""The directory's regions in the support table: the record other domains read, its listing line, its
history and its events, one transaction a change (dal/transactions.py)."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, GetError, QueryError

from functions.directory.dal.tables import (
    REGIONS_PARTITION,
    RegionRecordItem,
    bind_directory_tables,
    region_key,
    region_listing_key,
)
from functions.directory.dal.transactions import BUSY, history_item
from functions.directory.models.accounts import AccountHistoryEntry
from functions.directory.models.records import StaleRegion
from functions.directory.models.regions import Region
from functions.shared.dal.errors import unavailable
from functions.shared.dal.outbox import outbox_items
from functions.shared.dal.transactions import write_change
from functions.shared.domain_event import DomainEvent


class RegionRepository:
    def __init__(self, table_name: str) -> None:
        self._connection = bind_directory_tables(table_name)

    def get_region(self, region: str) -> Region | None:
        try:
            return to_region(RegionRecordItem.get(*region_key(region), consistent_read=True))
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def list_regions(self) -> list[Region]:
        """Every region: one Query of their listing lines (a desk has a handful of regions)."""
        try:
            return [to_region(item) for item in RegionRecordItem.query(REGIONS_PARTITION)]
        except QueryError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def put_region(
        self,
        before_version: int,
        region: Region,
        history: AccountHistoryEntry,
        events: list[DomainEvent],
        *,
        rate_limited: str,
        now: datetime,
    ) -> None:
        partition = region_key(region.region)[0]
        unchanged = RegionRecordItem.version == before_version if before_version else RegionRecordItem.version.does_not_exist()
        write_change(
            self._connection,
            (to_item(region, region_key(region.region)), unchanged, StaleRegion),
            (to_item(region, region_listing_key(region.region)), None, None),
            (history_item(partition, region.version, history), None, None),
            *((item, None, None) for item in outbox_items(partition, f"{region.version:010d}", events, now)),
            stale=StaleRegion,
            busy=BUSY,
            now=now,
            rate_limited=rate_limited,
        )


def to_item(region: Region, key: tuple[str, str]) -> RegionRecordItem:
    return RegionRecordItem(
        *key,
        region=region.region,
        manager_user_ids=region.manager_user_ids,
        queue_email=region.queue_email,
        after_hours_email=region.after_hours_email,
        version=region.version,
        modified_at=region.modified_at,
    )


def to_region(item: RegionRecordItem) -> Region:
    return Region(
        region=item.region,
        manager_user_ids=list(item.manager_user_ids or []),
        queue_email=item.queue_email,
        after_hours_email=item.after_hours_email,
        version=int(item.version or 0),
        modified_at=item.modified_at,
    )
