"""The local stand-ins for the updates domain's EventBridge Scheduler schedules: a one-time schedule's `at()` is a wall
time in its ScheduleExpressionTimezone (the updates API's validation-due schedules: midnight US Eastern), and the two
crons fire on the instants their cron expressions name (infra/components/update_schedules.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from infra.components.update_schedules import BEHIND_GA_CHECK, PATCH_TUESDAY
from local.event_sources import at_instant, cron_instants

EASTERN = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("expression", "zone", "instant"),
    [
        ("at(2026-03-10T00:00:00)", "America/New_York", datetime(2026, 3, 10, 4, 0, tzinfo=UTC)),  # EDT, UTC-4
        ("at(2026-01-13T00:00:00)", "America/New_York", datetime(2026, 1, 13, 5, 0, tzinfo=UTC)),  # EST, UTC-5
        ("at(2026-01-13T00:00:00)", None, datetime(2026, 1, 13, 0, 0, tzinfo=UTC)),  # no zone: UTC, as Scheduler reads it
        # 02:30 does not exist on the spring change: the instant after it; 01:30 happens twice in autumn: the first.
        ("at(2026-03-08T02:30:00)", "America/New_York", datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),
        ("at(2026-11-01T01:30:00)", "America/New_York", datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
    ],
)
def test_an_at_expression_is_a_wall_time_in_its_zone(expression, zone, instant):
    assert at_instant(expression, zone) == instant


@pytest.mark.parametrize("expression", ["rate(1 hour)", "cron(0 15 ? * TUE#2 *)", "at(2026-03-10)", "at(2026-03-10T00:00:00Z)"])
def test_other_expressions_are_no_one_time_schedule(expression):
    assert at_instant(expression, "America/New_York") is None


def test_patch_tuesday_is_the_second_tuesday_at_three_pm_eastern():
    assert PATCH_TUESDAY.expression == "cron(0 15 ? * TUE#2 *)"
    next_fire = cron_instants(PATCH_TUESDAY)
    fires, instant = [], datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(4):
        instant = next_fire(instant)
        fires.append(instant.astimezone(EASTERN).replace(tzinfo=None))
    assert fires == [datetime(2026, 1, 13, 15), datetime(2026, 2, 10, 15), datetime(2026, 3, 10, 15), datetime(2026, 4, 14, 15)]
    # On the day, before and after 15:00 Eastern.
    assert next_fire(datetime(2026, 3, 10, 18, 59, tzinfo=UTC)) == datetime(2026, 3, 10, 19, 0, tzinfo=UTC)
    assert next_fire(datetime(2026, 3, 10, 19, 0, tzinfo=UTC)) == datetime(2026, 4, 14, 19, 0, tzinfo=UTC)


def test_the_behind_ga_check_is_every_monday_at_eight_am_eastern():
    assert BEHIND_GA_CHECK.expression == "cron(0 8 ? * MON *)"
    next_fire = cron_instants(BEHIND_GA_CHECK)
    first = next_fire(datetime(2026, 3, 6, 17, 0, tzinfo=UTC))  # a Friday
    assert first == datetime(2026, 3, 9, 12, 0, tzinfo=UTC)  # Monday 08:00 EDT (the change was on Sunday)
    assert next_fire(first) == datetime(2026, 3, 16, 12, 0, tzinfo=UTC)
    assert next_fire(datetime(2026, 1, 5, 12, 59, tzinfo=UTC)) == datetime(2026, 1, 5, 13, 0, tzinfo=UTC)  # EST
