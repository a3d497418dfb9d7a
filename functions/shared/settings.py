"""Environment settings as pydantic models, read on first use (never at import time) and cached."""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict, Field

from functions.shared.environment import per_environment


class CasesSettings(BaseModel):
    """What every function that changes cases needs (the API and the timer steps); the stack sets these."""

    model_config = ConfigDict(frozen=True)

    table_name: str


class ApiSettings(CasesSettings):
    """What every API function needs; the stack sets these variables."""

    page_token_secret_arn: str


class NotificationSettings(BaseModel):
    """What the notifications function needs; the stack sets these variables."""

    model_config = ConfigDict(frozen=True)

    table_name: str
    reference_secret_arn: str  # the HMAC key of Reference IDs (functions/shared/reference_id.py)
    sender_email: str  # a verified SES identity (the address or its domain)
    portal_url: str  # emails link to <portal_url>/cases/<case number>
    # A case's regional managers are emailed about its management escalations at most once per this many
    # hours; later ones within it are recorded, not emailed (functions/notifications/dal/ledger.py).
    dss_management_email_interval_hours: float = Field(default=24.0, ge=0)
    # The Testing Department's address (platform updates: a critical Windows update overdue for validation, the
    # Patch Tuesday reminder); unset, those emails are skipped and logged.
    testing_department_email: str | None = None


class FollowupSettings(BaseModel):
    """What the followups function needs: the state machines it starts and stops (the case timers') and starts
    (the alerts domain's incident timers')."""

    model_config = ConfigDict(frozen=True)

    follow_up_state_machine_arn: str
    response_escalation_state_machine_arn: str
    incident_timer_state_machine_arn: str
    # Local stack only (`make run --time-scale`): timers wake this many times sooner than their business
    # deadlines, so a ladder of days can be watched in minutes. The stack never sets it.
    dss_timer_time_scale: float = Field(default=1.0, ge=1.0)


class PublisherSettings(BaseModel):
    """What the outbox publisher needs: the bus (the only function that puts events on it)."""

    model_config = ConfigDict(frozen=True)

    event_bus_name: str


class FilesSettings(CasesSettings):
    """What the files API and the purge job need: the table, the bus, and the case files bucket."""

    files_bucket: str
    # Unfinished uploads at once (functions/files/logic/uploads.py): per case, and per account across its cases.
    # The account's open uploads are kept in one item (functions/files/dal/tables.py OpenUploadsItem), ~60
    # bytes each: the cap keeps it far below DynamoDB's 400 KB item limit.
    dss_max_open_uploads_per_case: int = Field(default=20, ge=1, le=1000)
    dss_max_open_uploads_per_account: int = Field(default=100, ge=1, le=2000)


def _environment() -> dict[str, str]:
    return {name.lower(): value for name, value in os.environ.items()}


@per_environment
def api_settings() -> ApiSettings:
    return ApiSettings.model_validate(_environment(), strict=False)


@per_environment
def notification_settings() -> NotificationSettings:
    return NotificationSettings.model_validate(_environment(), strict=False)


@per_environment
def cases_settings() -> CasesSettings:
    return CasesSettings.model_validate(_environment(), strict=False)


@per_environment
def followup_settings() -> FollowupSettings:
    return FollowupSettings.model_validate(_environment(), strict=False)


@per_environment
def files_settings() -> FilesSettings:
    return FilesSettings.model_validate(_environment(), strict=False)


@per_environment
def publisher_settings() -> PublisherSettings:
    return PublisherSettings.model_validate(_environment(), strict=False)


class SignInSettings(BaseModel):
    """What the directory API hands clients as the public sign-in configuration (GET /sign-in): the user pool
    and app client they sign in with, set by the stack from its identity component."""

    model_config = ConfigDict(frozen=True)

    user_pool_id: str
    user_pool_client_id: str
    user_pool_region: str
    # Where clients post Cognito's JSON calls; unset in AWS (the region's public endpoint), moto's URL locally.
    cognito_endpoint: str | None = None

    @property
    def endpoint(self) -> str:
        return self.cognito_endpoint or f"https://cognito-idp.{self.user_pool_region}.amazonaws.com/"


@per_environment
def sign_in_settings() -> SignInSettings:
    return SignInSettings.model_validate(_environment(), strict=False)


class DirectorySettings(ApiSettings):
    """What the directory API needs beyond every API's settings: the user pool its contacts sign in with, the
    IVR PINs' HMAC key, and the invitations' sender and link."""

    user_pool_id: str
    pin_secret_arn: str
    sender_email: str
    portal_url: str


@per_environment
def directory_settings() -> DirectorySettings:
    return DirectorySettings.model_validate(_environment(), strict=False)


class AlertsSettings(CasesSettings):
    """What the alerts functions need: the table, the queue the intake fills and the processor drains, and the
    master secret every integration's credentials derive from (functions/alerts/logic/credentials.py)."""

    alerts_queue_url: str
    alerts_master_secret_arn: str
    # The intake reads an integration's item at most once per this many seconds per container: a disabled
    # integration or an expired rotation is refused within it (functions/alerts/logic/intake.py).
    dss_integration_staleness_seconds: float = Field(default=60.0, ge=0, le=600)


@per_environment
def alerts_settings() -> AlertsSettings:
    return AlertsSettings.model_validate(_environment(), strict=False)


class ReportsSettings(CasesSettings):
    """What the reports functions need: the files bucket (the runs' CSVs under `reports/`), the sender and the portal
    (the emails' links), and the key of the recipients' signed links (functions/reports/logic/links.py)."""

    files_bucket: str
    sender_email: str
    portal_url: str
    report_link_secret_arn: str


@per_environment
def reports_settings() -> ReportsSettings:
    return ReportsSettings.model_validate(_environment(), strict=False)


class UpdatesSettings(CasesSettings):
    """What the updates API needs: the table, and where a critical Windows update's one-time validation-due schedule goes
    (EventBridge Scheduler: its group, the job Lambda it invokes and the role it invokes it with). VALIDATION_DAYS: how
    long after its release the Testing Department is expected to have decided. The updates job reads TABLE_NAME only."""

    validation_schedule_group: str
    validation_schedule_target_arn: str
    validation_schedule_role_arn: str
    validation_schedule_dead_letter_arn: str = ""  # where a schedule Scheduler cannot invoke the job goes ("": none, locally)
    validation_days: int = Field(default=7, ge=1, le=90)


@per_environment
def updates_settings() -> UpdatesSettings:
    return UpdatesSettings.model_validate(_environment(), strict=False)
