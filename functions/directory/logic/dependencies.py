"""The directory domain's container: its collaborators, built from the environment on first use and kept
for the execution environment's life (docs/architecture.md, "How to add a domain")."""

from __future__ import annotations

from functools import cached_property

from functions.directory.dal.account_repository import AccountRepository
from functions.directory.dal.region_repository import RegionRepository
from functions.shared.clock import Clock, SystemClock
from functions.shared.environment import per_environment
from functions.shared.page_token import PageTokenCodec, page_tokens
from functions.shared.settings import cases_settings


class DirectoryDependencies:
    def __init__(self) -> None:
        self.clock: Clock = SystemClock()

    @cached_property
    def store(self) -> AccountRepository:
        return AccountRepository(cases_settings().table_name)

    @cached_property
    def regions(self) -> RegionRepository:
        return RegionRepository(cases_settings().table_name)

    def page_tokens(self) -> PageTokenCodec:
        """Called only when a listing has a next page or is given a token: its key is a secret read."""
        return page_tokens()


@per_environment
def dependencies() -> DirectoryDependencies:
    return DirectoryDependencies()
