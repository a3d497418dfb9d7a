"""The alerts domain's container: its collaborators, built from the environment on first use and kept for the
execution environment's life (docs/architecture.md, "How to add a domain")."""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from functions.alerts.dal.alert_queue import SqsAlertQueue
from functions.alerts.dal.alert_store import AlertStore
from functions.alerts.dal.integration_repository import IntegrationRepository
from functions.alerts.dal.window_store import WindowStore
from functions.alerts.logic.intake import IntegrationCache
from functions.shared.clock import Clock, SystemClock
from functions.shared.dal.secrets import secret_bytes
from functions.shared.environment import per_environment
from functions.shared.page_token import PageTokenCodec, page_tokens
from functions.shared.settings import alerts_settings

if TYPE_CHECKING:
    from functions.alerts.dal.alert_reads import AlertReads


class AlertsDependencies:
    def __init__(self) -> None:
        self.clock: Clock = SystemClock()

    @cached_property
    def integrations(self) -> IntegrationRepository:
        return IntegrationRepository(alerts_settings().table_name)

    @cached_property
    def integration_cache(self) -> IntegrationCache:
        staleness = timedelta(seconds=alerts_settings().dss_integration_staleness_seconds)
        return IntegrationCache(self.integrations, clock=self.clock, staleness=staleness)

    @cached_property
    def alert_store(self) -> AlertStore:
        return AlertStore(alerts_settings().table_name)

    @cached_property
    def alert_reads(self) -> AlertReads:
        """The API's reads of the processor's items, and its writes of an incident's case and the settings
        (imported here: the intake and the processor never need it)."""
        from functions.alerts.dal.alert_reads import AlertReads

        return AlertReads(alerts_settings().table_name)

    @cached_property
    def window_store(self) -> WindowStore:
        return WindowStore(alerts_settings().table_name)

    @cached_property
    def queue(self) -> SqsAlertQueue:
        return SqsAlertQueue(alerts_settings().alerts_queue_url)

    def master_key(self) -> bytes:
        """Every integration's credentials derive from it (a secret read, cached for the container)."""
        return secret_bytes(alerts_settings().alerts_master_secret_arn)

    def page_tokens(self) -> PageTokenCodec:
        return page_tokens()


@per_environment
def dependencies() -> AlertsDependencies:
    return AlertsDependencies()
