"""One case per incident, not per alert (the monitoring alerts spec, "Rules"): what a batch's alert changes
mean for one account's incidents. Pure: the processor reads the account's state (`AccountState`), this
decides (`AccountOutcome`), the processor writes it all in one transaction, conditional on what it read,
and decides again on a conflict, so two processors racing on one account settle on one incident.

A newly firing alert joins the open incident of its device; else the account's incident opened within the
account window (30 min by default) whose case is not closed; else, if its severity opens cases, it opens an
incident. A new incident in business hours (or of an account monitored around the clock) asks for its
1-Prod Down case at once; outside business hours it is held until the next business opening. Alerts that
join an incident with a case are digested quietly, at most once per digest interval. A flapping alert never
opens an incident."""

from __future__ import annotations

import secrets
from datetime import datetime

from functions.alerts.models.alerts import (
    AccountOutcome,
    AccountPointer,
    AccountState,
    Alert,
    AlertGroup,
    GroupStatus,
    IncidentTimer,
)
from functions.alerts.models.settings import AfterHours, AlertSettings, OnRecovery
from functions.shared.auth import AUTOMATION_ROLE
from functions.shared.business_time import BusinessCalendar
from functions.shared.contracts import (
    MAX_ALERT_LINES,
    Actor,
    AlertLine,
    CaseRequestReason,
    EventDetail,
    IncidentTimerStep,
    MonitoringAlertsAttached,
    MonitoringAlertsRecovered,
    MonitoringCaseRequested,
    MonitoringGroupHeld,
    MonitoringTimerStarted,
)

AUTOMATION_ACTOR = Actor(user_id=AUTOMATION_ROLE, role=AUTOMATION_ROLE)


def new_group_id(now: datetime) -> str:
    """32 hex digits, time first, so an account's incidents list oldest first."""
    return f"{int(now.timestamp() * 1000):012x}{secrets.token_hex(10)}"


def alert_line(alert: Alert) -> AlertLine:
    assert alert.first_triggered_at is not None
    return AlertLine(
        dedup_key=alert.dedup_key,
        device=alert.device,
        severity=alert.severity.value,
        summary=alert.summary,
        first_triggered_at=alert.first_triggered_at,
    )


def decide(
    state: AccountState, folded: list[Alert], *, now: datetime, calendar: BusinessCalendar, released: frozenset[str] = frozenset()
) -> AccountOutcome:
    """The account's incidents after its alerts changed from `state.alerts` to `folded`. `released`: alerts a
    maintenance window silenced until its end, still firing, to be taken as newly firing."""
    decision = _Decision(state, now, calendar, released)
    for alert in sorted(folded, key=lambda alert: (alert.first_triggered_at or alert.state_at, alert.dedup_key)):
        decision.take(alert)
    return decision.finish()


