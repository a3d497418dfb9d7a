"""Folding an alert's events into its state (the monitoring alerts spec, "Rules"): pure, so the processor
folds a whole batch per key before it writes (a storm reaches the alert's item once per batch).

What does not depend on delivery order or on how deliveries are batched: the state and the event that set it
(last writer wins by the monitor's clamped timestamp, then the action, then the intake's event id), and, for
an alert that only triggers, its count, its first trigger and its summary (the newest trigger's). Where
resolves interleave with late triggers, a trigger older than the current instance is counted as late and
ignored: which instance an out-of-order event belongs to cannot be known without keeping every event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from functions.alerts.models.alerts import (
    ACTION_RANK,
    FLAPPING_TRANSITIONS,
    FLAPPING_WINDOW,
    RECENT_EVENT_IDS,
    Alert,
    AlertState,
)
from functions.alerts.models.events import EventAction, Severity, clamp_timestamp
from functions.alerts.models.received import ReceivedEvent

UNKNOWN_DEVICE = "(unknown device)"
NEVER_TRIGGERED = "A resolve was received for an alert never triggered; recorded and ignored."


def event_time(received: ReceivedEvent) -> datetime:
    sent = received.event.payload.timestamp if received.event.payload else None
    return clamp_timestamp(sent, received.received_at)


def _order(received: ReceivedEvent) -> tuple[datetime, int, str]:
    return event_time(received), ACTION_RANK[received.event.event_action], received.event_id


def fold_alert(alert: Alert | None, events: Iterable[ReceivedEvent]) -> Alert | None:
    """The alert after these events (all of one account and key), or None when they change nothing: every one
    a retransmit (an event id already seen), or only acknowledges of an alert never triggered."""
    seen = set(alert.recent_event_ids) if alert else set()
    fresh = sorted({event.event_id: event for event in events if event.event_id not in seen}.values(), key=_order)
    if not fresh:
        return None
    for received in fresh:
        if alert is None and received.event.event_action is EventAction.ACKNOWLEDGE:
            continue  # acknowledging an alert never triggered says nothing
        alert = _apply(alert, received)
    if alert is None:
        return None
    alert.recent_event_ids = (alert.recent_event_ids + [event.event_id for event in fresh])[-RECENT_EVENT_IDS:]
    alert.last_received_at = max(alert.last_received_at, max(event.received_at for event in fresh))
    return alert


def _apply(alert: Alert | None, received: ReceivedEvent) -> Alert:
    action, at = received.event.event_action, event_time(received)
    if alert is None:
        return _first(received, at)
    alert = alert.model_copy(deep=True)
    _describe(alert, received, at)
    newer = _order(received) > alert.state_key()
    if action is EventAction.ACKNOWLEDGE:
        if alert.firing and newer:
            alert.acknowledged_at = max(at, alert.acknowledged_at or at)
        return alert
    if action is EventAction.TRIGGER and alert.firing:
        if alert.previous_resolved_at is not None and at <= alert.previous_resolved_at:
            alert.late_events += 1  # it belongs to an instance that has ended
            return alert
        alert.trigger_count += 1
        alert.first_triggered_at = min(at, alert.first_triggered_at or at)
        if newer:
            _take_state(alert, received, at)
        return alert
    if not newer:
        alert.late_events += 1
        return alert
    if action is EventAction.TRIGGER:  # after a resolve: a new instance
        alert.instance += 1
        alert.trigger_count = 1
        alert.first_triggered_at = at
        alert.previous_resolved_at = alert.state_at
        alert.acknowledged_at = None
        alert.group_id = alert.suppressed_by = None
    changes_state = alert.firing != (action is EventAction.TRIGGER)
    alert.state = AlertState.FIRING if action is EventAction.TRIGGER else AlertState.RESOLVED
    _take_state(alert, received, at)
    if changes_state:
        _transition(alert, at)
    return alert


def _first(received: ReceivedEvent, at: datetime) -> Alert:
    payload = received.event.payload
    triggered = received.event.event_action is EventAction.TRIGGER
    alert = Alert(
        account_id=received.account_id,
        dedup_key=received.dedup_key,
        device=payload.source if payload else UNKNOWN_DEVICE,
        severity=payload.severity if payload else Severity.INFO,
        summary=payload.summary if payload else NEVER_TRIGGERED,
        component=payload.component if payload else None,
        alert_class=payload.event_class if payload else None,
        state=AlertState.FIRING if triggered else AlertState.RESOLVED,
        state_at=at,
        state_event_id=received.event_id,
        instance=1 if triggered else 0,
        trigger_count=1 if triggered else 0,
        first_triggered_at=at if triggered else None,
        last_received_at=received.received_at,
        described_by=(at, received.event_id) if triggered else None,
    )
    if triggered:
        _transition(alert, at)
    return alert


def _take_state(alert: Alert, received: ReceivedEvent, at: datetime) -> None:
    alert.state_at, alert.state_event_id = at, received.event_id


def _describe(alert: Alert, received: ReceivedEvent, at: datetime) -> None:
    """The newest trigger describes the alert, whatever order the triggers came in."""
    payload = received.event.payload
    if payload is None or (alert.described_by is not None and (at, received.event_id) <= alert.described_by):
        return
    alert.described_by = (at, received.event_id)
    alert.device, alert.severity, alert.summary = payload.source, payload.severity, payload.summary
    alert.component, alert.alert_class = payload.component, payload.event_class


def _transition(alert: Alert, at: datetime) -> None:
    alert.transitions = [moment for moment in [*alert.transitions, at] if moment > at - FLAPPING_WINDOW]
    alert.flapping = len(alert.transitions) >= FLAPPING_TRANSITIONS
