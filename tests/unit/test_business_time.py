"""The business calendar: Mon-Fri 07:00-21:00 America/New_York, holidays excluded, DST-safe."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.shared.business_time import DEFAULT_HOLIDAYS, BusinessCalendar, holidays_from

CALENDAR = BusinessCalendar()
NEW_YORK = CALENDAR.timezone
instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 11, 30), timezones=st.just(UTC))
business_days = st.integers(min_value=0, max_value=40)
durations = st.integers(min_value=1, max_value=60 * 14 * 15).map(lambda minutes: timedelta(minutes=minutes))


def local(instant: datetime) -> datetime:
    return instant.astimezone(NEW_YORK)


def within_hours(instant: datetime, *, closing_included: bool = False) -> bool:
    wall = local(instant).time()
    return time(7) <= wall <= time(21) if closing_included else time(7) <= wall < time(21)


@given(instant=instants, days=business_days)
def test_business_days_land_on_a_business_day_in_hours(instant, days):
    due = CALENDAR.add_business_days(instant, days)
    assert local(due).weekday() < 5
    assert local(due).date() not in DEFAULT_HOLIDAYS
    assert within_hours(due)
    assert due >= instant


@given(instant=instants, days=business_days)
def test_business_days_are_monotone(instant, days):
    assert CALENDAR.add_business_days(instant, days) < CALENDAR.add_business_days(instant, days + 1)


@given(instant=instants, hours=durations)
def test_business_hours_land_in_business_hours_and_grow_with_n(instant, hours):
    due = CALENDAR.add_business_hours(instant, hours)
    assert CALENDAR.is_business_day(local(due).date())
    assert within_hours(due, closing_included=True)
    assert CALENDAR.add_business_hours(instant, hours + timedelta(minutes=1)) > due


@given(instant=instants, first=durations, second=durations)
def test_business_hours_add_up(instant, first, second):
    assert CALENDAR.add_business_hours(CALENDAR.add_business_hours(instant, first), second) == CALENDAR.add_business_hours(
        instant, first + second
    )


@given(instant=instants)
def test_next_opening_is_business_time_and_not_before(instant):
    opening = CALENDAR.next_business_open(instant)
    assert opening >= instant
    assert CALENDAR.is_business_time(opening)
    if not CALENDAR.is_business_time(instant):
        assert local(opening).time() == time(7)


def new_york(*args) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    "start, days, due",
    [
        # Friday before the March 2026 change (Sunday 8 March): Monday 10:00 local, one hour less in UTC.
        (new_york(2026, 3, 6, 10, 0), 1, new_york(2026, 3, 9, 10, 0)),
        # Friday before the November 2026 change (Sunday 1 November).
        (new_york(2026, 10, 30, 20, 30), 1, new_york(2026, 11, 2, 20, 30)),
        # Thanksgiving (26 Nov 2026) is skipped; so is the weekend.
        (new_york(2026, 11, 25, 9, 0), 1, new_york(2026, 11, 27, 9, 0)),
        # A Saturday request counts from Monday's opening: 2 business days later is Wednesday 07:00.
        (new_york(2026, 11, 28, 12, 0), 2, new_york(2026, 12, 2, 7, 0)),
        # The guide's ladder from a Monday 10:00 request: 2, 5 and 10 business days.
        (new_york(2026, 12, 7, 10, 0), 2, new_york(2026, 12, 9, 10, 0)),
        (new_york(2026, 12, 7, 10, 0), 5, new_york(2026, 12, 14, 10, 0)),
        (new_york(2026, 12, 7, 10, 0), 10, new_york(2026, 12, 21, 10, 0)),
        # ... and across Christmas: 2 business days after Thursday 24 December is Tuesday 29.
        (new_york(2026, 12, 24, 10, 0), 2, new_york(2026, 12, 29, 10, 0)),
    ],
)
def test_known_dates(start, days, due):
    assert CALENDAR.add_business_days(start, days) == due


def test_business_hours_across_the_march_change():
    # Friday 20:00 + 2 business hours: 1 hour Friday, 1 hour Monday (after the clocks moved on Sunday).
    due = CALENDAR.add_business_hours(new_york(2026, 3, 6, 20, 0), 2)
    assert due == new_york(2026, 3, 9, 8, 0)
    assert due.astimezone(UTC).hour == 12  # EDT, UTC-4


def test_outside_hours_the_next_opening_is_the_next_business_morning():
    assert CALENDAR.next_business_open(new_york(2026, 12, 24, 21, 0)) == new_york(2026, 12, 28, 7, 0)  # Christmas Friday


def test_holidays_from_configuration():
    assert holidays_from("2026-12-24, 2026-12-31") == {date(2026, 12, 24), date(2026, 12, 31)}
    assert holidays_from(None) == DEFAULT_HOLIDAYS
    with pytest.raises(ValueError, match="DSS_HOLIDAYS"):
        holidays_from("next friday")


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        CALENDAR.is_business_time(datetime(2026, 12, 7, 10, 0))
