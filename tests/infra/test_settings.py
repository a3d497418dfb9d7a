"""Each function's environment against the settings model its code reads (functions/shared/settings.py):
a required setting the stack does not set fails here, not at the function's first request."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from functions.shared.settings import (
    AlertsSettings,
    ApiSettings,
    CasesSettings,
    FilesSettings,
    FollowupSettings,
    NotificationSettings,
    PublisherSettings,
    ReportsSettings,
    UpdatesSettings,
)

pytestmark = pytest.mark.slow

SETTINGS_BY_HANDLER: dict[str, type[BaseModel]] = {
    "functions.cases.handlers.api.lambda_handler": ApiSettings,
    "functions.cases.handlers.handle_timer_step.lambda_handler": CasesSettings,
    "functions.cases.handlers.handle_bus_events.lambda_handler": CasesSettings,
    "functions.files.handlers.api.lambda_handler": FilesSettings,
    "functions.directory.handlers.api.lambda_handler": ApiSettings,
    "functions.purge.handlers.handle_daily_purge.lambda_handler": FilesSettings,
    "functions.notifications.handlers.handle_case_events.lambda_handler": NotificationSettings,
    "functions.followups.handlers.handle_timer_events.lambda_handler": FollowupSettings,
    "functions.outbox.handlers.handle_table_stream.lambda_handler": PublisherSettings,
    "functions.alerts.handlers.api.lambda_handler": AlertsSettings,
    "functions.alerts.handlers.intake.lambda_handler": AlertsSettings,
    "functions.alerts.handlers.handle_alert_queue.lambda_handler": AlertsSettings,
    "functions.alerts.handlers.handle_timer_step.lambda_handler": AlertsSettings,
    "functions.alerts.handlers.handle_case_events.lambda_handler": AlertsSettings,
    "functions.alerts.handlers.handle_monitoring_bus.lambda_handler": AlertsSettings,
    # Every reports function reads ReportsSettings whole (functions/reports/logic/dependencies.py).
    "functions.reports.handlers.api.lambda_handler": ReportsSettings,
    "functions.reports.handlers.handle_report_schedule.lambda_handler": ReportsSettings,
    "functions.reports.handlers.handle_bus_events.lambda_handler": ReportsSettings,
    # The updates API creates the validation-due schedules; the job needs the table only (functions/updates/logic/dependencies.py).
    "functions.updates.handlers.api.lambda_handler": UpdatesSettings,
    "functions.updates.handlers.handle_update_schedule.lambda_handler": CasesSettings,
}


def _environments(synth) -> dict[str, dict]:
    return {
        function["Properties"]["Handler"]: function["Properties"]["Environment"]["Variables"]
        for function in synth.resources("AWS::Lambda::Function").values()
    }


def test_every_function_gets_the_settings_its_code_requires(dev, prod):
    for synth in (dev, prod):
        environments = _environments(synth)
        assert set(environments) == set(SETTINGS_BY_HANDLER)
        for handler, model in SETTINGS_BY_HANDLER.items():
            required = {name.upper() for name, field in model.model_fields.items() if field.is_required()}
            assert required <= set(environments[handler]), handler


def test_the_alerts_api_can_sign_its_page_tokens_and_the_intake_cannot(dev):
    environments = _environments(dev)
    assert "PAGE_TOKEN_SECRET_ARN" in environments["functions.alerts.handlers.api.lambda_handler"]
    assert "PAGE_TOKEN_SECRET_ARN" not in environments["functions.alerts.handlers.intake.lambda_handler"]


def test_only_the_outbox_publisher_is_told_the_bus(dev):
    told = {handler for handler, variables in _environments(dev).items() if "EVENT_BUS_NAME" in variables}
    assert told == {"functions.outbox.handlers.handle_table_stream.lambda_handler"}
