"""The purge job's events as the cases domain reads them: the EventBridge envelope (the SQS message body
its rule delivers, functions/cases/models/delivery.py) and the detail of CaseFilesPurged."""

from __future__ import annotations

from enum import Enum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class CaseFilesPurged(BaseModel):
    """The detail of the purge job's event (functions/purge/logic/purge_files.py)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True, extra="ignore")

    case_number: str = Field(pattern=r"^\d{10}$")
    account_id: str
    closed_at: str = Field(description="The closure whose files were deleted, exactly as the case stored it.")
    purged_at: AwareDatetime
    objects_deleted: int = Field(ge=0)



class Outcome(Enum):
    """What handling one event did."""

    MARKED = "marked"
    UNCHANGED = "unchanged"  # already marked, closed again since, or no such case
    IGNORED = "ignored"  # not an event this handler is for
