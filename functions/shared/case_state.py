"""What the domains that act on cases without owning them (files, purge) know of a case: read from the
case item by functions/shared/dal/case_view.py, used by their logic without touching the data layer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

CLOSED = "Closed"


@dataclass(frozen=True)
class CaseState:
    case_number: str
    account_id: str
    contact_id: str
    status: str
    closed_at: datetime | None
    files_purged_at: datetime | None

    @property
    def is_closed(self) -> bool:
        return self.status == CLOSED
