"""The updates domain's container: its collaborators, built from the environment on first use and kept for the
execution environment's life (docs/architecture.md, "How to add a domain")."""

from __future__ import annotations

from functools import cached_property

from pynamodb.connection import Connection

from functions.shared.clock import Clock, SystemClock
from functions.shared.environment import per_environment
from functions.shared.page_token import PageTokenCodec, page_tokens
from functions.shared.settings import cases_settings, updates_settings
from functions.updates.dal.platform_store import Platforms
from functions.updates.dal.scheduler import SchedulerValidationSchedules
from functions.updates.dal.tables import bind_updates_tables
from functions.updates.dal.windows_store import WindowsUpdates


class UpdatesDependencies:
    def __init__(self) -> None:
        self.clock: Clock = SystemClock()

    @cached_property
    def connection(self) -> Connection:
        # TABLE_NAME alone: the job Lambda has no scheduler settings (only the API creates schedules).
        return bind_updates_tables(cases_settings().table_name)

    @cached_property
    def windows_updates(self) -> WindowsUpdates:
        return WindowsUpdates(self.connection)

    @cached_property
    def platforms(self) -> Platforms:
        return Platforms(self.connection)

    @cached_property
    def scheduler(self) -> SchedulerValidationSchedules:
        settings = updates_settings()
        return SchedulerValidationSchedules(
            settings.validation_schedule_group,
            settings.validation_schedule_target_arn,
            settings.validation_schedule_role_arn,
            settings.validation_schedule_dead_letter_arn,
        )

    @property
    def validation_days(self) -> int:
        return updates_settings().validation_days

    def page_tokens(self) -> PageTokenCodec:
        """The listings' paging tokens (their key is a secret read on first use)."""
        return page_tokens()


@per_environment
def dependencies() -> UpdatesDependencies:
    return UpdatesDependencies()
