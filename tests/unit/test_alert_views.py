"""The alerts API's models (functions/alerts/models/views.py) stay the processor's: the settings a PUT takes are
AlertSettings' fields with its defaults and bounds, and the answers are the processor's models minus their
bookkeeping only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from functions.alerts.logic.reads import alert_answer, group_answer
from functions.alerts.models.alerts import Alert, AlertGroup, AlertState, GroupStatus, IncidentTimer
from functions.alerts.models.events import Severity
from functions.alerts.models.settings import AfterHours, AlertSettings, OnRecovery
from functions.alerts.models.views import AlertAnswer, AlertGroupAnswer, AlertSettingsAnswer, AlertSettingsRequest
from functions.shared.contracts import AlertLine, IncidentTimerStep

T = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)


def bounds(field) -> dict:
    """Its constraints (ge, le, …), not the request's `Choice` (an enum taken as sent)."""
    return {type(rule).__name__: rule for rule in field.metadata if type(rule).__name__ != "Strict"}


def test_the_settings_request_has_alert_settings_fields_defaults_and_bounds():
    request, settings = AlertSettingsRequest.model_fields, AlertSettings.model_fields
    assert set(request) == set(settings)
    assert request["case_severities"].default == settings["case_severities"].default
    for name in set(settings) - {"case_severities"}:
        assert request[name].default == settings[name].default, name
        assert bounds(request[name]) == bounds(settings[name]), name
    assert AlertSettingsRequest().settings() == AlertSettings()
    assert set(AlertSettingsAnswer.model_fields) == set(settings) | {"account_id", "version"}


def test_the_settings_request_is_strict_camel_case_and_names_each_severity_once():
    sent = {"caseSeverities": ["critical", "warning"], "afterHours": "open", "onRecovery": "closeIfUntouched", "digestMinutes": 5}
    settings = AlertSettingsRequest.model_validate(sent).settings()
    assert settings == AlertSettings(
        case_severities=[Severity.CRITICAL, Severity.WARNING], after_hours=AfterHours.OPEN, on_recovery=OnRecovery.CLOSE_IF_UNTOUCHED,
        digest_minutes=5,
    )  # fmt: skip
    assert AlertSettings.model_validate_json(settings.model_dump_json(round_trip=True)) == settings  # as the processor reads it
    for refused in ({"digestMinutes": "5"}, {"digest_minutes": 5}, {"caseSeverities": ["error", "error"]}, {"caseSeverities": []}):
        with pytest.raises(ValidationError):
            AlertSettingsRequest.model_validate(refused)


def test_an_alert_answer_is_the_alert_without_its_delivery_ids():
    alert = Alert(
        account_id="acme", dedup_key="ic-01/cpu", device="ic-01", severity=Severity.CRITICAL, summary="CPU", state=AlertState.FIRING,
        state_at=T, state_event_id="e1", instance=1, trigger_count=2, first_triggered_at=T, last_received_at=T,
        recent_event_ids=["e1", "e2"], version=3,
    )  # fmt: skip
    shown = alert_answer(alert).model_dump(by_alias=True)
    assert set(shown) == {AlertAnswer.model_fields[name].alias or name for name in Alert.model_fields} - {"recentEventIds"}
    assert shown["version"] == 3 and "recentEventIds" not in AlertAnswer.model_json_schema()["properties"]


def test_an_incident_answer_keeps_its_timers_tokens_and_undelivered_digest_to_itself():
    line = AlertLine(dedup_key="ic-01/cpu", device="ic-01", severity="critical", summary="CPU", first_triggered_at=T)
    group = AlertGroup(
        group_id="0" * 32, account_id="acme", device="ic-01", severity=Severity.CRITICAL, summary="CPU", status=GroupStatus.HELD,
        opened_at=T, detected_at=T, alert_count=1, last_firing_at=T, pending_digest=[line], pending_count=1, last_digest_at=T,
        timers={IncidentTimerStep.OPENING: IncidentTimer(token="secret-token", due_at=T)},
    )  # fmt: skip
    hidden = {"pendingDigest", "pendingCount", "lastDigestAt", "timers"}
    shown = group_answer(group).model_dump(mode="json", by_alias=True)
    assert not hidden & set(shown) and "secret-token" not in str(shown)
    assert not hidden & set(AlertGroupAnswer.model_json_schema()["properties"])
    assert set(shown) == {AlertGroupAnswer.model_fields[name].alias or name for name in AlertGroup.model_fields} - hidden
