"""The business calendar: Mon-Fri 07:00-21:00 America/New_York, holidays excluded, DST-safe."""

import calendar
import os
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.shared.business_time import DEFAULT_HOLIDAYS, HOLIDAYS_VARIABLE, BusinessCalendar, federal_holidays, holidays_from

CALENDAR = BusinessCalendar()
NEW_YORK = CALENDAR.timezone
instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2099, 11, 30), timezones=st.just(UTC))
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
    configured = holidays_from("2026-12-24, 2026-12-31")
    assert configured == {date(2026, 12, 24), date(2026, 12, 31)}
    # The configured dates replace the federal holidays: Christmas is then a business day.
    assert BusinessCalendar(holidays=configured).is_business_day(date(2026, 12, 25))
    assert not BusinessCalendar(holidays=configured).is_business_day(date(2026, 12, 24))
    assert holidays_from(None) == DEFAULT_HOLIDAYS
    with pytest.raises(ValueError, match="DSS_HOLIDAYS"):
        holidays_from("next friday")


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        CALENDAR.is_business_time(datetime(2026, 12, 7, 10, 0))


# --- the federal holidays, by rule ----------------------------------------------------------------


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The nth (1-based; -1: the last) `weekday` (Monday 0) of the month."""
    days = [day for day in calendar.Calendar().itermonthdates(year, month) if day.month == month and day.weekday() == weekday]
    return days[nth - 1] if nth > 0 else days[nth]


def observed(day: date) -> date:
    """Saturday's holiday is taken on the Friday before, Sunday's on the Monday after (5 U.S.C. 6103)."""
    return day + timedelta(days={5: -1, 6: 1}.get(day.weekday(), 0))


def federal_rules(year: int) -> dict[str, date]:
    """The federal holidays of `year` as the law sets them (5 U.S.C. 6103), before observance."""
    rules = {
        "New Year's Day": date(year, 1, 1),
        "Martin Luther King Jr. Day": nth_weekday(year, 1, 0, 3),
        "Washington's Birthday": nth_weekday(year, 2, 0, 3),
        "Memorial Day": nth_weekday(year, 5, 0, -1),
        "Juneteenth": date(year, 6, 19),
        "Independence Day": date(year, 7, 4),
        "Labor Day": nth_weekday(year, 9, 0, 1),
        "Columbus Day": nth_weekday(year, 10, 0, 2),
        "Veterans Day": date(year, 11, 11),
        "Thanksgiving Day": nth_weekday(year, 11, 3, 4),
        "Christmas Day": date(year, 12, 25),
    }
    if year < 2021:  # Juneteenth became a federal holiday in 2021
        del rules["Juneteenth"]
    return rules


@given(year=st.integers(min_value=1990, max_value=2100))
def test_every_year_has_the_federal_holidays_on_their_observed_days(year):
    rules = federal_rules(year)
    assert len(rules) == (11 if year >= 2021 else 10)
    # New Year's Day on a Saturday is taken on 31 December of the year before.
    observed_days = {observed(day) for day in [*rules.values(), date(year + 1, 1, 1)]}
    expected = {day for day in observed_days if day.year == year}
    assert federal_holidays(year) == expected
    for name, day in rules.items():
        assert observed(day) in DEFAULT_HOLIDAYS, name
        assert not CALENDAR.is_business_day(observed(day)), name
    assert all(day.weekday() < 5 for day in federal_holidays(year))


def test_the_dates_the_calendar_listed_for_2026_to_2028_are_the_rules_dates():
    listed = {
        date.fromisoformat(day)
        for day in (
            "2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03",
            "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25",
            "2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31", "2027-06-18", "2027-07-05",
            "2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25", "2027-12-24",
            "2027-12-31", "2028-01-17", "2028-02-21", "2028-05-29", "2028-06-19", "2028-07-04",
            "2028-09-04", "2028-10-09", "2028-11-10", "2028-11-23", "2028-12-25",
        )
    }  # fmt: skip
    assert federal_holidays(2026) | federal_holidays(2027) | federal_holidays(2028) == listed


def test_executive_order_closings_are_not_rules():
    # Christmas Eve 2024 was a one-off closing by executive order; a weekend holiday's own day is not listed.
    assert CALENDAR.is_business_day(date(2024, 12, 24))
    assert date(2026, 7, 4) not in DEFAULT_HOLIDAYS and date(2026, 7, 3) in DEFAULT_HOLIDAYS


def test_the_first_holiday_question_loads_the_us_rules_alone():
    """Cold start: the `holidays` package's country index imports every country (110-190 ms)."""
    probe = (
        "import sys\n"
        "from datetime import date\n"
        "from functions.shared.business_time import business_calendar\n"
        "assert 'holidays' not in sys.modules\n"
        "assert not business_calendar().is_business_day(date(2027, 12, 31))\n"
        "assert 'holidays.countries' not in sys.modules, 'every country was imported'\n"
    )
    environment = {name: value for name, value in os.environ.items() if name != HOLIDAYS_VARIABLE}
    subprocess.run([sys.executable, "-c", probe], check=True, env=environment, cwd=Path(__file__).resolve().parents[2])