class _Decision:
    def __init__(self, state: AccountState, now: datetime, calendar: BusinessCalendar, released: frozenset[str]) -> None:
        self.state, self.now, self.calendar, self.released = state, now, calendar, released
        self.outcome = AccountOutcome()
        self.account_pointer = state.account_pointer
        self.opened: dict[str, list[Alert]] = {}  # new incidents: the alerts they open with
        self.joined: dict[str, list[Alert]] = {}  # existing incidents: alerts that joined

    def group(self, group_id: str | None) -> AlertGroup | None:
        if group_id is None:
            return None
        return self.outcome.groups.get(group_id) or self.state.groups.get(group_id)

    def touch(self, group: AlertGroup) -> AlertGroup:
        if group.group_id not in self.outcome.groups:
            self.outcome.groups[group.group_id] = group.model_copy(deep=True)
        return self.outcome.groups[group.group_id]

    def take(self, alert: Alert) -> None:
        before = self.state.alerts.get(alert.dedup_key)
        started = alert.firing and (before is None or not before.firing or before.instance < alert.instance)
        stopped = not alert.firing and before is not None and before.firing and before.group_id is not None
        if started and (window := self._silencing(alert)):
            alert.suppressed_by = window
        if alert.suppressed_by is not None:  # recorded and counted; it opens, joins and tells nothing
            new_triggers = alert.trigger_count - (before.trigger_count if before and before.instance == alert.instance else 0)
            self.outcome.suppressed[alert.suppressed_by] = self.outcome.suppressed.get(alert.suppressed_by, 0) + new_triggers
        elif started or alert.dedup_key in self.released:
            self.join(alert)
        elif stopped and before is not None:
            self.resolve(alert, before.group_id)
        self.outcome.alerts.append(alert)  # a repeat changes its count only

    def _silencing(self, alert: Alert) -> str | None:
        """The maintenance window that silences the alert now, if any."""
        return next((window.window_id for window in self.state.windows if window.covers(alert.device, self.now)), None)

    def join(self, alert: Alert) -> None:
        opens_cases = alert.severity in self.state.settings.case_severities
        group = self._joinable(alert)
        if group is None and (not opens_cases or alert.flapping):
            return  # recorded; feeds insights, opens nothing
        if group is None:
            group = self._open(alert)
            self.opened[group.group_id] = [alert]
        else:
            group = self.touch(group)
            joining = self.opened if group.group_id in self.opened else self.joined
            joining.setdefault(group.group_id, []).append(alert)
        alert.group_id = group.group_id
        if alert.dedup_key not in group.alert_keys:
            group.alert_keys.append(alert.dedup_key)
        if alert.dedup_key not in group.firing_keys:
            group.firing_keys.append(alert.dedup_key)
        if alert.device not in group.devices:
            group.devices.append(alert.device)
        group.alert_count += 1
        group.last_firing_at = max(group.last_firing_at, alert.state_at)
        group.recovered_at, group.recovery_told = None, False
        self.outcome.device_pointers[alert.device] = group.group_id

    def _joinable(self, alert: Alert) -> AlertGroup | None:
        device_pointer = self.outcome.device_pointers.get(alert.device) or self.state.device_pointers.get(alert.device)
        if (group := self.group(device_pointer)) and group.accepts_alerts:
            return group
        pointer = self.account_pointer
        if pointer is None or pointer.opened_at < self.now - self.state.settings.account_window:
            return None
        group = self.group(pointer.group_id)
        return group if group and group.accepts_alerts else None

    def _open(self, alert: Alert) -> AlertGroup:
        assert alert.first_triggered_at is not None
        group = AlertGroup(
            group_id=new_group_id(self.now),
            account_id=self.state.account_id,
            device=alert.device,
            severity=alert.severity,
            summary=alert.summary,
            status=GroupStatus.HELD if self._reason() is None else GroupStatus.REQUESTED,
            opened_at=self.now,
            detected_at=alert.first_triggered_at,
            opens_at=None if self._reason() else self.calendar.next_business_open(self.now),
            alert_count=0,
            last_firing_at=alert.state_at,
        )
        self.outcome.groups[group.group_id] = group
        self.account_pointer = self.outcome.account_pointer = AccountPointer(group.group_id, self.now)
        return group

    def _reason(self) -> CaseRequestReason | None:
        """Why a new incident asks for its case now; None: it is held."""
        if self.state.around_the_clock or self.state.settings.after_hours is AfterHours.OPEN:
            return "around-the-clock"
        return "business-hours" if self.calendar.is_business_time(self.now) else None

    def resolve(self, alert: Alert, group_id: str | None) -> None:
        group = self.group(group_id)
        if group is None or alert.dedup_key not in group.firing_keys:
            return
        group = self.touch(group)
        group.firing_keys.remove(alert.dedup_key)
        if not group.firing_keys:
            group.recovered_at = alert.state_at

    def finish(self) -> AccountOutcome:
        settings, events = self.state.settings, self.outcome.events
        for group in self.outcome.groups.values():
            group.version += 1  # a new one is written as version 1
        for group_id, alerts in self.opened.items():
            group = self.outcome.groups[group_id]
            hold_pending(group, alerts)
            if group.status is GroupStatus.HELD:
                assert group.opens_at is not None
                events.append(
                    MonitoringGroupHeld(
                        **_facts(group, self.now, "held"),
                        summary=group.summary,
                        severity=group.severity.value,
                        detected_at=group.detected_at,
                        opens_at=group.opens_at,
                    )
                )
                events += arm(group, IncidentTimerStep.OPENING, group.opens_at, self.now)
            else:
                reason = self._reason()
                assert reason is not None
                events.append(request_case(group, reason=reason, actor=AUTOMATION_ACTOR, now=self.now))
        for group_id, alerts in self.joined.items():
            hold_pending(self.outcome.groups[group_id], alerts)
        for group in self.outcome.groups.values():
            events += follow_up(group, settings, self.now)
        return self.outcome


