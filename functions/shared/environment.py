"""What a Lambda builds once per execution environment: settings read from the environment, AWS clients,
secrets, each domain's container of collaborators (docs/architecture.md, Layering).

Every such factory is declared with `@per_environment`, which caches it and registers it, so tests and the
local stack forget them all in one call (`reset_environment`) when they change the environment. A plain
`functools.cache` would do the caching but nobody could find every cache to clear it."""

from __future__ import annotations

from collections.abc import Callable
from functools import _lru_cache_wrapper, cache
from typing import TypeVar

T = TypeVar("T")

_FACTORIES: list[_lru_cache_wrapper] = []


def per_environment(factory: Callable[..., T]) -> _lru_cache_wrapper[T]:
    cached = cache(factory)
    _FACTORIES.append(cached)
    return cached


def reset_environment() -> None:
    """Forgets everything built so far; the next call of each factory builds it again from the environment."""
    for cached in _FACTORIES:
        cached.cache_clear()
