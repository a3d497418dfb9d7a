"""What handling another domain's event did (functions/cases/logic/bus_events.py); the events themselves (the
purge job's CaseFilesPurged, the alerts domain's incidents) are described by functions/shared/contracts.py."""

from __future__ import annotations

from enum import Enum


class Outcome(Enum):
    """What handling one event did."""

    MARKED = "marked"  # the case's files marked purged
    OPENED = "opened"  # a monitoring incident's case opened
    NOTED = "noted"  # a monitoring case's digest or recovery note posted
    CLOSED = "closed"  # a monitoring case closed on recovery (the recovery note as its closure comment)
    MAINTENANCE_NOTED = "maintenance-noted"  # a maintenance case told of its window (scheduled, started, ended, cancelled)
    # Nothing to do: already marked or applied (a duplicate delivery), the incident's case opened already,
    # the case closed (again) since, or no such case.
    UNCHANGED = "unchanged"
    IGNORED = "ignored"  # not an event this handler is for
