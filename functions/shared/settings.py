"""Environment settings as pydantic models, read on first use (never at import time) and cached."""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, ConfigDict


class ApiSettings(BaseModel):
    """What every API function needs; the stack sets these variables."""

    model_config = ConfigDict(frozen=True)

    table_name: str
    event_bus_name: str
    page_token_secret_arn: str


class NotificationSettings(BaseModel):
    """What the notifications function needs; the stack sets these variables."""

    model_config = ConfigDict(frozen=True)

    table_name: str
    reference_secret_arn: str  # the HMAC key of Reference IDs (functions/shared/reference_id.py)
    sender_email: str  # a verified SES identity (the address or its domain)
    portal_url: str  # emails link to <portal_url>/cases/<case number>


def _environment() -> dict[str, str]:
    return {name.lower(): value for name, value in os.environ.items()}


@lru_cache(maxsize=1)
def api_settings() -> ApiSettings:
    return ApiSettings.model_validate(_environment(), strict=False)


@lru_cache(maxsize=1)
def notification_settings() -> NotificationSettings:
    return NotificationSettings.model_validate(_environment(), strict=False)
