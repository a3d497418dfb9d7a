"""Maintenance windows in the table (functions/alerts/dal/tables.py for the keys): a window is its item, its
locator and its line in the account's `WINDOWS` item (the scheduled and active ones, which the processor
reads); a change writes all three with its events in one transaction, conditional on the versions read."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, GetError, QueryError

from functions.alerts.dal.alert_store import AlertStore, live_windows, version_condition
from functions.alerts.dal.tables import (
    ALERT_PREFIX,
    LIVE_WINDOWS_SORT_KEY,
    WINDOW_LOCATOR_PREFIX,
    WINDOW_LOCATOR_SORT_KEY,
    WINDOW_PREFIX,
    AlertsRecord,
    account_partition,
)
from functions.alerts.models.alerts import Alert
from functions.alerts.models.maintenance import LiveWindow, MaintenanceWindow
from functions.shared.contracts import EventDetail
from functions.shared.dal.errors import unavailable
from functions.shared.dal.pages import query_page

BUSY = "The alerts store is busy; retry in a few seconds."


class WindowStore(AlertStore):
    def read_window(self, window_id: str) -> MaintenanceWindow | None:
        try:
            locator = AlertsRecord.get(f"{WINDOW_LOCATOR_PREFIX}{window_id}", WINDOW_LOCATOR_SORT_KEY, consistent_read=True)
            record = AlertsRecord.get(account_partition(locator.account_id or ""), f"{WINDOW_PREFIX}{window_id}", consistent_read=True)
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error
        return to_window(record)

    def read_live_windows(self, account_id: str) -> tuple[list[LiveWindow], int]:
        """The account's scheduled and active windows, and the version of their item (0: none yet)."""
        try:
            record = AlertsRecord.get(account_partition(account_id), LIVE_WINDOWS_SORT_KEY, consistent_read=True)
        except DoesNotExist:
            return [], 0
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error
        return live_windows(record), int(record.version or 0)

    def save_window(
        self,
        window: MaintenanceWindow,
        *,
        before_version: int,
        live: list[LiveWindow],
        live_version: int,
        events: list[EventDetail],
        now: datetime,
    ) -> None:
        """Creates (before_version 0) or changes the window, with the account's live windows as they are now
        and the events; ConcurrentChange when either moved meanwhile."""
        partition = account_partition(window.account_id)
        body = window.model_dump_json(exclude={"version", "suppressed_count"})
        record = AlertsRecord(partition, f"{WINDOW_PREFIX}{window.window_id}", body=body, version=window.version, state=window.status.value)
        index_body = json.dumps([line.model_dump(mode="json") for line in live])
        index = AlertsRecord(partition, LIVE_WINDOWS_SORT_KEY, body=index_body, version=live_version + 1)
        writes: list[tuple[Any, Any]] = [(index, version_condition(live_version))]
        updates: list[tuple[Any, list[Any], Any]] = []
        if before_version == 0:
            record.suppressed_count = 0
            locator = AlertsRecord(f"{WINDOW_LOCATOR_PREFIX}{window.window_id}", WINDOW_LOCATOR_SORT_KEY, account_id=window.account_id)
            writes += [(record, AlertsRecord.pk.does_not_exist()), (locator, AlertsRecord.pk.does_not_exist())]
        else:  # an update: the processor's count on the item stays as it is
            actions = [AlertsRecord.body.set(body), AlertsRecord.version.set(window.version), AlertsRecord.state.set(window.status.value)]
            updates.append((record, actions, AlertsRecord.version == before_version))
        self._transact([*writes, *self._outbox(window.account_id, events, now)], updates)

    def list_windows(self, account_id: str, *, limit: int, start_key: dict | None) -> tuple[list[MaintenanceWindow], dict | None]:
        items, next_key = query_page(AlertsRecord, account_partition(account_id), WINDOW_PREFIX, limit, start_key, busy=BUSY)
        return [to_window(item) for item in items], next_key

    def silenced_alerts(self, account_id: str, window_id: str) -> list[Alert]:
        """The alerts the window silenced (one Query of the account's alerts, filtered; at its end only)."""
        try:
            records = AlertsRecord.query(
                account_partition(account_id),
                AlertsRecord.sk.startswith(ALERT_PREFIX),
                filter_condition=AlertsRecord.suppressed_by == window_id,
                consistent_read=True,
            )
            return [
                Alert.model_validate_json(record.body or "{}").model_copy(update={"version": int(record.version or 0)})
                for record in records
            ]
        except QueryError as error:
            raise unavailable("DynamoDB", BUSY) from error


def _alert(record: AlertsRecord) -> Alert:
    return Alert.model_validate_json(record.body or "{}").model_copy(update={"version": int(record.version or 0)})


def to_window(record: AlertsRecord) -> MaintenanceWindow:
    window = MaintenanceWindow.model_validate_json(record.body or "{}")
    return window.model_copy(update={"version": int(record.version or 0), "suppressed_count": int(record.suppressed_count or 0)})
