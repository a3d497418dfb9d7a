"""The cases domain's container: its collaborators, built from the environment on first use and kept for
the execution environment's life (docs/architecture.md, "How to add a domain"). The timer step and the
purge-event Lambdas use only the store and the clock; the API also the page tokens."""

from __future__ import annotations

from functools import cached_property

from functions.cases.dal.case_repository import CaseRepository
from functions.shared.clock import Clock, SystemClock
from functions.shared.environment import per_environment
from functions.shared.page_token import PageTokenCodec, page_tokens
from functions.shared.settings import cases_settings


class CasesDependencies:
    def __init__(self) -> None:
        self.clock: Clock = SystemClock()

    @cached_property
    def store(self) -> CaseRepository:
        return CaseRepository(cases_settings().table_name)

    def page_tokens(self) -> PageTokenCodec:
        """Called only when a listing has a next page or is given a token: its key is a secret read."""
        return page_tokens()


@per_environment
def dependencies() -> CasesDependencies:
    return CasesDependencies()
