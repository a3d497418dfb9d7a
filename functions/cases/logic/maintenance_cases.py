"""A maintenance case hears of its window (docs/architecture.md, "Monitoring incidents"; the guide: a case opened
for customer maintenance lets support put the monitoring platform into Maintenance Mode, which keeps needless
notifications from the support team and the customer). The alerts domain creates the window from the case's
CaseCreated (`maintenanceWindow`), or staff schedule one naming the case, and announces its life
(functions/shared/contracts.py MaintenanceWindowScheduled/Started/Ended/Cancelled); each event here:

- posts one update the customer sees (kind `maintenance-note`, by the automation) saying what happened, when (in US
  Eastern, as the desk states times) and to which devices; the end says what was silenced and how many alerts still
  firing went to the support team;
- keeps the case's `maintenanceWindow` as the alerts domain holds it: its times and devices, its status (which only
  moves forward, so a late delivery never takes it back: EventBridge keeps no order) and, once ended, its counts.

Each event is applied once: the change marks its key on the case in its transaction (`APPLIED#<event key>`), so a
redelivery changes nothing. A closed case, a missing case or a case of another account records nothing and is not an
error. Nothing here emails anyone: the notifications domain emails the start and the end from the same events."""

from __future__ import annotations

from datetime import datetime, timedelta

from functions.cases.logic.case_store import CaseStore
from functions.cases.logic.change_case import Decision, change_case
from functions.cases.logic.monitoring_cases import alert_lines, eastern
from functions.cases.models.actions import CaseAction
from functions.cases.models.bus_events import Outcome
from functions.cases.models.case import MAINTENANCE_PROGRESS, Case, CaseMaintenanceWindow, MaintenanceStatus, Status
from functions.cases.models.lifecycle import UpdateKind
from functions.cases.models.records import EventAlreadyApplied
from functions.shared.auth import AUTOMATION
from functions.shared.contracts import (
    MaintenanceWindowCancelled,
    MaintenanceWindowEnded,
    MaintenanceWindowEvent,
    MaintenanceWindowScheduled,
    MaintenanceWindowStarted,
    Updated,
)
from functions.shared.errors import NotFound
from functions.shared.observability import logger

DEVICES_NAMED = 10  # devices a note names; it counts the rest
# After its end, a window keeps silencing for the alerts domain's settle time (functions/alerts/models/maintenance.py
# END_SETTLE; tests/unit/test_maintenance_cases.py keeps them equal): alerts still firing then go to the support team.
END_SETTLE = timedelta(minutes=10)

ACTIONS: dict[type[MaintenanceWindowEvent], tuple[CaseAction, MaintenanceStatus]] = {
    MaintenanceWindowScheduled: (CaseAction.MAINTENANCE_WINDOW_SCHEDULED, MaintenanceStatus.SCHEDULED),
    MaintenanceWindowStarted: (CaseAction.MAINTENANCE_WINDOW_STARTED, MaintenanceStatus.ACTIVE),
    MaintenanceWindowEnded: (CaseAction.MAINTENANCE_WINDOW_ENDED, MaintenanceStatus.ENDED),
    MaintenanceWindowCancelled: (CaseAction.MAINTENANCE_WINDOW_CANCELLED, MaintenanceStatus.CANCELLED),
}
TERMINAL = frozenset({MaintenanceStatus.ENDED, MaintenanceStatus.CANCELLED})


class _NothingToDo(Exception):
    pass


def note_maintenance_window(event: MaintenanceWindowEvent, *, store: CaseStore, now: datetime) -> Outcome:
    """Posts the event's note on its maintenance case and follows the window there; UNCHANGED when it was applied
    already, or the case is closed, missing or another account's."""
    action, status = ACTIONS[type(event)]
    about = {"case_number": event.case_number, "window_id": event.window_id, "event_key": event.event_key, "detail_type": event.detail_type}

    def decide(case: Case) -> Decision:
        if case.account_id != event.account_id:
            logger.warning("maintenance note not recorded: the case is another account's", extra=about)
            raise _NothingToDo()
        if case.status is Status.CLOSED:
            logger.info("maintenance note not recorded: the case is closed", extra=about)
            raise _NothingToDo()
        note = maintenance_note(event, case.maintenance_window)
        window = followed_window(case.maintenance_window, event, status)
        fields = {"maintenance_window": window} if window != case.maintenance_window else {}
        return Decision(action, fields, (UpdateKind.MAINTENANCE_NOTE, note), [Updated()])

    try:
        change_case(
            event.case_number,
            AUTOMATION,
            decide,
            if_match=None,
            store=store,
            now=now,
            applied_event=f"{event.source}#{event.detail_type}#{event.event_key}",
        )
    except EventAlreadyApplied:
        logger.info("maintenance note already on the case: a duplicate delivery", extra=about)
        return Outcome.UNCHANGED
    except NotFound:
        logger.warning("maintenance note not recorded: no such case", extra=about)
        return Outcome.UNCHANGED
    except _NothingToDo:
        return Outcome.UNCHANGED
    return Outcome.MAINTENANCE_NOTED


