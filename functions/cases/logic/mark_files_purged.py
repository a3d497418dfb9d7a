"""The purge job's CaseFilesPurged on the case: `filesPurgedAt` is set, which also takes the case out of
the purge index (functions/cases/dal/tables.py), so the next run no longer finds it.

The mark is for the closure whose files were deleted: a case reopened and closed again since then (the
event's closedAt is no longer the case's), a case already marked and a missing case are left alone, so
duplicate and late deliveries, and reruns of the job, change nothing."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from functions.cases.logic.case_store import CaseStore
from functions.cases.logic.change_case import Decision, change_case
from functions.cases.logic.events import EventPublisher
from functions.cases.models.case import Case, Status
from functions.cases.models.delivery import CASE_FILES_PURGED, PURGE_EVENT_SOURCE
from functions.shared.auth import AUTOMATION
from functions.shared.clock import to_iso
from functions.shared.errors import NotFound
from functions.shared.observability import logger


class CaseFilesPurged(BaseModel):
    """The detail of the purge job's event (functions/purge/logic/purge_files.py)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True, extra="ignore")

    case_number: str = Field(pattern=r"^\d{10}$")
    account_id: str
    closed_at: str = Field(description="The closure whose files were deleted, exactly as the case stored it.")
    purged_at: AwareDatetime
    objects_deleted: int = Field(ge=0)


class PurgeEvent(BaseModel):
    """An EventBridge event as its rule's queue delivers it; `detail` is validated only for CaseFilesPurged."""

    model_config = ConfigDict(populate_by_name=True, frozen=True, extra="ignore")

    id: str = Field(min_length=1)
    source: str
    detail_type: str = Field(alias="detail-type")
    detail: dict


class Outcome(Enum):
    MARKED = "marked"
    UNCHANGED = "unchanged"  # already marked, closed again since, or no such case
    IGNORED = "ignored"  # not an event this handler is for


class _NothingToDo(Exception):
    pass


def mark_files_purged(purged: CaseFilesPurged, *, store: CaseStore, events: EventPublisher, now: datetime) -> bool:
    """Marks the case; whether this call did (False when there was nothing to mark)."""

    def decide(case: Case) -> Decision:
        if case.status is not Status.CLOSED or case.closed_at != purged.closed_at or case.files_purged_at is not None:
            raise _NothingToDo()
        return Decision("files-purged", {"files_purged_at": to_iso(purged.purged_at)})

    try:
        change_case(purged.case_number, AUTOMATION, decide, if_match=None, store=store, events=events, now=now)
    except (_NothingToDo, NotFound):
        return False
    return True


def handle_purge_event(event: PurgeEvent, *, store: CaseStore, events: EventPublisher, now: datetime) -> Outcome:
    if event.source != PURGE_EVENT_SOURCE or event.detail_type != CASE_FILES_PURGED:
        logger.info("event ignored: not one this handler is for", extra={"source": event.source, "detail_type": event.detail_type})
        return Outcome.IGNORED
    purged = CaseFilesPurged.model_validate(event.detail)
    marked = mark_files_purged(purged, store=store, events=events, now=now)
    logger.info(
        "case marked: files purged" if marked else "case left unchanged: nothing to mark",
        extra={"case_number": purged.case_number, "closed_at": purged.closed_at, "objects_deleted": purged.objects_deleted},
    )
    return Outcome.MARKED if marked else Outcome.UNCHANGED
