"""Report periods: every instant in exactly one period of each cadence, periods of US Eastern days (so DST weeks
are 167 and 169 hours), bi-weekly parity kept across year ends, deliveries at 06:00 Eastern on the day a period
ends, and the labels the report shows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.reports.logic.periods import (
    CHART_PERIODS,
    DEFAULT_ANCHOR,
    Cadence,
    Period,
    chart_periods,
    eastern_day,
    last_complete,
    next_delivery,
    period_containing,
)

NEW_YORK = ZoneInfo("America/New_York")
MICROSECOND = timedelta(microseconds=1)
HOUR = timedelta(hours=1)

instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.just(UTC))
cadences = st.sampled_from(Cadence)
anchors = st.dates(min_value=date(1990, 1, 1), max_value=date(2110, 12, 31)).map(lambda day: day - timedelta(days=day.weekday()))


def wall(instant: datetime) -> datetime:
    return instant.astimezone(NEW_YORK)


def nth_sunday(year: int, month: int, nth: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (nth - 1))


def spring_forward(year: int) -> date:
    """The US rule since 2007: clocks go forward on March's second Sunday."""
    return nth_sunday(year, 3, 2)


def fall_back(year: int) -> date:
    """And back on November's first Sunday."""
    return nth_sunday(year, 11, 1)


# --- one period per instant --------------------------------------------------------------------------------


@given(cadence=cadences, instant=instants, anchor=anchors)
def test_every_instant_is_in_exactly_one_period_and_periods_tile_time(cadence, instant, anchor):
    """The period holding an instant holds it half-open, is the same period from its first and last microsecond,
    and its neighbours meet it exactly: no gap, no overlap."""
    period = period_containing(cadence, instant, anchor)
    assert period.start <= instant < period.end
    assert period_containing(cadence, period.start, anchor) == period
    assert period_containing(cadence, period.end - MICROSECOND, anchor) == period
    assert period_containing(cadence, period.end, anchor) == period.following()
    assert period.following().start == period.end
    assert period.previous().end == period.start
    assert period.following().previous() == period == period.previous().following()


@given(cadence=cadences, instant=instants, anchor=anchors)
def test_periods_are_whole_eastern_days_on_their_cadences_first_day(cadence, instant, anchor):
    """Start and end are 00:00 America/New_York of `start_day` and `end_day`; weeks start on Mondays, months on
    the 1st, quarters on January, April, July or October 1st."""
    period = period_containing(cadence, instant, anchor)
    for moment, day in ((period.start, period.start_day), (period.end, period.end_day)):
        assert moment.tzinfo is not None and moment.utcoffset() == timedelta(0)
        assert (wall(moment).date(), wall(moment).time()) == (day, time(0))
    assert period.start_day <= eastern_day(instant) < period.end_day
    days = (period.end_day - period.start_day).days
    if cadence in (Cadence.WEEKLY, Cadence.BIWEEKLY):
        assert period.start_day.weekday() == period.end_day.weekday() == 0
        assert days == (7 if cadence is Cadence.WEEKLY else 14)
    else:
        months = 1 if cadence is Cadence.MONTHLY else 3
        assert period.start_day.day == period.end_day.day == 1
        assert (period.start_day.month - 1) % months == 0
        assert (period.end_day.year * 12 + period.end_day.month) - (period.start_day.year * 12 + period.start_day.month) == months
        assert 28 <= days <= 31 if months == 1 else 90 <= days <= 92


# --- daylight saving ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", range(2020, 2031))
def test_the_spring_week_is_167_hours_the_autumn_week_169_and_every_other_168(year):
    """Walks every week starting in the year: the week holding March's second Sunday is an hour short, the one
    holding November's first Sunday an hour long."""
    week = period_containing(Cadence.WEEKLY, datetime(year, 1, 1, 12, tzinfo=UTC))
    lengths: dict[date, float] = {}
    while week.start_day.year <= year:
        lengths[week.start_day] = (week.end - week.start) / HOUR
        week = week.following()
    spring = spring_forward(year) - timedelta(days=6)  # that Sunday's week starts the Monday before
    autumn = fall_back(year) - timedelta(days=6)
    assert (lengths.pop(spring), lengths.pop(autumn)) == (167, 169)
    assert set(lengths.values()) == {168}


