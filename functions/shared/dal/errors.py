"""How every dal reports an AWS call that failed for reasons of AWS's (throttling, a timeout, a 5xx): logged
with its stack, answered as 503 with a message that says to retry."""

from __future__ import annotations

from functions.shared.errors import ServiceUnavailable
from functions.shared.observability import logger


def unavailable(service: str, message: str) -> ServiceUnavailable:
    logger.exception(f"{service} call failed")
    return ServiceUnavailable(message)
