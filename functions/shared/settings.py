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


@lru_cache(maxsize=1)
def api_settings() -> ApiSettings:
    return ApiSettings.model_validate({name.lower(): value for name, value in os.environ.items()}, strict=False)