@given(instant=st.datetimes(min_value=datetime(2007, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.just(UTC)))
def test_a_weeks_length_follows_the_clock_change_it_holds(instant):
    """Any week: 167 hours if it holds the spring change, 169 if the autumn one, else 168."""
    week = period_containing(Cadence.WEEKLY, instant)
    year = week.start_day.year
    holds = {change for change in (spring_forward(year), fall_back(year)) if week.start_day <= change < week.end_day}
    expected = 167 if spring_forward(year) in holds else 169 if fall_back(year) in holds else 168
    assert (week.end - week.start) / HOUR == expected


def test_the_spring_week_of_2026_is_167_hours_by_its_utc_instants():
    """March 8, 2026 is the change: the week runs from 05:00Z (EST) to 04:00Z (EDT)."""
    week = period_containing(Cadence.WEEKLY, datetime(2026, 3, 8, 12, tzinfo=UTC))
    assert (week.start_day, week.end_day) == (date(2026, 3, 2), date(2026, 3, 9))
    assert (week.start, week.end) == (datetime(2026, 3, 2, 5, tzinfo=UTC), datetime(2026, 3, 9, 4, tzinfo=UTC))


# --- bi-weekly parity --------------------------------------------------------------------------------------


@given(instant=instants, anchor=anchors)
def test_biweekly_periods_keep_the_anchors_parity(instant, anchor):
    """Counted in days from the anchor Monday, whichever side of it the instant is: 14 Eastern days, starting
    a multiple of 14 days from the anchor, the next one too."""
    period = period_containing(Cadence.BIWEEKLY, instant, anchor)
    for each in (period, period.following(), period.previous()):
        assert (each.start_day - anchor).days % 14 == 0
        assert (each.end_day - each.start_day).days == 14
        assert each.anchor == anchor
        assert 335 <= (each.end - each.start) / HOUR <= 337


@given(year=st.integers(min_value=2000, max_value=2099), days=st.integers(min_value=-20, max_value=20), anchor=anchors)
def test_biweekly_parity_holds_across_year_ends(year, days, anchor):
    """Around every New Year: the periods before and after Jan 1 keep the count (no restart per year), and the
    one spanning Dec→Jan is 14 days like the others."""
    new_year = datetime.combine(date(year + 1, 1, 1), time(12), tzinfo=NEW_YORK) + timedelta(days=days)
    period = period_containing(Cadence.BIWEEKLY, new_year, anchor)
    spanning = period_containing(Cadence.BIWEEKLY, datetime.combine(date(year + 1, 1, 1), time(0), tzinfo=NEW_YORK), anchor)
    assert spanning.start_day <= date(year + 1, 1, 1) < spanning.end_day
    assert (spanning.end_day - spanning.start_day).days == 14
    assert (period.start_day - spanning.start_day).days % 14 == 0
    assert (period.start_day - anchor).days % 14 == 0


def test_a_biweekly_period_across_new_year():
    """Anchor Monday Jan 5, 2026: the count reaches Dec 21, 2026 and then Jan 4, 2027, labelled across the year."""
    anchor = date(2026, 1, 5)
    period = period_containing(Cadence.BIWEEKLY, datetime(2027, 1, 1, 17, tzinfo=UTC), anchor)
    assert (period.start_day, period.end_day) == (date(2026, 12, 21), date(2027, 1, 4))
    assert period.label == "Dec 21, 2026–Jan 3, 2027"
    assert period.following().start_day == date(2027, 1, 4)


# --- deliveries --------------------------------------------------------------------------------------------


@given(cadence=cadences, instant=instants, anchor=anchors)
def test_a_period_is_delivered_at_six_eastern_on_the_day_it_ends(cadence, instant, anchor):
    period = period_containing(cadence, instant, anchor)
    local = wall(period.delivery_at)
    assert (local.date(), local.time()) == (period.end_day, time(6))
    assert period.delivery_at.utcoffset() == timedelta(0)
    assert period.delivery_at - period.end in (timedelta(hours=5), timedelta(hours=6), timedelta(hours=7))


@given(cadence=cadences, instant=instants, anchor=anchors)
def test_the_next_delivery_is_the_first_one_after_the_instant(cadence, instant, anchor):
    """It is after the instant, it is a period's delivery, and the delivery before it is not after the instant:
    no delivery lies between, none is skipped."""
    delivery = next_delivery(cadence, instant, anchor)
    assert delivery > instant
    delivered = last_complete(cadence, delivery, anchor)
    assert delivered.delivery_at == delivery
    assert delivered.end_day == eastern_day(delivery)
    assert delivered.end <= delivery
    assert delivered.previous().delivery_at <= instant


@given(cadence=cadences, instant=instants, anchor=anchors, late=st.integers(min_value=0, max_value=17 * 60))
def test_a_late_run_still_delivers_the_period_due(cadence, instant, anchor, late):
    """A run up to 17 hours after 06:00 (still the period's end day) delivers the same period."""
    delivery = next_delivery(cadence, instant, anchor)
    assert last_complete(cadence, delivery + timedelta(minutes=late), anchor) == last_complete(cadence, delivery, anchor)


@given(cadence=cadences, instant=instants, anchor=anchors)
def test_the_last_complete_period_has_ended_and_is_the_latest_that_has(cadence, instant, anchor):
    period = last_complete(cadence, instant, anchor)
    assert period.end <= instant < period.following().end


def test_a_subscription_made_before_six_on_monday_gets_last_weeks_report_that_morning():
    monday_3am = datetime(2026, 12, 7, 3, tzinfo=NEW_YORK)
    assert next_delivery(Cadence.WEEKLY, monday_3am) == datetime(2026, 12, 7, 6, tzinfo=NEW_YORK)
    assert last_complete(Cadence.WEEKLY, datetime(2026, 12, 7, 6, tzinfo=NEW_YORK)).start_day == date(2026, 11, 30)
    monday_7am = datetime(2026, 12, 7, 7, tzinfo=NEW_YORK)
    assert next_delivery(Cadence.WEEKLY, monday_7am) == datetime(2026, 12, 14, 6, tzinfo=NEW_YORK)


def test_deliveries_on_dst_days_are_six_local():
    """The spring-forward Sunday ends no week, but March 9, 2026 (Monday after) gets its 06:00 EDT = 10:00Z; the
    month ending Nov 1, 2026 (fall-back day) is delivered at 06:00 EST = 11:00Z."""
    week = period_containing(Cadence.WEEKLY, datetime(2026, 3, 8, 12, tzinfo=UTC))
    assert week.delivery_at == datetime(2026, 3, 9, 10, tzinfo=UTC)
    october = period_containing(Cadence.MONTHLY, datetime(2026, 10, 15, tzinfo=UTC))
    assert october.delivery_at == datetime(2026, 11, 1, 11, tzinfo=UTC)


# --- labels and the chart ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cadence, day, anchor, label, short_label",
    [
        (Cadence.WEEKLY, date(2026, 12, 2), DEFAULT_ANCHOR, "week of Nov 30–Dec 6, 2026", "Nov 30"),
        (Cadence.WEEKLY, date(2026, 12, 9), DEFAULT_ANCHOR, "week of Dec 7–13, 2026", "Dec 7"),
        (Cadence.WEEKLY, date(2027, 1, 1), DEFAULT_ANCHOR, "week of Dec 28, 2026–Jan 3, 2027", "Dec 28"),
        (Cadence.BIWEEKLY, date(2026, 12, 2), DEFAULT_ANCHOR, "Nov 30–Dec 13, 2026", "Nov 30"),
        (Cadence.MONTHLY, date(2026, 12, 31), DEFAULT_ANCHOR, "December 2026", "Dec 2026"),
        (Cadence.QUARTERLY, date(2026, 11, 15), DEFAULT_ANCHOR, "Q4 2026", "Q4 2026"),
        (Cadence.QUARTERLY, date(2027, 1, 1), DEFAULT_ANCHOR, "Q1 2027", "Q1 2027"),
    ],
)
def test_labels(cadence, day, anchor, label, short_label):
    period = period_containing(cadence, datetime.combine(day, time(12), tzinfo=NEW_YORK), anchor)
    assert (period.label, period.short_label) == (label, short_label)


def test_a_range_of_dates_is_labelled_by_its_days_and_steps_by_its_length():
    period = Period(None, date(2026, 12, 28), date(2027, 1, 4))
    assert period.label == "Dec 28, 2026–Jan 3, 2027"
    assert Period(None, date(2026, 12, 1), date(2026, 12, 2)).label == "Dec 1, 2026"
    assert period.previous() == Period(None, date(2026, 12, 21), date(2026, 12, 28))
    assert period.following() == Period(None, date(2027, 1, 4), date(2027, 1, 11))


@given(cadence=cadences, instant=instants, anchor=anchors)
def test_the_chart_is_the_period_and_the_seven_before_it_oldest_first(cadence, instant, anchor):
    period = period_containing(cadence, instant, anchor)
    chart = chart_periods(period)
    assert len(chart) == CHART_PERIODS == 8
    assert chart[-1] == period
    assert all(earlier.following() == later for earlier, later in pairwise(chart))
