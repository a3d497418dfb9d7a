"""The guide's platform-update rules (functions/shared/update_rules.py), each approval criterion and each denial
reason in a table, and the contract quarters (functions/shared/quarters.py) as properties across years and
fiscal starts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.shared import update_rules as rules
from functions.shared.quarters import contract_year_of, quarter_of
from functions.shared.update_rules import AppliedRelease, KbStatus, UpdateReason, WindowsUpdate

R = UpdateReason
DAY = date(2026, 12, 7)
Q4 = quarter_of(DAY)


def kb(status: KbStatus, **fields) -> WindowsUpdate:
    released = date(2026, 12, 8)
    return WindowsUpdate("KB5034441", "Cumulative Update", "Critical", released, status, rules.expected_validation(released), **fields)


@pytest.mark.parametrize(
    ("updates", "allowed", "code", "words"),
    [
        ([kb(KbStatus.VALIDATED)], True, "allowed", "validated"),
        ([kb(KbStatus.PENDING_VALIDATION)], False, "kb_pending_validation",
         "KB5034441 (Critical, released 2026-12-08) is being validated by the Testing Department; expected from 2026-12-15"),
        ([kb(KbStatus.REJECTED, rejection_reason="breaks the IC server")], False, "kb_rejected", "breaks the IC server"),
        ([kb(KbStatus.SUPERSEDED)], False, "kb_superseded", "replaces it"),
        ([kb(KbStatus.VALIDATED), kb(KbStatus.PENDING_VALIDATION)], False, "kb_pending_validation", "expected from"),
    ],
)  # fmt: skip
def test_only_validated_windows_updates_are_applied(updates, allowed, code, words):
    decision = rules.windows_updates(updates)
    assert (decision.allowed, decision.code) == (allowed, code) and words in decision.message


APPLIED = AppliedRelease("0000000042", date(2026, 10, 14))


@pytest.mark.parametrize(
    ("reason", "impacting", "applied", "allowed", "code", "words"),
    [
        (R.KNOWN_SCR, True, None, True, "allowed", "Q4 2026"),
        (R.NEW_SCR, True, None, True, "allowed", "Q4 2026"),
        (R.FEATURE, True, None, True, "allowed", "Q4 2026"),
        (R.BEHIND_GA, True, None, False, "no_release_criterion", "known or new SCR"),
        (R.KNOWN_SCR, True, APPLIED, False, "release_quota_used", "0000000042, on 2026-10-14); the next can be requested from 2027-01-01"),
        (R.KNOWN_SCR, False, None, False, "not_system_impacting", "system-impacting"),
    ],
)  # fmt: skip
def test_one_release_a_quarter_for_an_scr_or_a_feature_when_an_issue_drives_it(reason, impacting, applied, allowed, code, words):
    decision = rules.release(reason, system_impacting=impacting, quarter=Q4, applied=applied)
    assert (decision.allowed, decision.code) == (allowed, code) and words in decision.message


@pytest.mark.parametrize(
    ("reason", "in_use", "affecting", "allowed", "code"),
    [
        (R.KNOWN_SCR, True, True, True, "allowed"),
        (R.NEW_SCR, True, True, True, "allowed"),
        (R.FEATURE, True, True, False, "no_patch_criterion"),
        (R.KNOWN_SCR, False, True, False, "feature_not_in_use"),
        (R.KNOWN_SCR, True, False, False, "scr_not_service_affecting"),
    ],
)
def test_a_patch_for_a_service_affecting_scr_in_a_feature_in_use(reason, in_use, affecting, allowed, code):
    decision = rules.patch(reason, feature_in_use=in_use, service_affecting=affecting)
    assert (decision.allowed, decision.code) == (allowed, code)


@pytest.mark.parametrize(
    ("reason", "impacting", "behind", "allowed", "code", "words"),
    [
        (R.KNOWN_SCR, True, 0, True, "allowed", "SCR"),
        (R.FEATURE, True, 0, True, "allowed", "feature"),
        (R.BEHIND_GA, False, 3, True, "allowed", "3 updates behind"),
        (R.BEHIND_GA, True, 5, True, "allowed", "5 updates behind"),
        (R.BEHIND_GA, True, 1, False, "not_behind_ga", "only 1 update behind the current GA"),
        (R.BEHIND_GA, True, 2, False, "not_behind_ga", "only 2 updates behind"),
        (R.NEW_SCR, False, 0, False, "not_system_impacting", "system-impacting"),
    ],
)  # fmt: skip
def test_a_gateway_update_for_an_scr_a_feature_or_three_behind_ga(reason, impacting, behind, allowed, code, words):
    decision = rules.gateway_update(reason, system_impacting=impacting, updates_behind=behind)
    assert (decision.allowed, decision.code) == (allowed, code) and words in decision.message


DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
MONTHS = st.integers(min_value=1, max_value=12)


@given(DAYS, MONTHS)
def test_every_day_is_in_exactly_one_quarter_of_three_months(day, start_month):
    quarter = quarter_of(day, start_month)
    assert quarter.holds(day) and quarter.first_day.day == 1 and quarter.next_first_day.day == 1
    months = (quarter.next_first_day.year - quarter.first_day.year) * 12 + quarter.next_first_day.month - quarter.first_day.month
    assert months == 3
    assert quarter_of(quarter.first_day, start_month) == quarter == quarter_of(quarter.next_first_day - timedelta(days=1), start_month)
    assert quarter_of(quarter.next_first_day, start_month).first_day == quarter.next_first_day  # contiguous
    assert (quarter.first_day.month - start_month) % 3 == 0  # quarters start on the fiscal year's months


@given(DAYS, MONTHS)
def test_quarter_numbers_count_from_the_fiscal_start(day, start_month):
    quarter = quarter_of(day, start_month)
    assert quarter.number == ((quarter.first_day.month - start_month) % 12) // 3 + 1
    if quarter.number == 1:
        assert quarter.first_day.month == start_month
    following = quarter_of(quarter.next_first_day, start_month)
    assert following.number == quarter.number % 4 + 1
    assert following.fiscal_year == quarter.fiscal_year + (1 if quarter.number == 4 else 0)


@pytest.mark.parametrize(
    ("day", "start_month", "label", "first", "following"),
    [
        (date(2026, 12, 7), 1, "Q4 2026", date(2026, 10, 1), date(2027, 1, 1)),
        (date(2026, 12, 31), 1, "Q4 2026", date(2026, 10, 1), date(2027, 1, 1)),
        (date(2027, 1, 1), 1, "Q1 2027", date(2027, 1, 1), date(2027, 4, 1)),
        (date(2026, 7, 1), 7, "FY2027 Q1", date(2026, 7, 1), date(2026, 10, 1)),
        (date(2026, 6, 30), 7, "FY2026 Q4", date(2026, 4, 1), date(2026, 7, 1)),
        (date(2027, 1, 15), 10, "FY2027 Q2", date(2027, 1, 1), date(2027, 4, 1)),
        (date(2026, 12, 31), 12, "FY2027 Q1", date(2026, 12, 1), date(2027, 3, 1)),
    ],
)
def test_quarters_of_a_calendar_year_and_of_fiscal_years(day, start_month, label, first, following):
    quarter = quarter_of(day, start_month)
    assert (quarter.label, quarter.first_day, quarter.next_first_day) == (label, first, following)


def test_a_fiscal_start_outside_the_months_is_refused():
    with pytest.raises(ValueError, match="1 to 12"):
        quarter_of(DAY, 13)


@pytest.mark.parametrize(
    ("installed", "behind"),
    [("SU5", 0), ("SU4", 1), ("SU2", 3), ("SU1", 4), ("SU0-unknown", 5), (None, 5)],
)
def test_how_far_behind_ga_a_gateway_is(installed, behind):
    assert rules.updates_behind(["SU1", "SU2", "SU3", "SU4", "SU5"], installed) == behind
    assert rules.gateway_update(R.BEHIND_GA, system_impacting=True, updates_behind=behind).allowed is (behind >= 3)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)), st.integers(min_value=1, max_value=12))
def test_a_contract_year_holds_the_day_and_its_four_quarters(day: date, start_month: int) -> None:
    year = contract_year_of(day, start_month)
    assert year.first_day <= day < year.next_first_day
    assert year.first_day.month == start_month and year.first_day.day == 1
    assert quarter_of(year.first_day, start_month).number == 1
    assert year.fiscal_year == quarter_of(day, start_month).fiscal_year
