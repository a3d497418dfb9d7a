"""Every change to an existing case goes through here: read it (404 across tenants) with its
Idempotency-Key's record, honour If-Match, let a decision compute the new state, then write the case, its
history entry, its update, its events (the outbox) and the key's answer in one conditional transaction.
The request path never calls the bus: the table's stream publishes what the transaction recorded.

Without If-Match a concurrent writer never loses an update: on a version conflict the decision is made
again on the fresh case (its rules may now refuse, which is then the answer)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypedDict

from functions.cases.logic.case_store import CaseStore
from functions.cases.logic.events import case_events
from functions.cases.logic.response_targets import response_due
from functions.cases.logic.timers import TimerEvent, reconcile_timers
from functions.cases.models.actions import CaseAction
from functions.cases.models.case import Case, ClosedSubStatus, Status
from functions.cases.models.lifecycle import CaseUpdate, FieldChange, HistoryEntry, PreparedChange, UpdateKind
from functions.cases.models.records import IdempotencyKeyTaken, StaleCase
from functions.shared.access import visible
from functions.shared.auth import Caller
from functions.shared.clock import to_iso
from functions.shared.contracts import Announcement, Updated
from functions.shared.domain_event import DomainEvent
from functions.shared.errors import PreconditionFailed, ServiceUnavailable
from functions.shared.idempotency import IdempotentRequest, replayable
from functions.shared.models import Actor

MAX_ATTEMPTS = 20
BACKOFF_CAP_SECONDS = 0.25  # full jitter: a crowd of writers on one case spreads out instead of colliding again
# Fields whose change is not itself news in the history (timers announce themselves as events, and the
# next automated action is derived from them).
# An installation case's record is set at its opening; cancelling it only lets its entitlement go.
BOOKKEEPING = {"modified_at", "version", "timers", "next_automated_action", "installation"}
UPDATES_FIELD = "updates"  # the history's name for an update posted with the change


PostedUpdate = tuple[UpdateKind, str]  # the kind and the text of the update a change posts


class EscalationAnswer(TypedDict):
    """What an escalation's answer says besides the case (EscalationOutcome)."""

    outcome: Literal["applied", "recorded"]
    message: str


@dataclass
class Decision:
    """What an action does to a case: its new fields (Case field names), the update it posts, the events it
    announces (the case's fields are added when the change commits), and what the answer says besides the
    case (an escalation's outcome)."""

    action: CaseAction
    fields: dict[str, Any] = field(default_factory=dict)
    update: PostedUpdate | None = None
    events: list[Announcement] = field(default_factory=list)
    answer: EscalationAnswer | None = None


@dataclass(frozen=True)
class Changed:
    case: Case
    update: CaseUpdate | None
    answer: EscalationAnswer | None = None
    replayed: bool = False  # the answer of an earlier request with the same Idempotency-Key

    def stored(self) -> dict[str, Any]:
        """The answer as its Idempotency-Key's record keeps it."""
        return {
            "case": self.case.model_dump(mode="json"),
            "update": self.update.model_dump(mode="json") if self.update else None,
            "answer": self.answer,
        }

    @classmethod
    def replay(cls, stored: dict[str, Any] | None) -> Changed:
        if stored is None:
            raise ValueError("an Idempotency-Key's record of a change has its answer")
        update = CaseUpdate.model_validate(stored["update"]) if stored.get("update") else None
        return cls(Case.model_validate(stored["case"]), update, stored.get("answer"), replayed=True)


def change_case(
    case_number: str,
    caller: Caller,
    decide: Callable[[Case], Decision],
    *,
    if_match: frozenset[int] | None,
    store: CaseStore,
    now: datetime,
    idempotency: IdempotentRequest | None = None,
    applied_event: str | None = None,
) -> Changed:
    """`applied_event`: the key of another domain's event this change applies, marked on the case in the same
    transaction; EventAlreadyApplied (before anything is written) when the case holds it already."""
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            time.sleep(random.uniform(0, min(BACKOFF_CAP_SECONDS, 0.01 * 2**attempt)))  # noqa: S311 (jitter, not crypto)
        before, record = store.read_for_change(case_number, idempotency.scope_key if idempotency else None)
        before = visible(case_number, before, caller)
        if replay := replayable(record, idempotency, now):
            return Changed.replay(replay.answer)
        if if_match is not None and before.version not in if_match:
            raise _stale(before.version)
        decision = decide(before)
        prepared = prepare_change(before, decision, caller, now)
        changed = Changed(prepared.after, prepared.update, decision.answer)
        try:
            store.commit_change(
                before.version,
                prepared.after,
                prepared.history,
                prepared.update,
                prepared.events,
                idempotency=(idempotency, changed.stored()) if idempotency else None,
                rate_limited=None if caller.is_automation else caller.user_id,
                applied_event=applied_event,
                frees_quota=prepared.frees_quota,
                now=now,
            )
        except StaleCase:
            if if_match is not None:
                raise _stale(before.version + 1) from None
            continue
        except IdempotencyKeyTaken:
            continue  # a concurrent request with the same key committed first: answer with its answer
        return changed
    raise ServiceUnavailable("The case is being changed by many people at once; retry in a moment with the same Idempotency-Key.")


