"""Other domains' events the cases domain reacts to (models/delivery.py EVENT_PATTERN), each to its rule: the
purge job's CaseFilesPurged marks the case (mark_files_purged.py); the alerts domain's incidents open and
annotate their cases (monitoring_cases.py), and its maintenance windows are told to their maintenance cases
(maintenance_cases.py); the updates domain's weekly check opens an account's behind-GA case (behind_ga_cases.py).
Every one is safe to deliver twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from functions.cases.logic.behind_ga_cases import open_behind_ga_case
from functions.cases.logic.case_store import CaseStore
from functions.cases.logic.maintenance_cases import note_maintenance_window
from functions.cases.logic.mark_files_purged import handle_purge_event
from functions.cases.logic.monitoring_cases import note_alerts_attached, note_alerts_recovered, open_monitoring_case
from functions.cases.models.bus_events import Outcome
from functions.shared.bus_event import BusEvent
from functions.shared.contracts import (
    MAINTENANCE_WINDOW_EVENTS,
    CaseFilesPurged,
    GatewaysBehindGa,
    MonitoringAlertsAttached,
    MonitoringAlertsRecovered,
    MonitoringCaseRequested,
)
from functions.shared.observability import logger

Handler = Callable[[BusEvent, CaseStore, datetime], Outcome]


def _open(event: BusEvent, store: CaseStore, now: datetime) -> Outcome:
    opened = open_monitoring_case(MonitoringCaseRequested.model_validate(event.detail), store=store, now=now)
    return Outcome.OPENED if opened else Outcome.UNCHANGED


def _attached(event: BusEvent, store: CaseStore, now: datetime) -> Outcome:
    return note_alerts_attached(MonitoringAlertsAttached.model_validate(event.detail), store=store, now=now)


def _recovered(event: BusEvent, store: CaseStore, now: datetime) -> Outcome:
    return note_alerts_recovered(MonitoringAlertsRecovered.model_validate(event.detail), store=store, now=now)


def _behind_ga(event: BusEvent, store: CaseStore, now: datetime) -> Outcome:
    opened = open_behind_ga_case(GatewaysBehindGa.model_validate(event.detail), store=store, now=now)
    return Outcome.OPENED if opened else Outcome.UNCHANGED


def _maintenance(event: BusEvent, store: CaseStore, now: datetime) -> Outcome:
    model = next(model for model in MAINTENANCE_WINDOW_EVENTS if model.detail_type == event.detail_type)
    return note_maintenance_window(model.model_validate(event.detail), store=store, now=now)


HANDLERS: dict[tuple[str, str], Handler] = {
    (CaseFilesPurged.source, CaseFilesPurged.detail_type): lambda event, store, now: handle_purge_event(event, store=store, now=now),
    (MonitoringCaseRequested.source, MonitoringCaseRequested.detail_type): _open,
    (MonitoringAlertsAttached.source, MonitoringAlertsAttached.detail_type): _attached,
    (MonitoringAlertsRecovered.source, MonitoringAlertsRecovered.detail_type): _recovered,
    **{(model.source, model.detail_type): _maintenance for model in MAINTENANCE_WINDOW_EVENTS},
    (GatewaysBehindGa.source, GatewaysBehindGa.detail_type): _behind_ga,
}


def handle_bus_event(event: BusEvent, *, store: CaseStore, now: datetime) -> Outcome:
    """What the event did to the cases (a malformed detail raises: the queue retries it, then dead-letters it)."""
    handler = HANDLERS.get((event.source, event.detail_type))  # a StrEnum is its value as a key
    if handler is None:
        logger.info("event ignored: not one this domain handles", extra={"source": event.source, "detail_type": event.detail_type})
        return Outcome.IGNORED
    return handler(event, store, now)
