"""The per-caller limit on changes (OWASP API4): at most N changes a minute per signed-in user, counted in
the change's own transaction (functions/shared/dal/rate_limit.py), so the limit costs no extra call and
holds across every Lambda instance, in AWS and on the local stack alike. Over it: 429 with Retry-After.
API Gateway's stage throttling and, in production, the WAF's per-IP rate rule stay in front of it."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from http import HTTPStatus

from functions.shared.errors import DomainError

WINDOW = timedelta(minutes=1)
LIMIT_VARIABLE = "DSS_CHANGES_PER_MINUTE"
DEFAULT_CHANGES_PER_MINUTE = 60


def changes_per_minute() -> int:
    return int(os.environ.get(LIMIT_VARIABLE) or DEFAULT_CHANGES_PER_MINUTE)


def window_start(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


class TooManyChanges(DomainError):
    status, code = HTTPStatus.TOO_MANY_REQUESTS, "too_many_requests"

    def __init__(self, now: datetime):
        self.retry_after = max(1, int((window_start(now) + WINDOW - now).total_seconds()) + 1)
        super().__init__(
            f"You made more than {changes_per_minute()} changes in a minute; retry in {self.retry_after} seconds "
            "(the Retry-After header)."
        )

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}
