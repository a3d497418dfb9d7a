"""Stage configuration: `cdk deploy -c stage=<name>`. "prod" gets the production profile; any other
name (dev, a developer's own stack) gets the development profile."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_logs as logs

DEFAULT_STAGE = "dev"
PRODUCTION_STAGE = "prod"
_STAGE_NAME = re.compile(r"^[a-z][a-z0-9-]{1,15}$")
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


@dataclass(frozen=True)
class StageConfig:
    name: str
    throttle_rate_limit: float  # requests per second, steady state, for the whole API stage
    throttle_burst_limit: int
    log_retention: logs.RetentionDays
    log_level: str
    removal_policy: RemovalPolicy
    event_archive_retention: Duration
    # How long the case files bucket's S3 server access logs (who fetched or wrote which file, when) are kept.
    files_access_log_retention: Duration
    waf: bool  # a WAF web ACL in front of the API
    mfa_required: bool
    # Notifications: the From address (an SES email identity the stack creates; AWS emails it a link to
    # verify it on the first deploy). Set your own here. Emails link to the portal's distribution.
    sender_email: str
    # Platform updates: the Testing Department's address (a critical Windows update overdue for validation, the Patch
    # Tuesday reminder), emailed by the notifications function. Set your own here.
    testing_department_email: str
    # Business-time configuration for the functions (DSS_HOLIDAYS, DSS_RESPONSE_TARGETS), from
    # `-c holidays=2026-12-24,2026-12-31 -c responseTargets="2-High=60"`; empty: the documented defaults.
    business_time: dict[str, str] = field(default_factory=dict)
    # Who hears the alarms: an email subscription to the stage's operations topic, from
    # `-c alarmEmail=ops@example.com` (AWS emails a confirmation link first). None: the topic has no
    # subscriber (subscribe a pager or chat integration by hand).
    alarm_email: str | None = None
    # AWS accounts whose events the dss-monitoring bus admits (`-c monitoringSenderAccounts=111122223333,…`);
    # an integration's awsAccountIds map each to a customer account.
    monitoring_sender_accounts: tuple[str, ...] = ()
    # Indexes of the table left out of this deploy (`-c deferIndexes=account-closed`): CloudFormation creates one
    # GSI per table update, so a stage that gains two at once deploys twice (docs/operations.md, Upgrades).
    deferred_indexes: tuple[str, ...] = ()

    @property
    def is_production(self) -> bool:
        return self.name == PRODUCTION_STAGE

    @property
    def retain_data(self) -> bool:
        return self.removal_policy == RemovalPolicy.RETAIN


def with_business_time(config: StageConfig, holidays: str | None, response_targets: str | None) -> StageConfig:
    """Adds the business-time settings, checked now so that a typo fails the synth, not a request."""
    from functions.cases.logic.response_targets import TARGETS_VARIABLE, targets_from
    from functions.shared.business_time import HOLIDAYS_VARIABLE, holidays_from

    settings = {}
    if holidays:
        holidays_from(holidays)
        settings[HOLIDAYS_VARIABLE] = holidays
    if response_targets:
        targets_from(response_targets)
        settings[TARGETS_VARIABLE] = response_targets
    return replace(config, business_time=settings)


def with_alarm_email(config: StageConfig, alarm_email: str | None) -> StageConfig:
    """Adds the alarm recipient, checked now so that a typo fails the synth, not the first alarm."""
    if not alarm_email:
        return config
    if not _EMAIL.match(alarm_email):
        raise ValueError(f"alarmEmail {alarm_email!r}: give one email address, e.g. -c alarmEmail=ops@example.com")
    return replace(config, alarm_email=alarm_email)


def with_monitoring_senders(config: StageConfig, accounts: str | None) -> StageConfig:
    """Adds the AWS accounts the dss-monitoring bus admits, checked now (12 digits each)."""
    listed = tuple(account.strip() for account in (accounts or "").split(",") if account.strip())
    if bad := [account for account in listed if not re.fullmatch(r"\d{12}", account)]:
        raise ValueError(f"monitoringSenderAccounts {bad!r}: give AWS account ids (12 digits), comma-separated")
    return replace(config, monitoring_sender_accounts=listed)


def with_deferred_indexes(config: StageConfig, indexes: str | None, known: tuple[str, ...]) -> StageConfig:
    """The table's indexes left out of this deploy, checked now against the model's (`known`)."""
    listed = tuple(index.strip() for index in (indexes or "").split(",") if index.strip())
    if unknown := sorted(set(listed) - set(known)):
        raise ValueError(f"deferIndexes {unknown!r}: name indexes of the table ({', '.join(known)})")
    return replace(config, deferred_indexes=listed)


def stage_config(name: str | None) -> StageConfig:
    name = name or DEFAULT_STAGE
    if not _STAGE_NAME.match(name):
        raise ValueError(f"stage {name!r}: use 2-16 lowercase letters, digits or '-', starting with a letter")
    if name == PRODUCTION_STAGE:
        return StageConfig(
            name=name,
            throttle_rate_limit=100,
            throttle_burst_limit=200,
            log_retention=logs.RetentionDays.THREE_MONTHS,
            log_level="INFO",
            removal_policy=RemovalPolicy.RETAIN,
            event_archive_retention=Duration.days(365),
            files_access_log_retention=Duration.days(365),
            waf=True,
            mfa_required=True,
            sender_email="support@support.example",
            testing_department_email="testing@support.example",
        )
    return StageConfig(
        name=name,
        throttle_rate_limit=20,
        throttle_burst_limit=40,
        log_retention=logs.RetentionDays.ONE_WEEK,
        log_level="DEBUG",
        removal_policy=RemovalPolicy.DESTROY,
        event_archive_retention=Duration.days(30),
        files_access_log_retention=Duration.days(30),
        waf=False,
        mfa_required=False,
        sender_email=f"support-{name}@support.example",
        testing_department_email=f"testing-{name}@support.example",
    )
