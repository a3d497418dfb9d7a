"""Builds the purge job's collaborators from the environment. Not cached: they hold names only (the
clients are cached in functions/shared/dal/aws.py), and the job runs once a day."""

from __future__ import annotations

from functions.purge.dal.case_files import CaseFiles
from functions.purge.dal.purge_index import PurgeIndex
from functions.purge.models.purge import PURGE_EVENT_SOURCE
from functions.shared.dal.event_bus import EventBus
from functions.shared.settings import files_settings


def purge_index() -> PurgeIndex:
    return PurgeIndex(files_settings().table_name)


def case_files() -> CaseFiles:
    return CaseFiles(files_settings().files_bucket)


def event_bus() -> EventBus:
    return EventBus(files_settings().event_bus_name, PURGE_EVENT_SOURCE)
