"""Support regions: staff read them; managers and engineers set a region's managers and addresses, a
change audited and announced like an account's."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pydantic.alias_generators import to_camel

from functions.directory.logic.accounts import entry, staff_only
from functions.directory.models.accounts import AccountFieldChange, AccountHistoryEntry
from functions.directory.models.records import StaleRegion
from functions.directory.models.regions import Region, RegionList, RegionSettings
from functions.shared.auth import Caller
from functions.shared.contracts import Actor as ContractActor
from functions.shared.contracts import RegionChanged
from functions.shared.domain_event import DomainEvent
from functions.shared.errors import ServiceUnavailable

MAX_ATTEMPTS = 3
SETTINGS = ("manager_user_ids", "queue_email", "after_hours_email")


class RegionStore(Protocol):
    def get_region(self, region: str) -> Region | None: ...

    def list_regions(self) -> list[Region]: ...

    def put_region(
        self,
        before_version: int,
        region: Region,
        history: AccountHistoryEntry,
        events: list[DomainEvent],
        *,
        rate_limited: str,
        now: datetime,
    ) -> None: ...


def list_regions(caller: Caller, *, store: RegionStore) -> RegionList:
    staff_only(caller, "read the support regions")
    return RegionList(items=store.list_regions())


def put_region(name: str, settings: RegionSettings, caller: Caller, *, store: RegionStore, now: datetime) -> Region:
    """Sets the region's settings as sent (PUT: the whole of them); a PUT that changes nothing writes nothing,
    so a retry is safe without an Idempotency-Key."""
    staff_only(caller, "configure a support region")
    for _ in range(MAX_ATTEMPTS):
        before = store.get_region(name)
        before_version = before.version if before else 0
        changes = [
            AccountFieldChange(
                field=to_camel(field), from_value=getattr(before, field) if before else None, to_value=getattr(settings, field)
            )
            for field in SETTINGS
            if (getattr(before, field) if before else None) != getattr(settings, field)
        ]
        if before is not None and not changes:
            return before
        after = Region(region=name, **settings.model_dump(), version=before_version + 1, modified_at=now)
        history = entry("configured", caller, now, changes)
        event = RegionChanged(
            event_key=f"{name}#{after.version}#{RegionChanged.detail_type.value}",
            region=name,
            version=after.version,
            changed_fields=[change.field for change in changes],
            actor=ContractActor.model_validate(history.actor.model_dump()),
            occurred_at=now,
        )
        try:
            store.put_region(before_version, after, history, [event.domain_event()], rate_limited=caller.user_id, now=now)
        except StaleRegion:
            continue
        return after
    raise ServiceUnavailable("The region is being changed by several people at once; retry in a moment.")
