"""A support region: its managers (told of management escalations and missed response targets), its
support queue (told of unassigned cases) and its after-hours address."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from functions.shared.clock import UtcTimestamp
from functions.shared.models import ApiModel, RequestModel
from functions.shared.text_limits import Identifier

MAX_MANAGERS = 10
# An address a person reads: local@domain, no spaces or angle brackets (the mailer sends to it as is).
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$")]


class RegionSettings(RequestModel):
    manager_user_ids: list[Identifier] = Field(
        max_length=MAX_MANAGERS, description="The regional support managers' user ids (their staff entries), in the order to call them."
    )
    queue_email: Email | None = Field(default=None, description="The region's support queue (its engineers' list); null: none.")
    after_hours_email: Email | None = Field(default=None, description="Where out-of-hours emergencies go; null: none.")


class Region(ApiModel):
    region: str
    manager_user_ids: list[str]
    queue_email: str | None
    after_hours_email: str | None
    version: int = Field(description="0 for a region configured before the directory API.")
    modified_at: UtcTimestamp | None


class RegionList(ApiModel):
    items: list[Region]
