"""The events as this domain reads them (functions/shared/contracts.py), by source and detail type
(`read_event`): every case event through one model, the case's fields and the own fields of the types
whose emails say them (escalations, reminders, overdue responses), each checked as its type requires when
the detail is read for that type (`CaseEventDetail.for_event`); the directory's contact events, the
alerts domain's held incidents and maintenance windows' starts and ends, and the updates domain's
Windows-update reminders through their contract models. A malformed event fails to its dead-letter queue."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationInfo, model_validator

from functions.notifications.models.delivery import (
    SUBSCRIBED_CASE_DETAIL_TYPES,
    SUBSCRIBED_MONITORING_DETAIL_TYPES,
    SUBSCRIBED_UPDATES_DETAIL_TYPES,
)
from functions.shared.auth import AUTOMATION_ROLE as AUTOMATION_ROLE  # the desk acting by itself (a timer step)
from functions.shared.bus_event import BusEvent
from functions.shared.contracts import (
    CASE_EVENTS,
    CaseFacts,
    CaseNumber,
    ContactAdded,
    ContactChanged,
    ContactEvent,
    DetailType,
    Escalation,
    EventSource,
    FollowUpReminder,
    InstallationNotice,
    MaintenanceWindowEnded,
    MaintenanceWindowStarted,
    MonitoringGroupHeld,
    ResponseOverdue,
    WindowsUpdatesReminder,
    WindowsUpdateValidationOverdue,
)

AUTO_CLOSED = "Auto-closed"  # the sub status of a case closed by the automated follow-up
# A contact event's status of a contact who may not sign in and does not count as active (the directory's
# ContactStatus.DISABLED, functions/shared/dal/directory.py; tests/unit/test_notification_contract.py).
DISABLED = "disabled"
CONTACT_EVENTS: dict[str, type[ContactEvent]] = {model.detail_type: model for model in (ContactAdded, ContactChanged)}
MonitoringDetail = MonitoringGroupHeld | MaintenanceWindowStarted | MaintenanceWindowEnded
MONITORING_EVENTS: dict[str, type[MonitoringDetail]] = {
    model.detail_type: model for model in (MonitoringGroupHeld, MaintenanceWindowStarted, MaintenanceWindowEnded)
}
UpdatesDetail = WindowsUpdateValidationOverdue | WindowsUpdatesReminder
UPDATES_EVENTS: dict[str, type[UpdatesDetail]] = {
    model.detail_type: model for model in (WindowsUpdateValidationOverdue, WindowsUpdatesReminder)
}


class CaseEventDetail(CaseFacts, Escalation, FollowUpReminder, ResponseOverdue):
    # Only in events published before updateId/excerpt: the escalation's reason.
    reason: str | None = None
    # A CaseClosed's (Closure): the installation case whose installation resolved this case.
    resolved_by_case: CaseNumber | None = None
    # A CaseCreated's (Opened): what an installation case installs, and the cases it closed as Resolved.
    installation: InstallationNotice | None = None

    @property
    def is_by_customer(self) -> bool:
        return self.by_customer if self.by_customer is not None else self.actor.is_customer

    @classmethod
    def for_event(cls, detail_type: str, detail: dict[str, Any]) -> CaseEventDetail:
        return cls.model_validate(detail, context={"detail_type": detail_type})

    @model_validator(mode="after")
    def _has_what_its_type_needs(self, info: ValidationInfo) -> CaseEventDetail:
        detail_type = (info.context or {}).get("detail_type")
        required = next((model.required for name, model in CASE_EVENTS.items() if name == detail_type), ())
        if missing := self.missing(required):
            raise ValueError(f"{detail_type} without {', '.join(missing)}")
        return self

    def notification_key(self, detail_type: str, event_id: str) -> str:
        """What one email is about, for the duplicate-delivery guard: the change's own key (a change
        announced again, by a retry or a replayed create, is a new EventBridge event but the same news).
        A timer step is keyed by what it is about instead: reminder n of the ask made at askedAt, the
        escalation at a level of the target due at responseDueAt; a retried step is the same news."""
        if detail_type == DetailType.CASE_FOLLOW_UP_REMINDER and self.asked_at and self.reminder:
            return f"{self.case_number}#{detail_type}#{self.asked_at.isoformat()}#{self.reminder}"
        if detail_type == DetailType.CASE_RESPONSE_OVERDUE and self.response_due_at and self.level:
            return f"{self.case_number}#{detail_type}#{self.response_due_at.isoformat()}#{self.level}"
        return self.event_key or event_id


def read_event(event: BusEvent) -> CaseEventDetail | ContactEvent | MonitoringDetail | UpdatesDetail | None:
    """An event's detail as this domain reads it, by its source and detail type (models/delivery.py
    SUBSCRIBED); None for an event it does not handle."""
    if event.source == EventSource.CASES and event.detail_type in SUBSCRIBED_CASE_DETAIL_TYPES:
        return CaseEventDetail.for_event(event.detail_type, event.detail)
    if event.source == EventSource.DIRECTORY and event.detail_type in CONTACT_EVENTS:
        return CONTACT_EVENTS[event.detail_type].model_validate(event.detail)
    if event.source == EventSource.ALERTS and event.detail_type in SUBSCRIBED_MONITORING_DETAIL_TYPES:
        return MONITORING_EVENTS[event.detail_type].model_validate(event.detail)
    if event.source == EventSource.UPDATES and event.detail_type in SUBSCRIBED_UPDATES_DETAIL_TYPES:
        return UPDATES_EVENTS[event.detail_type].model_validate(event.detail)
    return None
