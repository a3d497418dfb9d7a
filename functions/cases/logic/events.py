"""The cases domain's events on the bus: what a change announces (functions/shared/contracts.py), with the
case after it, as the events its transaction records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from functions.cases.models.case import Case
from functions.cases.models.lifecycle import CaseUpdate
from functions.shared.auth import Caller
from functions.shared.contracts import CASE_EVENTS, Actor, Announcement, CaseEvent, TimerStart, TimerStop
from functions.shared.domain_event import DomainEvent, excerpt


def event_key(case: Case, announced: Announcement) -> str:
    """The change's identity: every delivery of the event carries it, so consumers act on it once. A
    change may start or stop both timers, hence the timer's kind in theirs."""
    timer = f"#{announced.timer}" if isinstance(announced, TimerStart | TimerStop) else ""
    return f"{case.case_number}#{case.version}#{announced.detail_type}{timer}"


def case_event(
    case: Case,
    actor: Caller,
    occurred_at: datetime,
    announced: Announcement,
    *,
    changed_fields: list[str] | None = None,
    update: CaseUpdate | None = None,
) -> CaseEvent:
    """The announced event's detail. `changed_fields` and `update` are the change's (an opening has none):
    free text never travels whole, an update is named with an excerpt (docs/architecture.md, "Small events")."""
    fields: dict[str, Any] = {
        "event_key": event_key(case, announced),
        "version": case.version,
        "by_customer": not actor.is_staff,
        "case_number": case.case_number,
        "account_id": case.account_id,
        "contact_id": case.contact_id,
        "case_type": case.case_type.value,
        "subject": case.subject,
        "priority": case.priority.value,
        "status": case.status.value,
        "channel": case.channel.value,
        "sub_status": case.sub_status,
        "owner_id": case.owner_id,
        "actor": Actor.of(actor),
        "occurred_at": occurred_at,
    }
    if case.monitoring_group_id is not None:  # a monitoring case: every event names its incident
        fields["monitoring_group_id"] = case.monitoring_group_id
    if changed_fields is not None:
        fields["changed_fields"] = changed_fields
    if update is not None:
        fields.update(update_id=update.update_id, update_kind=update.kind.value, excerpt=excerpt(update.text))
    return CASE_EVENTS[announced.detail_type].model_validate(fields | announced.model_dump(exclude_unset=True))


def case_events(
    case: Case,
    actor: Caller,
    occurred_at: datetime,
    announced: Sequence[Announcement],
    *,
    changed_fields: list[str] | None = None,
    update: CaseUpdate | None = None,
) -> list[DomainEvent]:
    """Each announced event on the case, as the events its change records."""
    return [case_event(case, actor, occurred_at, each, changed_fields=changed_fields, update=update).domain_event() for each in announced]
