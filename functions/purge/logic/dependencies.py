"""The purge job's container: its collaborators, built from the environment on first use and kept for the
execution environment's life (docs/architecture.md, "How to add a domain")."""

from __future__ import annotations

from functools import cached_property

from functions.purge.dal.case_files import CaseFiles
from functions.purge.dal.outbox import PurgeOutbox
from functions.purge.dal.purge_index import PurgeIndex
from functions.shared.clock import Clock, SystemClock
from functions.shared.environment import per_environment
from functions.shared.settings import files_settings


class PurgeDependencies:
    def __init__(self) -> None:
        self.clock: Clock = SystemClock()

    @cached_property
    def purge_index(self) -> PurgeIndex:
        return PurgeIndex(files_settings().table_name)

    @cached_property
    def case_files(self) -> CaseFiles:
        return CaseFiles(files_settings().files_bucket)

    @cached_property
    def outbox(self) -> PurgeOutbox:
        return PurgeOutbox(files_settings().table_name)


@per_environment
def dependencies() -> PurgeDependencies:
    return PurgeDependencies()
