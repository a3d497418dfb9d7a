"""What handling another domain's event did (functions/cases/logic/mark_files_purged.py); the event itself,
the purge job's CaseFilesPurged, is described by functions/shared/contracts.py."""

from __future__ import annotations

from enum import Enum


class Outcome(Enum):
    """What handling one event did."""

    MARKED = "marked"
    UNCHANGED = "unchanged"  # already marked, closed again since, or no such case
    IGNORED = "ignored"  # not an event this handler is for
