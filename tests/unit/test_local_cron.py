"""The local stand-in for an EventBridge Scheduler cron schedule fires when the desk's clock reaches each of its
instants: moving the clock is how a tester makes the daily report dispatch happen, so a move past 06:00 Eastern
must fire it once, and a move over several days once too (the dispatcher catches up from its stored data)."""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from local.clock import DeskClock
from local.event_sources import CronSchedule, daily_at

EASTERN = ZoneInfo("America/New_York")
REAL_TIME = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)  # a Friday, 12:00 Eastern; frozen: only moves change the time
WAIT_SECONDS = 5  # how long the thread may take to react to a move; it normally takes milliseconds


class WatchedClock(DeskClock):
    """A desk clock that reports each sleep toward a future instant: once the schedule's thread sleeps again,
    everything a move made it do has been done, so the test can count the fires without sleeping itself."""

    def __init__(self, happenings: queue.Queue[tuple[str, datetime]]) -> None:
        super().__init__(real_time=lambda: REAL_TIME)
        self.happenings = happenings

    def sleep_until(self, moment: datetime, stopped: Callable[[], bool]) -> bool:
        if moment > self.now():
            self.happenings.put(("asleep until", moment))
        return super().sleep_until(moment, stopped)


class Desk:
    def __init__(self) -> None:
        self.happenings: queue.Queue[tuple[str, datetime]] = queue.Queue()
        self.clock = WatchedClock(self.happenings)
        self.failures = 0  # how many invocations are still to fail

    def handler(self, event: dict, _context: object) -> None:
        assert event["detail-type"] == "Scheduled Event"
        self.happenings.put(("fired", datetime.fromisoformat(event["time"])))
        if self.failures:
            self.failures -= 1
            raise RuntimeError("the dispatcher failed")

    def next_sleep(self) -> tuple[list[datetime], datetime]:
        """The event times fired until the thread went back to sleep, and the instant it sleeps until."""
        fired: list[datetime] = []
        while True:
            what, moment = self.happenings.get(timeout=WAIT_SECONDS)
            if what == "asleep until":
                return fired, moment
            fired.append(moment)

    def move_to(self, moment: datetime) -> tuple[list[datetime], datetime]:
        self.clock.advance_to(moment)
        return self.next_sleep()


@pytest.fixture
def desk() -> Iterator[Desk]:
    desk = Desk()
    schedule = CronSchedule(
        desk.handler, function_name="reports-dispatcher", next_fire=daily_at(time(6), "America/New_York"), clock=desk.clock
    ).start()
    try:
        yield desk
    finally:
        schedule.stop()
        assert not schedule._thread.is_alive()


def eastern(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=EASTERN)


def test_moving_the_desk_clock_past_six_eastern_fires_the_schedule_once_a_move(desk):
    assert desk.next_sleep() == ([], eastern(2026, 3, 7, 6))  # nothing at start: the next 06:00 Eastern

    assert desk.move_to(eastern(2026, 3, 7, 6, 30)) == ([eastern(2026, 3, 7, 6)], eastern(2026, 3, 8, 6))
    # Exactly at the next one (the day daylight saving time starts): 10:00 UTC now, not 11:00.
    fired, sleeps_until = desk.move_to(datetime(2026, 3, 8, 10, 0, tzinfo=UTC))
    assert fired == [eastern(2026, 3, 8, 6)] and sleeps_until == eastern(2026, 3, 9, 6)
    assert fired[0] == datetime(2026, 3, 8, 10, 0, tzinfo=UTC)

    # Over three 06:00s at once: one invocation, as of the latest of them.
    assert desk.move_to(eastern(2026, 3, 11, 9)) == ([eastern(2026, 3, 11, 6)], eastern(2026, 3, 12, 6))


def test_a_failed_invocation_is_logged_and_the_schedule_goes_on(desk, caplog):
    desk.next_sleep()
    desk.failures = 1
    assert desk.move_to(eastern(2026, 3, 7, 6)) == ([eastern(2026, 3, 7, 6)], eastern(2026, 3, 8, 6))
    assert "local schedule reports-dispatcher: the handler failed" in caplog.text
    assert desk.move_to(eastern(2026, 3, 8, 7)) == ([eastern(2026, 3, 8, 6)], eastern(2026, 3, 9, 6))


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # Daylight saving time starts on 2026-03-08 (02:00 EST becomes 03:00 EDT): 06:00 is 11:00 UTC, then 10:00.
        (datetime(2026, 3, 7, 11, 0, tzinfo=UTC), datetime(2026, 3, 8, 10, 0, tzinfo=UTC)),
        (datetime(2026, 3, 7, 10, 59, tzinfo=UTC), datetime(2026, 3, 7, 11, 0, tzinfo=UTC)),
        (datetime(2026, 3, 8, 7, 30, tzinfo=UTC), datetime(2026, 3, 8, 10, 0, tzinfo=UTC)),  # 02:30 EST, in the night it starts
        (datetime(2026, 3, 8, 10, 0, tzinfo=UTC), datetime(2026, 3, 9, 10, 0, tzinfo=UTC)),  # strictly after
        # It ends on 2026-11-01 (02:00 EDT becomes 01:00 EST): 10:00 UTC, then 11:00.
        (datetime(2026, 10, 31, 10, 0, tzinfo=UTC), datetime(2026, 11, 1, 11, 0, tzinfo=UTC)),
        (datetime(2026, 11, 1, 5, 30, tzinfo=UTC), datetime(2026, 11, 1, 11, 0, tzinfo=UTC)),  # 01:30 EDT, the first of two
        (datetime(2026, 11, 1, 6, 30, tzinfo=UTC), datetime(2026, 11, 1, 11, 0, tzinfo=UTC)),  # 01:30 EST, the second
        (datetime(2026, 11, 1, 10, 30, tzinfo=UTC), datetime(2026, 11, 1, 11, 0, tzinfo=UTC)),  # 05:30 EST
        (eastern(2026, 11, 1, 6), datetime(2026, 11, 2, 11, 0, tzinfo=UTC)),  # an instant given in Eastern time
    ],
)
def test_six_eastern_is_six_local_across_both_daylight_saving_changes(after, expected):
    fire = daily_at(time(6), "America/New_York")(after)
    assert fire == expected and fire.tzinfo is UTC
    assert fire.astimezone(EASTERN).time() == time(6)


def test_a_wall_time_a_daylight_saving_change_skips_or_repeats_fires_once_or_not_at_all_that_day():
    """As EventBridge Scheduler does: 02:30 does not exist on 2026-03-08; 01:30 happens twice on 2026-11-01."""
    half_past_two = daily_at(time(2, 30), "America/New_York")
    assert half_past_two(eastern(2026, 3, 7, 3)) == eastern(2026, 3, 9, 2, 30)
    half_past_one = daily_at(time(1, 30), "America/New_York")
    first = half_past_one(eastern(2026, 10, 31, 3))
    assert first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    assert half_past_one(first) == eastern(2026, 11, 2, 1, 30)


def test_the_next_fire_needs_an_aware_instant():
    with pytest.raises(ValueError, match="aware"):
        daily_at(time(6), "America/New_York")(datetime(2026, 3, 7, 6))
