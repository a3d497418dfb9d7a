from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from functions.cases.logic.response_targets import DEFAULT_TARGET_MINUTES, response_due, targets_from
from functions.cases.models.case import Case, CaseType, Channel, Priority, Status

NEW_YORK = ZoneInfo("America/New_York")


def new_york(*args) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    "opened, priority, due",
    [
        (new_york(2026, 12, 7, 10, 0), Priority.MEDIUM, new_york(2026, 12, 7, 14, 0)),
        (new_york(2026, 12, 7, 20, 0), Priority.HIGH, new_york(2026, 12, 8, 8, 0)),  # 1 hour tonight, 1 tomorrow
        (new_york(2026, 12, 5, 23, 0), Priority.LOW, new_york(2026, 12, 7, 21, 0)),  # Saturday night: Monday's business day
        (new_york(2026, 12, 5, 23, 0), Priority.PROD_DOWN, new_york(2026, 12, 5, 23, 30)),  # around the clock
    ],
)
def test_default_targets(opened, priority, due):
    result = response_due(opened, priority)
    assert result.due_at == due
    assert result.rule.startswith(priority.value)


def test_targets_are_configuration():
    assert targets_from("2-High=60, 4-Low=480") == {**DEFAULT_TARGET_MINUTES, Priority.HIGH: 60, Priority.LOW: 480}
    with pytest.raises(ValueError, match="DSS_RESPONSE_TARGETS"):
        targets_from("High=soon")


def a_case(due: str, answered: str | None) -> Case:
    return Case(
        case_number="0000000001", case_type=CaseType.ADMIN, account_id="a", contact_id="c", opened_by="u", channel=Channel.WEB,
        status=Status.OPEN, sub_status="New", priority=Priority.LOW, subject="s", description="d", created_at="2026-12-07T15:00:00.000Z",
        modified_at="2026-12-07T15:00:00.000Z", version=1, response_due_at=due, first_response_at=answered,
    )  # fmt: skip


def test_breached_when_answered_late_or_not_at_all_after_the_due_time():
    assert a_case("2026-12-07T19:00:00.000Z", "2026-12-07T20:00:00.000Z").response_breached
    assert not a_case("2026-12-07T19:00:00.000Z", "2026-12-07T18:00:00.000Z").response_breached
    assert a_case("2020-01-01T00:00:00.000Z", None).response_breached
    assert not a_case(datetime(2099, 1, 1, tzinfo=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"), None).response_breached
