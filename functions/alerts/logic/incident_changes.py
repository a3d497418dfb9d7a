"""Changes to one incident outside the processor: its timers' steps (functions/alerts/handlers/
handle_timer_step.py) and its case's life (the cases domain's events, functions/alerts/handlers/
handle_case_events.py). Each reads the incident, decides, and saves it with its events conditional on the
version read; a lost race reads and decides again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from functions.alerts.logic.incidents import AUTOMATION_ACTOR, arm, follow_up, recovered, request_case
from functions.alerts.models.alerts import AlertGroup, GroupStatus
from functions.alerts.models.records import ConcurrentChange
from functions.alerts.models.settings import AlertSettings
from functions.shared.contracts import DetailType, EventDetail, IncidentTimerStep

MAX_ATTEMPTS = 5


class IncidentStore(Protocol):
    def read_group(self, group_id: str) -> AlertGroup | None: ...

    def read_settings(self, account_id: str) -> AlertSettings: ...

    def save_group(self, group: AlertGroup, *, before_version: int, events: list[EventDetail], now: datetime) -> None: ...


# Decides a change of the incident (a copy, to change in place): its events, or None when it has nothing to do.
Decision = Callable[[AlertGroup, AlertSettings], list[EventDetail] | None]


def change_incident(group_id: str, decide: Decision, *, store: IncidentStore, now: datetime) -> bool:
    """True when the incident changed."""
    for _ in range(MAX_ATTEMPTS):
        group = store.read_group(group_id)
        if group is None:
            return False
        changed = group.model_copy(deep=True)
        changed.version += 1
        events = decide(changed, store.read_settings(group.account_id))
        if events is None:
            return False
        try:
            store.save_group(changed, before_version=group.version, events=events, now=now)
        except ConcurrentChange:
            continue
        return True
    raise ConcurrentChange(f"incident {group_id}: still racing after {MAX_ATTEMPTS} attempts")


def run_timer_step(group_id: str, step: IncidentTimerStep, token: str, *, store: IncidentStore, now: datetime) -> bool:
    """The step of the incident's timer, if the incident still holds its token; True when it was current."""

    def decide(group: AlertGroup, settings: AlertSettings) -> list[EventDetail] | None:
        timer = group.timers.get(step)
        if timer is None or timer.token != token:
            return None  # replaced or done: an earlier timer's execution
        del group.timers[step]
        return _STEPS[step](group, settings, now)

    return change_incident(group_id, decide, store=store, now=now)


def _opening(group: AlertGroup, settings: AlertSettings, now: datetime) -> list[EventDetail]:
    """A held incident at the business opening: its case if an alert still fires; else it recovered
    overnight and opens nothing (listed with the closed incidents for the morning)."""
    if group.status is not GroupStatus.HELD:
        return []
    if group.firing_keys:
        return [request_case(group, reason="business-opening", actor=AUTOMATION_ACTOR, now=now)]
    group.status = GroupStatus.CLOSED
    return []


def _settle(group: AlertGroup, settings: AlertSettings, now: datetime) -> list[EventDetail]:
    """No alert has fired for the settle time: one note on the case. An incident whose case is not open yet
    looks again a settle time later; a held one is left to its opening."""
    if group.firing_keys or group.recovered_at is None or not group.accepts_alerts:
        return []
    if now < group.recovered_at + settings.settle_time or group.status is GroupStatus.REQUESTED:
        return arm(group, IncidentTimerStep.SETTLE, max(now + settings.settle_time, group.recovered_at + settings.settle_time), now)
    if group.status is not GroupStatus.OPEN:
        return []
    group.recovery_told = True
    return [recovered(group, settings, now)]


def _digest(group: AlertGroup, settings: AlertSettings, now: datetime) -> list[EventDetail]:
    return follow_up(group, settings, now)


_STEPS = {IncidentTimerStep.OPENING: _opening, IncidentTimerStep.SETTLE: _settle, IncidentTimerStep.DIGEST: _digest}


def apply_case_event(detail_type: str, group_id: str, case_number: str, *, store: IncidentStore, now: datetime) -> bool:
    """The incident follows its case: opened (the alerts joined meanwhile go to the case as a digest), closed
    (new alerts start another incident), reopened. Idempotent: a redelivery changes nothing."""

    def decide(group: AlertGroup, settings: AlertSettings) -> list[EventDetail] | None:
        if detail_type == DetailType.CASE_CLOSED:
            if group.status is GroupStatus.CLOSED:
                return None
            group.status = GroupStatus.CLOSED
            return []
        if group.status is GroupStatus.OPEN or (group.case_number not in (None, case_number)):
            return None
        group.status, group.case_number = GroupStatus.OPEN, case_number
        return follow_up(group, settings, now)

    return change_incident(group_id, decide, store=store, now=now)
