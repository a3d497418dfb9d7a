"""The outbox publisher's container: the bus, built from the environment on first use and kept for the
execution environment's life (docs/architecture.md, "How to add a domain")."""

from __future__ import annotations

from functools import cached_property

from functions.outbox.dal.event_bus import EventBus
from functions.shared.environment import per_environment
from functions.shared.settings import publisher_settings


class OutboxDependencies:
    @cached_property
    def event_bus(self) -> EventBus:
        return EventBus(publisher_settings().event_bus_name)


@per_environment
def dependencies() -> OutboxDependencies:
    return OutboxDependencies()
