"""The updates domain's scheduled jobs (docs/architecture.md, "Platform updates"). Each writes its notice once, however
often its schedule fires: a marker item created in the notice's own transaction refuses a second.

- validation-due: a critical update still pending at its expected date -> WindowsUpdateValidationOverdue (once per KB).
- patch-tuesday: WindowsUpdatesReminder with the updates still pending (once per month).
- behind-ga-check: for each account with a platform, its gateways 3 or more updates behind their type's current GA ->
  one GatewaysBehindGa per account (once per ISO week)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from functions.shared.auth import AUTOMATION
from functions.shared.contracts import Actor, GatewayBehind, GatewaysBehindGa, WindowsUpdatesReminder, WindowsUpdateValidationOverdue
from functions.shared.quarters import eastern_day
from functions.shared.update_rules import BEHIND_GA_AT_LEAST, KbStatus
from functions.updates.logic.platforms import gateway_status
from functions.updates.logic.ports import PlatformStore, WindowsUpdateStore
from functions.updates.logic.windows_updates import windows_update_event
from functions.updates.models.errors import AlreadyDone, NoLongerPending
from functions.updates.models.platforms import GatewayCatalog, Platform

MAX_GATEWAYS_PER_NOTICE = 50  # GatewaysBehindGa's cap


@dataclass
class JobSummary:
    job: str
    written: int = 0
    skipped: list[str] = field(default_factory=list)  # why nothing was written (already, not pending, ...)

    def as_dict(self) -> dict[str, object]:
        return {"job": self.job, "written": self.written, "skipped": self.skipped}


def validation_due(kb: str, *, store: WindowsUpdateStore, now: datetime) -> JobSummary:
    summary = JobSummary("validation-due")
    update = store.windows_update(kb)
    if update is None or update.status is not KbStatus.PENDING_VALIDATION:
        summary.skipped.append(f"{kb}: {update.status.value if update else 'not recorded'}")
        return summary
    if eastern_day(now) < update.expected_on:  # an early or stale firing: the schedule at the expected date tells them
        summary.skipped.append(f"{kb}: not due until {update.expected_on.isoformat()}")
        return summary
    event = windows_update_event(WindowsUpdateValidationOverdue, update, Actor.of(AUTOMATION), now)
    try:
        store.write_overdue(update, event=event, now=now)
    except NoLongerPending:
        summary.skipped.append(f"{kb}: decided meanwhile")
        return summary
    except AlreadyDone:
        summary.skipped.append(f"{kb}: overdue notice already written")
        return summary
    summary.written = 1
    return summary


def second_tuesday(day: date) -> date:
    first = day.replace(day=1)
    return first + timedelta(days=(1 - first.weekday()) % 7 + 7)


def patch_tuesday(*, store: WindowsUpdateStore, now: datetime) -> JobSummary:
    summary = JobSummary("patch-tuesday")
    today = eastern_day(now)
    month = f"{today:%Y-%m}"
    event = WindowsUpdatesReminder(
        event_key=f"patch-tuesday#{month}",
        occurred_at=now,
        actor=Actor.of(AUTOMATION),
        patch_tuesday=second_tuesday(today),
        pending=store.pending_count(),
    )
    try:
        store.write_reminder(month, event=event.domain_event(), now=now)
    except AlreadyDone:
        summary.skipped.append(f"{month}: reminder already written")
        return summary
    summary.written = 1
    return summary


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def behind_gateways(platform: Platform, catalogs: dict[str, GatewayCatalog]) -> list[GatewayBehind]:
    behind = []
    for gateway in platform.gateways:
        status = gateway_status(gateway, catalogs.get(gateway.gateway_type))
        if status.updates_behind is not None and status.current_ga is not None and status.updates_behind >= BEHIND_GA_AT_LEAST:
            behind.append(
                GatewayBehind(
                    gateway_id=gateway.gateway_id,
                    gateway_type=gateway.gateway_type,
                    installed_update=gateway.installed_update,
                    current_ga=status.current_ga,
                    updates_behind=status.updates_behind,
                )
            )
    return behind[:MAX_GATEWAYS_PER_NOTICE]


def behind_ga_check(*, store: PlatformStore, now: datetime) -> JobSummary:
    """Every catalog (one Query), then the platforms a page at a time (one Query each)."""
    summary = JobSummary("behind-ga-check")
    week = iso_week(eastern_day(now))
    catalogs = store.catalogs()
    start_key = None
    while True:
        platforms, start_key = store.platform_page(start_key)
        for platform in platforms:
            gateways = behind_gateways(platform, catalogs)
            if not gateways:
                continue
            event = GatewaysBehindGa(
                event_key=f"{platform.account_id}#behind-ga#{week}",
                occurred_at=now,
                actor=Actor.of(AUTOMATION),
                account_id=platform.account_id,
                gateways=gateways,
            )
            try:
                store.write_behind_ga(platform.account_id, week, event=event.domain_event(), now=now)
            except AlreadyDone:
                summary.skipped.append(f"{platform.account_id}: {week} already written")
                continue
            summary.written += 1
        if not start_key:
            return summary
