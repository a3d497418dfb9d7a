"""The cases domain's events on the bus: names and detail shapes in one place."""

from __future__ import annotations

from functions.cases.models.case import Case
from functions.cases.models.lifecycle import CaseUpdate
from functions.shared.auth import Caller
from functions.shared.domain_event import DomainEvent, excerpt

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


def event_key(case: Case, detail_type: str, extra: dict) -> str:
    """The change's identity: every delivery of the event carries it, so consumers act on it once. A
    change may start or stop both timers, hence the timer's kind in theirs."""
    timer = f"#{extra['timer']}" if "timer" in extra else ""
    return f"{case.case_number}#{case.version}#{detail_type}{timer}"


def case_event_detail(case: Case, actor: Caller, occurred_at: str) -> dict:
    return {
        "version": case.version,
        "byCustomer": not actor.is_staff,
        "caseNumber": case.case_number,
        "accountId": case.account_id,
        "contactId": case.contact_id,
        "caseType": case.case_type.value,
        "subject": case.subject,
        "priority": case.priority.value,
        "status": case.status.value,
        "channel": case.channel.value,
        "subStatus": case.sub_status,
        "ownerId": case.owner_id,
        "actor": {"userId": actor.user_id, "role": actor.role, "contactId": actor.contact_id},
        "occurredAt": occurred_at,
    }


def update_detail(update: CaseUpdate | None) -> dict:
    """What every event of a change that posted an update says of it: its id and an excerpt; a consumer
    that needs the whole text reads the update (the text may be 64 KiB, the event stays small)."""
    if update is None:
        return {}
    return {"updateId": update.update_id, "updateKind": update.kind.value, "excerpt": excerpt(update.text)}


def case_events(case: Case, actor: Caller, occurred_at: str, announced: list[tuple[str, dict]], **common) -> list[DomainEvent]:
    """Each announced (detail type, extra detail) on the case, as the events its change records."""
    return [
        DomainEvent(
            EVENT_SOURCE,
            detail_type,
            {**case_event_detail(case, actor, occurred_at), **common, **extra, "eventKey": event_key(case, detail_type, extra)},
        )
        for detail_type, extra in announced
    ]
