"""What the purge job works on and announces (docs/architecture.md, Domain rules: a closed case's files are purged 30
days after its closure), and its summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

CASE_FILES_ROOT = "cases/"


def case_files_prefix(case_number: str) -> str:
    """Every object of a case's files is under this key prefix (`cases/<caseNumber>/<fileId>/<fileName>`)."""
    return f"{CASE_FILES_ROOT}{case_number}/"


@dataclass(frozen=True)
class DueCase:
    """A closed case whose files are due for deletion, as the purge index lists it."""

    case_number: str
    account_id: str
    # The closure the purge is for; the case stores it as to_iso gives it, so to_iso(closed_at) is its stored form.
    closed_at: datetime


@dataclass(frozen=True)
class Upload:
    """An unfinished multipart upload in the files bucket."""

    key: str
    upload_id: str
    initiated: datetime


class PurgeSummary(BaseModel):
    """What one run did; the handler returns and logs it."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    cases_purged: int = 0
    objects_deleted: int = 0
    uploads_aborted: int = 0
    cases_failed: list[str] = Field(default_factory=list, description="Cases whose files could not all be deleted; retried next run.")
    finished: bool = Field(default=True, description="False when the run stopped for lack of time; the next run goes on.")


class StorageUnavailable(Exception):
    """DynamoDB or S3 failed or refused a call."""