def hold_pending(group: AlertGroup, alerts: list[Alert]) -> None:
    """Alerts not yet told to the case: its request names them, or its next digest."""
    group.pending_digest = (group.pending_digest + [alert_line(alert) for alert in alerts])[:MAX_ALERT_LINES]
    group.pending_count += len(alerts)


def follow_up(group: AlertGroup, settings: AlertSettings, now: datetime) -> list[EventDetail]:
    """What an incident with a case owes it now, or later by a timer: the digest of the alerts joined (at
    most one per digest interval), and the settle time's check once no alert fires."""
    events: list[EventDetail] = []
    if group.status is GroupStatus.OPEN and group.pending_count:
        due = now if group.last_digest_at is None else max(now, group.last_digest_at + settings.digest_interval)
        events += [digest(group, now)] if due <= now else arm(group, IncidentTimerStep.DIGEST, due, now)
    if group.accepts_alerts and not group.firing_keys and group.recovered_at is not None and not group.recovery_told:
        events += arm(group, IncidentTimerStep.SETTLE, max(now, group.recovered_at + settings.settle_time), now)
    return events


def recovered(group: AlertGroup, settings: AlertSettings, now: datetime) -> MonitoringAlertsRecovered:
    """The note that every alert of the incident has recovered (a person closes the case, unless the account
    opted in to closing an untouched one)."""
    assert group.case_number is not None and group.recovered_at is not None
    return MonitoringAlertsRecovered(
        **_facts(group, now, "recovered"),
        case_number=group.case_number,
        recovered_at=group.recovered_at,
        close_if_untouched=settings.on_recovery is OnRecovery.CLOSE_IF_UNTOUCHED,
    )


def digest(group: AlertGroup, now: datetime) -> MonitoringAlertsAttached:
    """The quiet update on the case: the alerts joined since the last one."""
    assert group.case_number is not None
    event = MonitoringAlertsAttached(
        **_facts(group, now, "digest"),
        case_number=group.case_number,
        new_alerts=group.pending_digest,
        new_alert_count=group.pending_count,
    )
    group.pending_digest, group.pending_count, group.last_digest_at = [], 0, now
    return event


def arm(group: AlertGroup, step: IncidentTimerStep, due: datetime, now: datetime) -> list[EventDetail]:
    """Sets the incident's timer for `step` (a new token: the execution of an earlier one does nothing),
    unless it is already set for that time."""
    current = group.timers.get(step)
    if current is not None and current.due_at == due:
        return []
    token = secrets.token_hex(16)
    group.timers[step] = IncidentTimer(token=token, due_at=due)
    return [timer_started(group.account_id, group.group_id, group.version, step, token, due, now)]


def timer_started(
    account_id: str, subject_id: str, version: int, step: IncidentTimerStep, token: str, due: datetime, now: datetime
) -> MonitoringTimerStarted:
    """The event that has the followups domain run the timer (of an incident, or of a maintenance window)."""
    return MonitoringTimerStarted(
        event_key=f"alerts:{subject_id}:{version}:timer-{step.value}",
        group_id=subject_id,
        account_id=account_id,
        occurred_at=now,
        step=step,
        token=token,
        due_at=due,
    )


def request_case(group: AlertGroup, *, reason: CaseRequestReason, actor: Actor, now: datetime) -> MonitoringCaseRequested:
    """The request for the incident's case, naming the alerts not yet told to it; the cases domain opens one
    case per incident, whatever the repeats."""
    group.status = GroupStatus.REQUESTED
    event = MonitoringCaseRequested(
        **_facts(group, now, "case-requested"),
        reason=reason,
        summary=group.summary,
        severity=group.severity.value,
        detected_at=group.detected_at,
        alerts=group.pending_digest or [_first_line(group)],
        actor=actor,
    )
    group.pending_digest, group.pending_count = [], 0
    return event


def _first_line(group: AlertGroup) -> AlertLine:
    return AlertLine(
        dedup_key=group.alert_keys[0],
        device=group.device,
        severity=group.severity.value,
        summary=group.summary,
        first_triggered_at=group.detected_at,
    )


def _facts(group: AlertGroup, now: datetime, change: str) -> dict:
    """What every event of the incident says; its key names the incident's version, the same on a retry."""
    return {
        "event_key": f"alerts:{group.group_id}:{group.version}:{change}",
        "group_id": group.group_id,
        "account_id": group.account_id,
        "device": group.device,
        "alert_count": max(group.alert_count, 1),
        "occurred_at": now,
    }
