"""The daily purge (docs/architecture.md, Domain rules: a closed case's files are purged 30 days after closure).

Work is found through the purge index the cases domain keeps (only closed, not yet purged cases, by due
date), so a run reads the cases that are due and nothing else. For each: every object under its prefix is
deleted, then CaseFilesPurged is announced (written to the outbox), also when there was nothing left to
delete, because the cases domain's mark (filesPurgedAt) is what takes the case out of the index. A rerun,
or a run before the mark arrived, deletes nothing and announces the same event again (same eventKey);
the mark is idempotent.

Reopening is allowed up to 30 days after closure, and the index lists a case only after that, so a case
being purged can no longer be reopened.

Then the upload sessions left unfinished for longer than the files API offers them (UPLOAD_LIFETIME) are
aborted: their parts cost storage. The bucket's lifecycle rule does the same in AWS; this also covers
stores without one (the local stack).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Protocol

from functions.purge.models.purge import DueCase, PurgeSummary, StorageUnavailable, Upload
from functions.shared.clock import to_iso
from functions.shared.contracts import CaseFilesPurged
from functions.shared.domain_event import DomainEvent
from functions.shared.observability import logger
from functions.shared.retention import UPLOAD_LIFETIME

EVENTS_PER_CALL = 25  # BatchWriteItem's limit


class DueCases(Protocol):
    def due_pages(self, now: datetime) -> Iterator[list[DueCase]]: ...


class CaseFileStore(Protocol):
    def delete_case_files(self, case_number: str) -> int: ...

    def uploads(self) -> Iterator[Upload]: ...

    def abort_upload(self, upload: Upload) -> bool: ...


class Outbox(Protocol):
    def record(self, events: list[DomainEvent], now: datetime) -> None: ...


def files_purged(case: DueCase, objects_deleted: int, purged_at: datetime) -> DomainEvent:
    # One key per closure, every run that purges it announcing the same thing; the closure's stored form
    # (to_iso of it) keeps the key the same bytes.
    event_key = f"{case.case_number}#{to_iso(case.closed_at)}#{CaseFilesPurged.detail_type}"
    purged = CaseFilesPurged(
        event_key=event_key,
        case_number=case.case_number,
        account_id=case.account_id,
        closed_at=case.closed_at,
        purged_at=purged_at,
        objects_deleted=objects_deleted,
    )
    return purged.domain_event()


def is_stale(upload: Upload, now: datetime) -> bool:
    return now - upload.initiated > UPLOAD_LIFETIME


def purge_files(
    *, index: DueCases, files: CaseFileStore, events: Outbox, now: datetime, has_time: Callable[[], bool]
) -> PurgeSummary:
    """One run. `has_time` says whether the invocation may start on one more case or upload; what is left
    when it says no stays due, and the next run goes on with it."""
    summary = PurgeSummary()
    announced: list[DomainEvent] = []
    for case in (case for page in index.due_pages(now) for case in page):
        if not has_time():
            summary.finished = False
            break
        try:
            deleted = files.delete_case_files(case.case_number)
        except StorageUnavailable:
            # Not announced, so it stays due; the others go on (one case must not hold up every purge).
            summary.cases_failed.append(case.case_number)
            continue
        logger.info("case files purged", extra={"case_number": case.case_number, "closed_at": to_iso(case.closed_at), "objects": deleted})
        summary.cases_purged += 1
        summary.objects_deleted += deleted
        announced.append(files_purged(case, deleted, now))
        if len(announced) == EVENTS_PER_CALL:
            events.record(announced, now)
            announced = []
    if announced:
        events.record(announced, now)
    if summary.finished:
        summary.uploads_aborted, summary.finished = abort_stale_uploads(files, now, has_time)
    return summary


def abort_stale_uploads(files: CaseFileStore, now: datetime, has_time: Callable[[], bool]) -> tuple[int, bool]:
    """(uploads aborted, whether every upload was looked at)."""
    aborted = 0
    for upload in files.uploads():
        if not has_time():
            return aborted, False
        if is_stale(upload, now) and files.abort_upload(upload):
            logger.info("stale upload aborted", extra={"key": upload.key, "initiated": to_iso(upload.initiated)})
            aborted += 1
    return aborted, True
