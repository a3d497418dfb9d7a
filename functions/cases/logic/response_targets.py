"""First-response targets per priority (docs/architecture.md, Domain rules: configuration, with documented defaults).

Defaults: 1-Prod Down 30 minutes around the clock; 2-High 2 business hours; 3-Medium 4 business hours;
4-Low 14 business hours (one business day: a case opened outside business hours is answered the next
business day). DSS_RESPONSE_TARGETS replaces them without a code change, in minutes:
"1-Prod Down=30,2-High=120,3-Medium=240,4-Low=840". Every due time is shown with the rule that made it.

Escalation (the response-escalation timer): when the target passes unanswered, the owning engineer (or
the region's support queue) is told; when as much time again has passed, the regional support managers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from functions.cases.models.case import Priority
from functions.shared.business_time import BusinessCalendar, business_calendar
from functions.shared.environment import per_environment

TARGETS_VARIABLE = "DSS_RESPONSE_TARGETS"
DEFAULT_TARGET_MINUTES = {Priority.PROD_DOWN: 30, Priority.HIGH: 120, Priority.MEDIUM: 240, Priority.LOW: 840}
AROUND_THE_CLOCK = frozenset({Priority.PROD_DOWN})


@dataclass(frozen=True)
class ResponseDue:
    due_at: datetime
    rule: str


def targets_from(value: str | None) -> dict[Priority, int]:
    if not value:
        return dict(DEFAULT_TARGET_MINUTES)
    targets = dict(DEFAULT_TARGET_MINUTES)
    try:
        for entry in value.split(","):
            name, minutes = entry.split("=")
            targets[Priority(name.strip())] = int(minutes)
    except ValueError as error:
        raise ValueError(f'{TARGETS_VARIABLE} must look like "1-Prod Down=30,2-High=120": {error}') from None
    return targets


@per_environment
def response_targets() -> dict[Priority, int]:
    return targets_from(os.environ.get(TARGETS_VARIABLE))


def response_due(opened_at: datetime, priority: Priority, calendar: BusinessCalendar | None = None) -> ResponseDue:
    calendar = calendar or business_calendar()
    minutes = response_targets()[priority]
    if priority in AROUND_THE_CLOCK:
        rule = f"{priority.value}: first response within {_hours(minutes)}, around the clock"
        return ResponseDue(opened_at + timedelta(minutes=minutes), rule)
    due = calendar.add_business_hours(opened_at, timedelta(minutes=minutes))
    return ResponseDue(
        due,
        f"{priority.value}: first response within {_hours(minutes)} of business time (Mon-Fri 07:00-21:00 US Eastern, holidays excluded)",
    )


def manager_escalation_due(response: ResponseDue, priority: Priority, calendar: BusinessCalendar | None = None) -> ResponseDue:
    """The second threshold: the first response is late by a whole target (so twice the target in all)."""
    calendar = calendar or business_calendar()
    minutes = response_targets()[priority]
    if priority in AROUND_THE_CLOCK:
        due_at = response.due_at + timedelta(minutes=minutes)
    else:
        due_at = calendar.add_business_hours(response.due_at, timedelta(minutes=minutes))
    return ResponseDue(due_at, f"{priority.value}: regional support managers told when the first response is {_hours(minutes)} late")


def _hours(minutes: int) -> str:
    return f"{minutes // 60} hours" if minutes % 60 == 0 else f"{minutes} minutes"
