"""The notifications domain's container: its collaborators, built from the environment on first use and
kept for the execution environment's life (docs/architecture.md, "How to add a domain")."""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property

from functions.notifications.dal.case_updates import TableCaseUpdates
from functions.notifications.dal.cases import TableCases
from functions.notifications.dal.directory import TableDirectory
from functions.notifications.dal.ledger import TableLedger
from functions.notifications.dal.mailer import SesMailer
from functions.notifications.logic.email_layout import SIGNATURE
from functions.shared.clock import Clock, SystemClock
from functions.shared.dal.secrets import secret_bytes
from functions.shared.environment import per_environment
from functions.shared.reference_id import ReferenceIds
from functions.shared.settings import notification_settings


class NotificationsDependencies:
    def __init__(self) -> None:
        self.clock: Clock = SystemClock()

    @cached_property
    def directory(self) -> TableDirectory:
        return TableDirectory(notification_settings().table_name)

    @cached_property
    def cases(self) -> TableCases:
        return TableCases(notification_settings().table_name)

    @cached_property
    def case_updates(self) -> TableCaseUpdates:
        return TableCaseUpdates(notification_settings().table_name)

    @cached_property
    def ledger(self) -> TableLedger:
        return TableLedger(notification_settings().table_name)

    @cached_property
    def mailer(self) -> SesMailer:
        return SesMailer(SIGNATURE, notification_settings().sender_email)

    @cached_property
    def references(self) -> ReferenceIds:
        return ReferenceIds(secret_bytes(notification_settings().reference_secret_arn))

    @property
    def portal_url(self) -> str:
        return notification_settings().portal_url

    @property
    def testing_department_email(self) -> str | None:
        """None (or empty) while the stack sets no address: the Testing Department's emails are skipped."""
        return notification_settings().testing_department_email or None

    @property
    def management_email_interval(self) -> timedelta:
        return timedelta(hours=notification_settings().dss_management_email_interval_hours)


@per_environment
def dependencies() -> NotificationsDependencies:
    return NotificationsDependencies()