def followed_window(
    current: CaseMaintenanceWindow | None, event: MaintenanceWindowEvent, status: MaintenanceStatus
) -> CaseMaintenanceWindow:
    """The case's window after the event: its status moves forward only; its times and devices are the event's
    (each event carries the window as it is then) unless the window has ended or been cancelled and this event is
    an earlier one delivered late."""
    if current is not None and current.status in TERMINAL and MAINTENANCE_PROGRESS[status] < MAINTENANCE_PROGRESS[current.status]:
        return current
    if current is not None and MAINTENANCE_PROGRESS[status] < MAINTENANCE_PROGRESS[current.status]:
        status = current.status  # e.g. an active window's end changed (Scheduled), or its Scheduled delivered after Started
    window = CaseMaintenanceWindow(starts_at=event.starts_at, ends_at=event.ends_at, devices=event.devices, status=status)
    if isinstance(event, MaintenanceWindowEnded):
        window.suppressed_count, window.still_firing_count = event.suppressed_count, event.still_firing_count
    return window


# --- the notes ----------------------------------------------------------------------------------------


def maintenance_note(event: MaintenanceWindowEvent, current: CaseMaintenanceWindow | None = None) -> str:
    """The update's words: what happened to maintenance mode, when, and for which devices."""
    span = f"from {eastern(event.starts_at)} until {eastern(event.ends_at)}"
    devices = devices_text(event.devices)
    if isinstance(event, MaintenanceWindowStarted):
        return (
            f"Maintenance mode is on {span} for {devices}: monitoring alerts are recorded but notify nobody, neither the "
            f"support team nor you. Alerts still firing {_minutes(END_SETTLE)} after the end go to the support team as usual."
        )
    if isinstance(event, MaintenanceWindowEnded):
        return ended_note(event)
    if isinstance(event, MaintenanceWindowCancelled):
        return f"Maintenance mode {span} for {devices} was cancelled: monitoring alerts notify the support team as usual."
    if _changed(current, event):
        if current is not None and current.status is MaintenanceStatus.ACTIVE and current.starts_at == event.starts_at:
            return (
                f"Maintenance mode now ends at {eastern(event.ends_at)} (it was to end at {eastern(current.ends_at)}); it covers "
                f"{devices} and has been on since {eastern(event.starts_at)}."
            )
        return f"Maintenance mode was rescheduled: it is now {span} for {devices}."
    if current is not None and current.status is not MaintenanceStatus.REQUESTED and current.status is not MaintenanceStatus.SCHEDULED:
        return f"Maintenance mode was scheduled {span} for {devices}."  # delivered after its start: that note said the rest
    return (
        f"Maintenance mode is scheduled {span} for {devices}: from its start, monitoring alerts are recorded but notify nobody, "
        "neither the support team nor you."
    )


def ended_note(ended: MaintenanceWindowEnded) -> str:
    span = f"from {eastern(ended.starts_at)} until {eastern(ended.ends_at)}"
    head = f"Maintenance mode has ended (it covered {devices_text(ended.devices)} {span})"
    if ended.suppressed_count == 0:
        silenced = "no monitoring alert fired during it"
    else:
        silenced = f"{_count(ended.suppressed_count, 'alert event was', 'alert events were')} recorded and silenced"
    if ended.still_firing_count:
        still = f"{_count(ended.still_firing_count, 'alert still firing was', 'alerts still firing were')} handed to the support team"
    else:
        still = "no alert was still firing at the end"
    lines = [f"{head}: {silenced}; {still}."]
    if ended.suppressed_alerts:
        listed = len(ended.suppressed_alerts)
        lines += ["", "The alerts recorded during it:" if listed >= ended.suppressed_count else f"The first {listed} alerts recorded:"]
        lines += alert_lines(ended.suppressed_alerts)
    return "\n".join(lines)


def devices_text(devices: list[str] | None) -> str:
    """ "all devices", "ic-01, ic-02", or the first DEVICES_NAMED and how many more."""
    if not devices:
        return "all devices"
    if len(devices) <= DEVICES_NAMED:
        return ", ".join(devices)
    return f"{len(devices)} devices ({', '.join(devices[:DEVICES_NAMED])} and {len(devices) - DEVICES_NAMED} more)"


def _changed(current: CaseMaintenanceWindow | None, event: MaintenanceWindowEvent) -> bool:
    """Whether a Scheduled event changes the window the case knows (a reschedule), rather than confirming it."""
    if current is None:
        return False
    return (current.starts_at, current.ends_at, current.devices or None) != (event.starts_at, event.ends_at, event.devices or None)


def _count(count: int, one: str, many: str) -> str:
    return f"1 {one}" if count == 1 else f"{count} {many}"


def _minutes(span: timedelta) -> str:
    return f"{int(span.total_seconds() // 60)} minutes"
