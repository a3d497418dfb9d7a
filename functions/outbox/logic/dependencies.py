"""Builds the publisher's collaborators from the environment, once per container."""

from __future__ import annotations

from functools import lru_cache

from functions.outbox.dal.event_bus import EventBus
from functions.shared.settings import publisher_settings


@lru_cache(maxsize=1)
def event_bus() -> EventBus:
    return EventBus(publisher_settings().event_bus_name)
