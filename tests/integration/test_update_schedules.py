"""The updates domain's scheduled jobs through the real job handler under moto, with time from the domain's clock: a
critical update's validation-due notice, Patch Tuesday's reminder and the weekly behind-GA check, each written once
however often its schedule fires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from functions.shared.auth import GROUPS_CLAIM
from functions.shared.clock import FixedClock
from functions.shared.environment import reset_environment
from functions.updates.logic.dependencies import dependencies

RECORDED = datetime(2026, 12, 8, 20, 0, tzinfo=UTC)  # Patch Tuesday (the second Tuesday of December), 15:00 Eastern
DUE = datetime(2026, 12, 15, 5, 0, tzinfo=UTC)  # 00:00 Eastern on the expected date
PATH = "/maintenance/windows-updates"
TESTING = {"sub": "u-tess", "email": "tess@testing.example", GROUPS_CLAIM: "testing-department"}
CRITICAL = {"kb": "KB5034441", "title": "Cumulative Update", "classification": "Critical", "releasedOn": "2026-12-08"}


@pytest.fixture
def clock(local_aws) -> FixedClock:
    local_aws.updates_settings()
    moved = FixedClock(RECORDED)
    dependencies().clock = moved
    return moved


def record(local_aws, body: dict) -> None:
    assert local_aws.call("POST", PATH, api="updates", claims=TESTING, body=body).status == 201


def updates_events(local_aws, detail_type: str) -> list[dict]:
    return [event for event in local_aws.published_events() if event["detail-type"] == detail_type]


def test_a_critical_update_still_pending_at_its_date_is_flagged_once(local_aws, clock):
    record(local_aws, CRITICAL)
    clock.moment = DUE

    first = local_aws.run_update_job({"job": "validation-due", "kb": "KB5034441"})
    again = local_aws.run_update_job({"job": "validation-due", "kb": "KB5034441"})

    assert first["written"] == 1 and again["written"] == 0 and "already" in again["skipped"][0]
    [event] = updates_events(local_aws, "WindowsUpdateValidationOverdue")
    assert event["detail"]["kb"] == "KB5034441" and event["detail"]["status"] == "pending-validation"
    assert event["detail"]["actor"]["role"] == "automation" and event["detail"]["occurredAt"] == "2026-12-15T05:00:00.000Z"


def test_a_firing_before_the_expected_date_writes_nothing(local_aws, clock):
    record(local_aws, CRITICAL)
    clock.moment = DUE - timedelta(hours=6)  # 19:00 Eastern the day before
    early = local_aws.run_update_job({"job": "validation-due", "kb": "KB5034441"})
    assert early["written"] == 0 and early["skipped"] == ["KB5034441: not due until 2026-12-15"]
    clock.moment = DUE
    assert local_aws.run_update_job({"job": "validation-due", "kb": "KB5034441"})["written"] == 1  # the real one still comes


def test_a_decided_or_unknown_update_is_left_alone(local_aws, clock):
    record(local_aws, CRITICAL)
    assert local_aws.call("POST", f"{PATH}/KB5034441/validate", api="updates", claims=TESTING, body={}).status == 200
    clock.moment = DUE

    decided = local_aws.run_update_job({"job": "validation-due", "kb": "KB5034441"})
    unknown = local_aws.run_update_job({"job": "validation-due", "kb": "KB1234567"})

    assert (decided["written"], unknown["written"]) == (0, 0)
    assert updates_events(local_aws, "WindowsUpdateValidationOverdue") == []


def test_patch_tuesday_reminds_once_a_month_with_the_pending_count(local_aws, clock):
    record(local_aws, CRITICAL)
    record(local_aws, {**CRITICAL, "kb": "KB5034442", "classification": "Update"})
    record(local_aws, {**CRITICAL, "kb": "KB5034443", "classification": "Update"})
    local_aws.call("POST", f"{PATH}/KB5034443/reject", api="updates", claims=TESTING, body={"reason": "Breaks the dialer."})

    first = local_aws.run_update_job({"job": "patch-tuesday"})
    again = local_aws.run_update_job({"job": "patch-tuesday"})
    clock.moment = datetime(2027, 1, 12, 20, 0, tzinfo=UTC)
    january = local_aws.run_update_job({"job": "patch-tuesday"})

    assert (first["written"], again["written"], january["written"]) == (1, 0, 1)
    reminders = updates_events(local_aws, "WindowsUpdatesReminder")
    assert [(each["detail"]["patchTuesday"], each["detail"]["pending"]) for each in reminders] == [("2026-12-08", 2), ("2027-01-12", 2)]


def test_the_weekly_check_names_each_account_with_gateways_far_behind_once_a_week(local_aws, clock):
    staff = {"api": "updates", "user": "engineer"}
    local_aws.call("PUT", "/maintenance/gateway-catalog/interaction-gateway", body={"updates": ["SU1", "SU2", "SU3", "SU4"]}, **staff)
    behind = [
        {"gatewayId": "gw-1", "gatewayType": "interaction-gateway", "installedUpdate": "SU1"},
        {"gatewayId": "gw-2", "gatewayType": "interaction-gateway", "installedUpdate": "SU3"},
        {"gatewayId": "gw-3", "gatewayType": "audiocodes", "installedUpdate": "7.20A"},  # no catalog: not judged
    ]
    assert local_aws.call("PUT", "/accounts/acme/platform", body={"gateways": behind}, **staff).status == 200
    current = [{"gatewayId": "gw-9", "gatewayType": "interaction-gateway", "installedUpdate": "SU2"}]
    assert local_aws.call("PUT", "/accounts/globex/platform", body={"gateways": current}, **staff).status == 200

    first = local_aws.run_update_job({"job": "behind-ga-check"})
    again = local_aws.run_update_job({"job": "behind-ga-check"})
    clock.moment += timedelta(days=7)
    next_week = local_aws.run_update_job({"job": "behind-ga-check"})

    assert (first["written"], again["written"], next_week["written"]) == (1, 0, 1)
    notices = updates_events(local_aws, "GatewaysBehindGa")
    assert [notice["detail"]["accountId"] for notice in notices] == ["acme", "acme"]
    assert notices[0]["detail"]["gateways"] == [
        {"gatewayId": "gw-1", "gatewayType": "interaction-gateway", "installedUpdate": "SU1", "currentGa": "SU4", "updatesBehind": 3}
    ]
    assert notices[0]["detail"]["eventKey"] != notices[1]["detail"]["eventKey"]


def test_the_job_needs_only_the_table(local_aws, clock, monkeypatch):
    """The job Lambda is given TABLE_NAME alone (only the API creates schedules)."""
    for name in ("VALIDATION_SCHEDULE_GROUP", "VALIDATION_SCHEDULE_TARGET_ARN", "VALIDATION_SCHEDULE_ROLE_ARN"):
        monkeypatch.delenv(name)
    reset_environment()
    dependencies().clock = clock

    assert local_aws.run_update_job({"job": "patch-tuesday"})["written"] == 1


def test_an_unknown_job_fails_the_invocation(local_aws, clock):
    with pytest.raises(ValidationError):
        local_aws.run_update_job({"job": "reboot-everything"})