def prepare_change(before: Case, decision: Decision, caller: Caller, now: datetime) -> PreparedChange:
    after, history, update, timer_events = _apply(before, decision, caller, now)
    frees_quota = None
    installation = before.installation
    if installation and installation.quota_key and after.status is Status.CLOSED:
        # The installation case's first closure settles its entitlement (docs/architecture.md, "Platform updates"):
        # cancelled before it was done, it is free again; done, it stays used, and no later cancel frees it.
        cancelled = after.sub_status == ClosedSubStatus.CANCELLED.value
        frees_quota = installation.quota_key if cancelled else None
        settled = {"quota_key": None, **({"quota": None} if cancelled else {})}
        after = after.model_copy(update={"installation": installation.model_copy(update=settled)})
    events = _events(after, caller, now, decision, history, update, timer_events)
    return PreparedChange(before.version, after, history, update, events, frees_quota)


def _events(
    after: Case,
    caller: Caller,
    now: datetime,
    decision: Decision,
    history: HistoryEntry,
    update: CaseUpdate | None,
    timer_events: list[TimerEvent],
) -> list[DomainEvent]:
    """Every change is on the bus (a change with no event of its own as CaseUpdated), each event naming
    the fields that changed and the update it posted."""
    changed_fields = [change.field for change in history.changes]
    announced = [*(decision.events or [Updated()]), *timer_events]
    return case_events(after, caller, now, announced, changed_fields=changed_fields, update=update)


def _apply(
    before: Case, decision: Decision, caller: Caller, now: datetime
) -> tuple[Case, HistoryEntry, CaseUpdate | None, list[TimerEvent]]:
    version = before.version + 1
    fields = {**decision.fields, "modified_at": now, "version": version}
    if before.first_response_at is None:
        if caller.is_staff and not caller.is_automation and decision.update is not None:  # support said something to the customer
            fields["first_response_at"] = now
        elif fields.get("priority", before.priority) != before.priority:  # still unanswered: the new target applies
            due = response_due(before.created_at, fields["priority"])
            fields.update(response_due_at=due.due_at, response_rule=due.rule)
    after = before.model_copy(update=fields)
    timers, timer_events = reconcile_timers(before, after, decision.action, now)
    after = after.with_timers(timers)
    changes = field_changes(before, after)
    actor = Actor.of(caller)
    history = HistoryEntry(entry_id=str(version), action=decision.action, actor=actor, at=now, changes=changes)
    update = None
    if decision.update:
        kind, text = decision.update
        update = CaseUpdate(update_id=str(version), kind=kind, author=actor, text=text, created_at=now)
        history.changes.append(FieldChange(field=UPDATES_FIELD, from_value=None, to_value=f"{kind.value} #{version}"))
    return after, history, update, timer_events


def field_changes(before: Case, after: Case) -> list[FieldChange]:
    """The history's changes between two states of a case (an update posted is added as `updates`)."""
    return [
        FieldChange(field=field_name(name), from_value=as_text(getattr(before, name)), to_value=as_text(getattr(after, name)))
        for name in Case.model_fields
        if name not in BOOKKEEPING and getattr(before, name) != getattr(after, name)
    ]


def field_name(name: str) -> str:
    """A Case field as the API names it (subStatus, not sub_status)."""
    return Case.model_fields[name].alias or name


def as_text(value: object) -> str | None:
    if isinstance(value, datetime):
        return to_iso(value)  # a time in the history reads as the API shows it
    return None if value is None else str(getattr(value, "value", value))


def _stale(current_version: int) -> PreconditionFailed:
    return PreconditionFailed(
        f"The case changed since you read it (it is now at version {current_version}); reload it and apply your change again.",
        field="If-Match",
    )
