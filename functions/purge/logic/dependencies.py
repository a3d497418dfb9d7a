"""Builds the purge job's collaborators from the environment. Not cached: they hold names only (the
clients are cached in functions/shared/dal/aws.py), and the job runs once a day."""

from __future__ import annotations

from functions.purge.dal.case_files import CaseFiles
from functions.purge.dal.outbox import PurgeOutbox
from functions.purge.dal.purge_index import PurgeIndex
from functions.shared.settings import files_settings


def purge_index() -> PurgeIndex:
    return PurgeIndex(files_settings().table_name)


def case_files() -> CaseFiles:
    return CaseFiles(files_settings().files_bucket)


def outbox() -> PurgeOutbox:
    return PurgeOutbox(files_settings().table_name)
