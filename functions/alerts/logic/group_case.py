"""An engineer opens a held incident's case now (the monitoring alerts spec, "Business hours": "an engineer can
open the case with one call"): the incident goes from held to requested and its `MonitoringCaseRequested`
(reason `engineer`, the engineer as actor) is written with it in one transaction, conditional on the version
read; on a concurrent change (the processor, the opening timer, another engineer) it is read and decided again.
The cases domain opens one case per incident whatever the repeats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from functions.alerts.logic.incidents import request_case
from functions.alerts.logic.reads import group_answer
from functions.alerts.models.alerts import AlertGroup, GroupStatus
from functions.alerts.models.records import ConcurrentChange, IdempotencyKeyTaken
from functions.alerts.models.views import AlertGroupAnswer
from functions.shared.auth import Caller
from functions.shared.contracts import Actor, EventDetail
from functions.shared.errors import Conflict, Forbidden, NotFound, ServiceUnavailable
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest, replayable

MAX_ATTEMPTS = 3


class GroupCaseStore(Protocol):
    def read_idempotency(self, scope_key: str) -> IdempotencyRecord | None: ...

    def read_group(self, group_id: str) -> AlertGroup | None: ...

    def save_requested_group(
        self,
        group: AlertGroup,
        *,
        before_version: int,
        events: list[EventDetail],
        idempotency: tuple[IdempotentRequest, dict] | None,
        rate_limited: str,
        now: datetime,
    ) -> None: ...


@dataclass(frozen=True)
class Requested:
    answer: AlertGroupAnswer
    replayed: bool = False


def request_group_case(
    group_id: str, caller: Caller, *, idempotency: IdempotentRequest | None, store: GroupCaseStore, now: datetime
) -> Requested:
    if not caller.is_staff:
        raise Forbidden("Only support engineers can open an incident's case; call your support team if it is urgent.")
    for _ in range(MAX_ATTEMPTS):
        if idempotency and (replay := replayable(store.read_idempotency(idempotency.scope_key), idempotency, now)):
            return Requested(AlertGroupAnswer.model_validate(replay.answer), replayed=True)
        group = store.read_group(group_id)
        if group is None:
            raise NotFound(f"Incident {group_id} does not exist; list an account's with GET /alerts/groups?accountId=.")
        _refuse_unless_held(group)
        after = group.model_copy(deep=True)
        after.version += 1
        engineer = Actor(user_id=caller.user_id, role=caller.role)
        event = request_case(after, reason="engineer", actor=engineer, now=now)  # now requested; the event names its alerts
        answer = group_answer(after)
        try:
            store.save_requested_group(
                after,
                before_version=group.version,
                events=[event],
                idempotency=(idempotency, answer.model_dump(mode="json")) if idempotency else None,
                rate_limited=caller.user_id,
                now=now,
            )
        except (ConcurrentChange, IdempotencyKeyTaken):
            continue  # the incident moved (or a retry with the key committed): read it again and decide again
        return Requested(answer)
    raise ServiceUnavailable("The incident is changing as we speak; retry in a moment (with the same Idempotency-Key, if you sent one).")


def _refuse_unless_held(group: AlertGroup) -> None:
    if group.status in (GroupStatus.REQUESTED, GroupStatus.OPEN):
        case = f"case {group.case_number}" if group.case_number else "its case (being opened: its number shows on the incident shortly)"
        raise Conflict(
            f"Incident {group.group_id} already has {case}; work there instead of opening another.", code="case_already_requested"
        )
    if group.status is GroupStatus.CLOSED:
        raise Conflict(
            f"Incident {group.group_id} is closed (its case closed, or it recovered while held); a new alert opens a new incident, "
            "or open a case with POST /cases.",
            code="incident_closed",
        )
