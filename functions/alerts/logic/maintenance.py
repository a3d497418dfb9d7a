"""Maintenance windows' lives (functions/alerts/models/maintenance.py for the rules): scheduled by staff or from a
customer's maintenance case, started and ended by their timers, changed (only the end once active) or cancelled
(before the start). Each change is the window, the account's live windows and the events in one transaction,
conditional on what was read; a lost race reads and decides again. The maintenance case hears of every step
(the cases domain posts it; the notifications email its contact)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from functions.alerts.logic.incidents import AUTOMATION_ACTOR, alert_line, new_group_id, timer_started
from functions.alerts.logic.processing import AlertStorePort, release_alerts
from functions.alerts.models.alerts import Alert
from functions.alerts.models.maintenance import (
    MAX_WINDOW,
    LiveWindow,
    MaintenanceWindow,
    MaintenanceWindowChange,
    NewMaintenanceWindow,
    WindowStatus,
)
from functions.alerts.models.records import ConcurrentChange
from functions.alerts.models.timer_steps import IncidentTimer
from functions.shared.business_time import BusinessCalendar
from functions.shared.contracts import (
    MAX_ALERT_LINES,
    Actor,
    EventDetail,
    IncidentTimerStep,
    MaintenanceNotice,
    MaintenanceWindowCancelled,
    MaintenanceWindowEnded,
    MaintenanceWindowEvent,
    MaintenanceWindowScheduled,
    MaintenanceWindowStarted,
)
from functions.shared.errors import Conflict, NotFound, ValidationFailed

MAX_ATTEMPTS = 5


class WindowStorePort(AlertStorePort, Protocol):
    def read_window(self, window_id: str) -> MaintenanceWindow | None: ...

    def read_live_windows(self, account_id: str) -> tuple[list[LiveWindow], int]: ...

    def save_window(
        self,
        window: MaintenanceWindow,
        *,
        before_version: int,
        live: list[LiveWindow],
        live_version: int,
        events: list[EventDetail],
        now: datetime,
    ) -> None: ...

    def silenced_alerts(self, account_id: str, window_id: str) -> list[Alert]: ...


def schedule_window(
    request: NewMaintenanceWindow, actor: Actor, *, store: WindowStorePort, now: datetime, window_id: str | None = None
) -> MaintenanceWindow:
    """A new window: active at once if it has started, else scheduled; its timers set. `window_id` given (a
    maintenance case's window) makes it idempotent: a second schedule answers the first window."""
    if request.ends_at <= now:
        raise ValidationFailed("endsAt is in the past: a maintenance window must end in the future", field="endsAt")
    active = request.starts_at <= now
    window = MaintenanceWindow(
        window_id=window_id or new_group_id(now),
        account_id=request.account_id,
        case_number=request.case_number,
        starts_at=request.starts_at,
        ends_at=request.ends_at,
        devices=request.devices,
        status=WindowStatus.ACTIVE if active else WindowStatus.SCHEDULED,
        created_by=actor,
        created_at=now,
        modified_at=now,
        version=1,
    )
    events: list[EventDetail] = [_event(MaintenanceWindowScheduled, window, actor, now)]
    if active:
        events.append(_event(MaintenanceWindowStarted, window, AUTOMATION_ACTOR, now))
    else:
        events += _arm(window, IncidentTimerStep.WINDOW_START, window.starts_at, now)
    events += _arm(window, IncidentTimerStep.WINDOW_END, window.silences_until, now)
    for _ in range(MAX_ATTEMPTS):
        live, live_version = store.read_live_windows(window.account_id)
        try:
            store.save_window(window, before_version=0, live=[*live, _live(window)], live_version=live_version, events=events, now=now)
            return window
        except ConcurrentChange:
            if window_id and (existing := store.read_window(window_id)):
                return existing
    raise ConcurrentChange(f"account {window.account_id}: its windows still changing after {MAX_ATTEMPTS} attempts")


def window_of_case(case_number: str) -> str:
    """A maintenance case's window id: the same for every delivery of its CaseCreated."""
    return hashlib.sha256(f"maintenance-case:{case_number}".encode()).hexdigest()[:32]


def schedule_from_case(
    account_id: str, case_number: str, notice: MaintenanceNotice, actor: Actor, *, store: WindowStorePort, now: datetime
) -> MaintenanceWindow | None:
    """The window a customer's maintenance case states (None: it has ended already, or is not valid: the case
    is the record of what was asked)."""
    try:
        request = NewMaintenanceWindow.model_validate(
            {
                "accountId": account_id,
                "caseNumber": case_number,
                "startsAt": notice.starts_at,
                "endsAt": notice.ends_at,
                "devices": notice.devices,
            },
            strict=False,
        )
        return schedule_window(request, actor, store=store, now=now, window_id=window_of_case(case_number))
    except (ValueError, ValidationFailed):
        return None


def change_window(
    window_id: str, change: MaintenanceWindowChange, actor: Actor, *, store: WindowStorePort, now: datetime
) -> MaintenanceWindow:
    """Before the start: its times and devices; once active: only its end (ending it now included)."""

    def decide(window: MaintenanceWindow) -> list[EventDetail]:
        if window.status is WindowStatus.ACTIVE and (change.starts_at or change.devices):
            raise Conflict("The window is active: only its end can change (send endsAt; now ends it).", code="window_active")
        window.starts_at = change.starts_at or window.starts_at
        window.ends_at = change.ends_at or window.ends_at
        window.devices = change.devices or window.devices
        if window.ends_at <= window.starts_at or window.ends_at - window.starts_at > MAX_WINDOW:
            raise ValidationFailed("endsAt must be after startsAt and at most 72 hours later", field="endsAt")
        if window.ends_at < now:
            raise ValidationFailed("endsAt is in the past: send the current time to end the window now", field="endsAt")
        events: list[EventDetail] = [_event(MaintenanceWindowScheduled, window, actor, now)]
        if window.status is WindowStatus.SCHEDULED:
            events += _arm(window, IncidentTimerStep.WINDOW_START, max(now, window.starts_at), now)
        return events + _arm(window, IncidentTimerStep.WINDOW_END, max(now, window.silences_until), now)

    return _change(window_id, decide, store=store, now=now, live=True)


def cancel_window(window_id: str, actor: Actor, *, store: WindowStorePort, now: datetime) -> MaintenanceWindow:
    def decide(window: MaintenanceWindow) -> list[EventDetail]:
        if window.status is WindowStatus.ACTIVE:
            raise Conflict("The window has started: end it now with PATCH endsAt set to the current time.", code="window_active")
        window.status, window.timers = WindowStatus.CANCELLED, {}
        return [_event(MaintenanceWindowCancelled, window, actor, now)]

    return _change(window_id, decide, store=store, now=now, live=False)


def run_window_step(
    window_id: str, step: IncidentTimerStep, token: str, *, store: WindowStorePort, now: datetime, calendar: BusinessCalendar
) -> bool:
    """The window's timer step, if the window still holds its token: its start, or its end (after the settle
    time) with its still-firing alerts handed to the incidents. True when it was current."""
    window = store.read_window(window_id)
    timer = window.timers.get(step) if window else None
    if window is None or timer is None or timer.token != token or window.status not in (WindowStatus.SCHEDULED, WindowStatus.ACTIVE):
        return False
    if step is IncidentTimerStep.WINDOW_START:

        def start(window: MaintenanceWindow) -> list[EventDetail]:
            window.timers.pop(step, None)
            window.status = WindowStatus.ACTIVE
            return [_event(MaintenanceWindowStarted, window, AUTOMATION_ACTOR, now)]

        _change(window_id, start, store=store, now=now, live=True, token=(step, token))
        return True
    silenced = store.silenced_alerts(window.account_id, window_id)
    still_firing = [alert for alert in silenced if alert.firing]
    release_alerts(window.account_id, still_firing, window_id, store=store, now=now, calendar=calendar)

    def end(window: MaintenanceWindow) -> list[EventDetail]:
        window.timers.pop(step, None)
        window.status = WindowStatus.ENDED
        lines = [alert_line(alert) for alert in silenced if alert.first_triggered_at][:MAX_ALERT_LINES]
        counts = {"suppressed_count": window.suppressed_count, "still_firing_count": len(still_firing)}
        return [_event(MaintenanceWindowEnded, window, AUTOMATION_ACTOR, now, suppressed_alerts=lines, **counts)]

    _change(window_id, end, store=store, now=now, live=False, token=(step, token))
    return True


def _change(
    window_id: str,
    decide: Callable[[MaintenanceWindow], list[EventDetail]],
    *,
    store: WindowStorePort,
    now: datetime,
    live: bool,
    token: tuple[IncidentTimerStep, str] | None = None,
) -> MaintenanceWindow:
    """Reads, decides on a copy, saves with the account's live windows (the window in them when `live`)."""
    for _ in range(MAX_ATTEMPTS):
        window = store.read_window(window_id)
        if window is None or window.status in (WindowStatus.ENDED, WindowStatus.CANCELLED):
            if window is None:
                raise NotFound(f"No maintenance window {window_id}; list the account's windows with GET /alerts/maintenance-windows.")
            raise Conflict(f"The window has {window.status.value}: schedule a new one.", code=f"window_{window.status.value}")
        if token and window.timers.get(token[0], IncidentTimer(token="", due_at=now)).token != token[1]:
            return window  # the step's timer was replaced meanwhile
        changed = window.model_copy(deep=True)
        changed.version, changed.modified_at = window.version + 1, now
        events = decide(changed)
        lines, live_version = store.read_live_windows(window.account_id)
        others = [line for line in lines if line.window_id != window_id]
        try:
            store.save_window(
                changed,
                before_version=window.version,
                live=[*others, _live(changed)] if live else others,
                live_version=live_version,
                events=events,
                now=now,
            )
            return changed
        except ConcurrentChange:
            continue
    raise ConcurrentChange(f"window {window_id}: still changing after {MAX_ATTEMPTS} attempts")


def _live(window: MaintenanceWindow) -> LiveWindow:
    return LiveWindow(window_id=window.window_id, starts_at=window.starts_at, ends_at=window.ends_at, devices=window.devices)


def _arm(window: MaintenanceWindow, step: IncidentTimerStep, due: datetime, now: datetime) -> list[EventDetail]:
    token = secrets.token_hex(16)
    window.timers[step] = IncidentTimer(token=token, due_at=due)
    return [timer_started(window.account_id, window.window_id, window.version, step, token, due, now)]


def _event(
    kind: type[MaintenanceWindowEvent], window: MaintenanceWindow, actor: Actor, now: datetime, **extra: Any
) -> MaintenanceWindowEvent:
    """The window's event; an Ended one carries `extra` (what it silenced)."""
    return kind(
        event_key=f"alerts:{window.window_id}:{window.version}:{kind.detail_type.value}",
        window_id=window.window_id,
        account_id=window.account_id,
        case_number=window.case_number,
        starts_at=window.starts_at,
        ends_at=window.ends_at,
        devices=window.devices,
        actor=actor,
        occurred_at=now,
        **extra,
    )
