"""Builds the notifications domain's collaborators from the environment, once per container."""

from __future__ import annotations

from functools import lru_cache

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
