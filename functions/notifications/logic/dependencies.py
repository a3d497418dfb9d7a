"""Builds the notifications domain's collaborators from the environment, once per container."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from functions.notifications.dal.case_updates import TableCaseUpdates
from functions.notifications.dal.directory import TableDirectory
from functions.notifications.dal.ledger import TableLedger
from functions.notifications.dal.mailer import SesMailer
from functions.notifications.logic.templates import SIGNATURE
from functions.shared.dal.secrets import secret_bytes
from functions.shared.reference_id import ReferenceIds
from functions.shared.settings import notification_settings


@lru_cache(maxsize=1)
def directory() -> TableDirectory:
    return TableDirectory(notification_settings().table_name)


def case_updates() -> TableCaseUpdates:
    # Not cached: it holds no client of its own, and the table binding it makes is (bind_notification_tables).
    return TableCaseUpdates(notification_settings().table_name)


@lru_cache(maxsize=1)
def ledger() -> TableLedger:
    return TableLedger(notification_settings().table_name)


@lru_cache(maxsize=1)
def mailer() -> SesMailer:
    return SesMailer(SIGNATURE, notification_settings().sender_email)


@lru_cache(maxsize=1)
def references() -> ReferenceIds:
    return ReferenceIds(secret_bytes(notification_settings().reference_secret_arn))


def portal_url() -> str:
    return notification_settings().portal_url


def management_email_interval() -> timedelta:
    return timedelta(hours=notification_settings().dss_management_email_interval_hours)
