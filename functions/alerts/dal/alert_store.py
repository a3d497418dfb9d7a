"""The processor's reads and writes (functions/alerts/dal/tables.py for the keys). A batch costs one
BatchGetItem for its accounts' alerts, pointers, settings and account items, one more for the incidents those
name, and one TransactWriteItems per account: its alerts and incidents conditional on their versions, its
pointers on the incident they pointed to, its events in its outbox."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, GetError, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from functions.alerts.dal.tables import (
    ACCOUNT_POINTER_SORT_KEY,
    ALERT_PREFIX,
    DEVICE_POINTER_PREFIX,
    GROUP_LOCATOR_PREFIX,
    GROUP_LOCATOR_SORT_KEY,
    GROUP_PREFIX,
    LIVE_WINDOWS_SORT_KEY,
    SETTINGS_SORT_KEY,
    WINDOW_PREFIX,
    AlertsRecord,
    account_partition,
    bind_alerts_tables,
)
from functions.alerts.models.alerts import AccountOutcome, AccountPointer, AccountState, Alert, AlertGroup
from functions.alerts.models.maintenance import LiveWindow
from functions.alerts.models.records import ConcurrentChange, TooManyWrites
from functions.alerts.models.settings import AlertSettings
from functions.shared.contracts import EventDetail
from functions.shared.dal.directory import AccountItem, account_key
from functions.shared.dal.errors import unavailable
from functions.shared.dal.outbox import outbox_items

BUSY = "The alerts store is busy; the queue delivers the batch again."
MAX_TRANSACTION_ITEMS = 100  # DynamoDB's limit for one TransactWriteItems


class AlertStore:
    def __init__(self, table_name: str) -> None:
        self._connection = bind_alerts_tables(table_name)

    def read_accounts(self, wanted: dict[str, tuple[set[str], set[str]]]) -> dict[str, AccountState]:
        """Each account's state for its batch: `wanted` maps an account to its alerts' keys and devices."""
        keys: list[tuple[str, str]] = []
        for account_id, (dedup_keys, devices) in wanted.items():
            partition = account_partition(account_id)
            keys += [(partition, SETTINGS_SORT_KEY), (partition, ACCOUNT_POINTER_SORT_KEY), (partition, LIVE_WINDOWS_SORT_KEY)]
            keys += [(partition, f"{ALERT_PREFIX}{key}") for key in dedup_keys]
            keys += [(partition, f"{DEVICE_POINTER_PREFIX}{device}") for device in devices]
        records = {(record.pk, record.sk): record for record in self._batch_get(AlertsRecord, keys)}
        accounts = {item.account_id: item for item in self._batch_get(AccountItem, [account_key(account) for account in wanted])}
        states = {account_id: _state(account_id, records, accounts.get(account_id), *wanted[account_id]) for account_id in wanted}
        group_keys = {
            (account_partition(state.account_id), f"{GROUP_PREFIX}{group_id}")
            for state in states.values()
            for group_id in _named_groups(state)
        }
        for record in self._batch_get(AlertsRecord, list(group_keys)):
            group = to_group(record)
            states[group.account_id].groups[group.group_id] = group
        return states

    def write_outcome(self, state: AccountState, outcome: AccountOutcome, *, now: datetime) -> None:
        """One transaction, conditional on what `state` read; ConcurrentChange when any of it moved."""
        partition = account_partition(state.account_id)
        writes: list[tuple[Model, Condition | None]] = []
        for alert in outcome.alerts:
            before = state.alerts.get(alert.dedup_key)
            record = AlertsRecord(partition, f"{ALERT_PREFIX}{alert.dedup_key}", body=item_body(alert), version=alert.version + 1)
            record.state, record.group_id, record.suppressed_by = alert.state.value, alert.group_id, alert.suppressed_by
            writes.append((record, version_condition(before.version if before else 0)))
        for group in outcome.groups.values():
            before_group = state.groups.get(group.group_id)
            record = AlertsRecord(partition, f"{GROUP_PREFIX}{group.group_id}", body=item_body(group), version=group.version)
            record.state = group.status.value
            writes.append((record, version_condition(before_group.version if before_group else 0)))
            if before_group is None:
                locator = AlertsRecord(f"{GROUP_LOCATOR_PREFIX}{group.group_id}", GROUP_LOCATOR_SORT_KEY, account_id=state.account_id)
                writes.append((locator, AlertsRecord.pk.does_not_exist()))
        for device, group_id in outcome.device_pointers.items():
            if state.device_pointers.get(device) != group_id:
                pointer = AlertsRecord(partition, f"{DEVICE_POINTER_PREFIX}{device}", group_id=group_id)
                writes.append((pointer, _pointer_condition(state.device_pointers.get(device))))
        if pointer_to := outcome.account_pointer:
            pointer = AlertsRecord(partition, ACCOUNT_POINTER_SORT_KEY, group_id=pointer_to.group_id, opened_at=pointer_to.opened_at)
            before_pointer = state.account_pointer
            writes.append((pointer, _pointer_condition(before_pointer.group_id if before_pointer else None)))
        writes += self._outbox(state.account_id, outcome.events, now)
        counts = [
            (AlertsRecord(partition, f"{WINDOW_PREFIX}{window_id}"), [AlertsRecord.suppressed_count.add(count)], AlertsRecord.pk.exists())
            for window_id, count in outcome.suppressed.items()
            if count
        ]
        if len(writes) + len(counts) > MAX_TRANSACTION_ITEMS:
            raise TooManyWrites(f"{len(writes) + len(counts)} writes, over {MAX_TRANSACTION_ITEMS}")
        self._transact(writes, counts)

    @staticmethod
    def _outbox(account_id: str, events: list[EventDetail], now: datetime) -> list[tuple[Model, Condition | None]]:
        """The events in the account's partition, named by the first event's key (one per change)."""
        if not events:
            return []
        sequence = f"{now.strftime('%Y%m%dT%H%M%S%f')}#{events[0].domain_event().event_key}"
        items = outbox_items(account_partition(account_id), sequence, [event.domain_event() for event in events], now)
        return [(item, None) for item in items]

    def _transact(self, writes: list[tuple[Model, Condition | None]], updates: Sequence[tuple[Model, list[Any], Condition]] = ()) -> None:
        """The items written and the items updated, each on its condition."""
        try:
            with TransactWrite(connection=self._connection) as transaction:
                for item, condition in writes:
                    transaction.save(item, condition=condition)
                for item, actions, condition in updates:
                    transaction.update(item, actions=actions, condition=condition)
        except TransactWriteError as error:
            reasons = {reason.code for reason in (error.cancellation_reasons or []) if reason}
            if reasons & {"ConditionalCheckFailed", "TransactionConflict"}:
                raise ConcurrentChange() from error
            raise unavailable("DynamoDB", BUSY) from error

    def read_group(self, group_id: str) -> AlertGroup | None:
        """An incident by its id alone: its locator says whose it is (two strongly consistent reads)."""
        try:
            locator = AlertsRecord.get(f"{GROUP_LOCATOR_PREFIX}{group_id}", GROUP_LOCATOR_SORT_KEY, consistent_read=True)
            record = AlertsRecord.get(account_partition(locator.account_id or ""), f"{GROUP_PREFIX}{group_id}", consistent_read=True)
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error
        return to_group(record)

    def read_settings(self, account_id: str) -> AlertSettings:
        try:
            record = AlertsRecord.get(account_partition(account_id), SETTINGS_SORT_KEY, consistent_read=True)
        except DoesNotExist:
            return AlertSettings()
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error
        return AlertSettings.model_validate_json(record.body or "{}")

    def save_group(self, group: AlertGroup, *, before_version: int, events: list[EventDetail], now: datetime) -> None:
        """The incident (conditional on the version read; ConcurrentChange when it moved) and its events."""
        record = AlertsRecord(
            account_partition(group.account_id), f"{GROUP_PREFIX}{group.group_id}", body=item_body(group), version=group.version
        )
        record.state = group.status.value
        self._transact([(record, version_condition(before_version)), *self._outbox(group.account_id, events, now)])

    @staticmethod
    def _batch_get(model: type[Any], keys: Iterable[tuple[str, str]]) -> list[Any]:
        keys = list(dict.fromkeys(keys))
        if not keys:
            return []
        try:
            return list(model.batch_get(keys, consistent_read=True))
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error


def _state(account_id: str, records: dict, account: AccountItem | None, dedup_keys: set[str], devices: set[str]) -> AccountState:
    partition = account_partition(account_id)
    settings_record = records.get((partition, SETTINGS_SORT_KEY))
    windows_record = records.get((partition, LIVE_WINDOWS_SORT_KEY))
    pointer = records.get((partition, ACCOUNT_POINTER_SORT_KEY))
    alerts = {}
    for key in dedup_keys:
        if record := records.get((partition, f"{ALERT_PREFIX}{key}")):
            alerts[key] = Alert.model_validate_json(record.body).model_copy(update={"version": int(record.version or 0)})
    entitlements = account.entitlements.as_dict() if account is not None else {}
    return AccountState(
        account_id=account_id,
        settings=AlertSettings.model_validate_json(settings_record.body) if settings_record else AlertSettings(),
        around_the_clock=bool(entitlements.get("monitoring_around_the_clock")),
        alerts=alerts,
        device_pointers={
            device: record.group_id
            for device in devices
            if (record := records.get((partition, f"{DEVICE_POINTER_PREFIX}{device}"))) and record.group_id
        },
        account_pointer=AccountPointer(pointer.group_id, pointer.opened_at) if pointer and pointer.group_id and pointer.opened_at else None,
        groups={},
        windows=live_windows(windows_record),
    )


def live_windows(record: AlertsRecord | None) -> list[LiveWindow]:
    return [LiveWindow.model_validate(window) for window in json.loads(record.body or "[]")] if record else []


def to_group(record: AlertsRecord) -> AlertGroup:
    return AlertGroup.model_validate_json(record.body or "{}").model_copy(update={"version": int(record.version or 0)})


def _named_groups(state: AccountState) -> set[str]:
    named = set(state.device_pointers.values()) | {alert.group_id for alert in state.alerts.values() if alert.group_id}
    return named | ({state.account_pointer.group_id} if state.account_pointer else set())


def item_body(model: Alert | AlertGroup) -> str:
    return model.model_dump_json(exclude={"version"}, round_trip=True)


def version_condition(version: int) -> Condition:
    return AlertsRecord.pk.does_not_exist() if version == 0 else AlertsRecord.version == version


def _pointer_condition(group_id: str | None) -> Condition:
    return AlertsRecord.pk.does_not_exist() if group_id is None else AlertsRecord.group_id == group_id
