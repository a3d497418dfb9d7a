"""The account's tallies (docs/architecture.md, "Case reports"): cases opened and closed per week, month and quarter
(Eastern), kept from the cases domain's events so that a report's chart and its previous period cost one Query
whatever the account's history. They count what the sections count: a case by its opening, and by its current
closure (a reopening takes its closure back), so a complete period's tally equals its sections' counts once the
events are in. An event is counted once, however often it is delivered (its `eventKey`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from functions.reports.logic.build_report import tally_buckets
from functions.reports.models.records import Tally
from functions.shared.clock import from_iso
from functions.shared.contracts import DetailType
from functions.shared.observability import logger


class TallyWriter(Protocol):
    def apply_tallies(self, account_id: str, event_key: str, changes: dict[str, Tally], now: datetime) -> bool:
        """Adds the changes and marks the event counted, in one transaction; False if it was counted already."""
        ...


def tally_changes(detail_type: str, detail: dict[str, Any]) -> dict[str, Tally]:
    """What a case event changes in the tallies: +1 opened where it opened, +1 closed where it closed, -1 closed
    where the closure a reopening undid was counted."""
    if detail_type == DetailType.CASE_CREATED:
        instant, change = detail["occurredAt"], Tally(opened=1)
    elif detail_type == DetailType.CASE_CLOSED:
        instant, change = detail["occurredAt"], Tally(closed=1)
    elif detail_type == DetailType.CASE_REOPENED and detail.get("closedAt"):
        instant, change = detail["closedAt"], Tally(closed=-1)
    else:
        return {}
    return dict.fromkeys(tally_buckets(from_iso(instant)), change)


def count_case_event(detail_type: str, detail: dict[str, Any], *, store: TallyWriter, now: datetime) -> bool:
    changes = tally_changes(detail_type, detail)
    if not changes:
        return False
    counted = store.apply_tallies(detail["accountId"], detail["eventKey"], changes, now)
    if not counted:
        logger.info("case event already counted", extra={"event_key": detail["eventKey"]})
    return counted
