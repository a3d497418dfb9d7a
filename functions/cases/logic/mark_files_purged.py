"""The purge job's CaseFilesPurged on the case: `filesPurgedAt` is set, which also takes the case out of
the purge index (functions/cases/dal/tables.py), so the next run no longer finds it.

The mark is for the closure whose files were deleted: a case reopened and closed again since then (the
event's closedAt is no longer the case's), a case already marked and a missing case are left alone, so
duplicate and late deliveries, and reruns of the job, change nothing."""

from __future__ import annotations

from datetime import datetime

from functions.cases.logic.case_store import CaseStore
from functions.cases.logic.change_case import Decision, change_case
from functions.cases.models.actions import CaseAction
from functions.cases.models.bus_events import Outcome
from functions.cases.models.case import Case, Status
from functions.shared.auth import AUTOMATION
from functions.shared.bus_event import BusEvent
from functions.shared.clock import to_iso
from functions.shared.contracts import CaseFilesPurged
from functions.shared.errors import NotFound
from functions.shared.observability import logger


class _NothingToDo(Exception):
    pass


def mark_files_purged(purged: CaseFilesPurged, *, store: CaseStore, now: datetime) -> bool:
    """Marks the case; whether this call did (False when there was nothing to mark)."""

    def decide(case: Case) -> Decision:
        # The same instant as the closure the purge read (both come from the case's stored string).
        if case.status is not Status.CLOSED or case.closed_at != purged.closed_at or case.files_purged_at is not None:
            raise _NothingToDo()
        return Decision(CaseAction.FILES_PURGED, {"files_purged_at": purged.purged_at})

    try:
        change_case(purged.case_number, AUTOMATION, decide, if_match=None, store=store, now=now)
    except (_NothingToDo, NotFound):
        return False
    return True


def handle_purge_event(event: BusEvent, *, store: CaseStore, now: datetime) -> Outcome:
    if event.source != CaseFilesPurged.source or event.detail_type != CaseFilesPurged.detail_type:
        logger.info("event ignored: not one this handler is for", extra={"source": event.source, "detail_type": event.detail_type})
        return Outcome.IGNORED
    purged = CaseFilesPurged.model_validate(event.detail)
    marked = mark_files_purged(purged, store=store, now=now)
    logger.info(
        "case marked: files purged" if marked else "case left unchanged: nothing to mark",
        extra={"case_number": purged.case_number, "closed_at": to_iso(purged.closed_at), "objects_deleted": purged.objects_deleted},
    )
    return Outcome.MARKED if marked else Outcome.UNCHANGED
