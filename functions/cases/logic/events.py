"""The cases domain's events on the bus: names and detail shapes in one place."""

from __future__ import annotations

from typing import Protocol

from functions.cases.models.case import Case
from functions.shared.auth import Caller

EVENT_SOURCE = "dss.cases"
CASE_CREATED = "CaseCreated"
CASE_UPDATED = "CaseUpdated"
CASE_STATUS_CHANGED = "CaseStatusChanged"
CASE_PRIORITY_CHANGED = "CasePriorityChanged"
CASE_CLOSED = "CaseClosed"
CASE_REOPENED = "CaseReopened"
CASE_ESCALATED = "CaseEscalated"
# Timers (functions/cases/logic/timers.py): the followups domain starts and stops their executions.
CASE_TIMER_STARTED = "CaseTimerStarted"
CASE_TIMER_STOPPED = "CaseTimerStopped"
# Timer steps acting (functions/cases/logic/timer_steps.py): the notifications domain emails them.
CASE_FOLLOW_UP_REMINDER = "CaseFollowUpReminder"
CASE_RESPONSE_OVERDUE = "CaseResponseOverdue"


class EventPublisher(Protocol):
    def publish(self, detail_type: str, detail: dict) -> None: ...

    def publish_all(self, events: list[tuple[str, dict]]) -> None: ...


def case_event_detail(case: Case, actor: Caller, occurred_at: str, detail_type: str) -> dict:
    return {
        # The same change announced again (a retry, a replayed create) carries the same key, so consumers
        # can act on it once.
        "eventKey": f"{case.case_number}#{case.version}#{detail_type}",
        "version": case.version,
        "byCustomer": not actor.is_staff,
        "caseNumber": case.case_number,
        "accountId": case.account_id,
        "contactId": case.contact_id,
        "caseType": case.case_type.value,
        "priority": case.priority.value,
        "status": case.status.value,
        "channel": case.channel.value,
        "subStatus": case.sub_status,
        "ownerId": case.owner_id,
        "actor": {"userId": actor.user_id, "role": actor.role, "contactId": actor.contact_id},
        "occurredAt": occurred_at,
    }


def case_events(case: Case, actor: Caller, occurred_at: str, announced: list[tuple[str, dict]], **common) -> list[tuple[str, dict]]:
    """Entries for EventPublisher.publish_all: each announced (detail type, extra detail) on the case."""
    return [
        (detail_type, {**case_event_detail(case, actor, occurred_at, detail_type), **common, **extra})
        for detail_type, extra in announced
    ]
