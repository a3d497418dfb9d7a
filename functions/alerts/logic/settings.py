"""An account's monitoring settings (the monitoring alerts spec: the numbers marked *default*), read and set by
staff. The processor reads them from the account's `SETTINGS` item at its next batch; an account without one
has the defaults."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from functions.alerts.models.records import ConcurrentChange
from functions.alerts.models.settings import AlertSettings
from functions.alerts.models.views import AlertSettingsAnswer, AlertSettingsRequest
from functions.shared.auth import Caller
from functions.shared.errors import Forbidden, NotFound, ServiceUnavailable

MAX_ATTEMPTS = 3


class SettingsStore(Protocol):
    def read_account_settings(self, account_id: str) -> tuple[AlertSettings, int] | None: ...

    def save_settings(self, account_id: str, settings: AlertSettings, *, before_version: int, rate_limited: str, now: datetime) -> None: ...


def get_settings(account_id: str, caller: Caller, *, store: SettingsStore) -> AlertSettingsAnswer:
    _staff_only(caller, "read an account's monitoring settings")
    settings, version = _read(account_id, store)
    return _answer(account_id, settings, version)


def put_settings(
    account_id: str, request: AlertSettingsRequest, caller: Caller, *, store: SettingsStore, now: datetime
) -> AlertSettingsAnswer:
    """Sets all of the account's settings as sent (a field left out takes its default). The same PUT again
    writes nothing, so a retry is safe without an Idempotency-Key."""
    _staff_only(caller, "change an account's monitoring settings")
    wanted = request.settings()
    for _ in range(MAX_ATTEMPTS):
        settings, version = _read(account_id, store)
        if version and settings == wanted:
            return _answer(account_id, settings, version)
        try:
            store.save_settings(account_id, wanted, before_version=version, rate_limited=caller.user_id, now=now)
        except ConcurrentChange:
            continue  # another PUT saved meanwhile: compare with it and write again
        return _answer(account_id, wanted, version + 1)
    raise ServiceUnavailable("The account's monitoring settings are being changed by several people at once; retry in a moment.")


def _read(account_id: str, store: SettingsStore) -> tuple[AlertSettings, int]:
    found = store.read_account_settings(account_id)
    if found is None:
        raise NotFound(f"Account {account_id} does not exist; check the account id (GET /accounts lists them).", field="accountId")
    return found


def _answer(account_id: str, settings: AlertSettings, version: int) -> AlertSettingsAnswer:
    return AlertSettingsAnswer(**settings.model_dump(), account_id=account_id, version=version)


def _staff_only(caller: Caller, what: str) -> None:
    if not caller.is_staff:
        raise Forbidden(f"Only support engineers and managers can {what}; ask your support team.")
