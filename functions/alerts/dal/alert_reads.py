"""The alerts API's reads of the processor's items and its two writes (functions/alerts/dal/tables.py for the
keys): a page of an account's alerts or incidents is one Query of its `ALERTS#<account>` partition (incidents
newest first: their ids begin with their opening time); a customer's incident is read under their own
account's key; the account's `SETTINGS` item is written as the processor reads it; an incident's case asked
for by an engineer is the incident (conditional on its version), its event, the Idempotency-Key's record and
the caller's change count in one transaction.

Maintenance windows (functions/alerts/dal/window_store.py writes them): a page of an account's windows is one
Query of its `WINDOW#` items; a customer's window is read under their own account's key; a new window's account
and case are one TransactGetItems of the account item and the case (the shared read-only case view). Proactive
insights read every `ALERT#` item of the account: one Query page per 1 MB of its alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, GetError, QueryError, TransactGetError

# An incident's item exactly as the processor reads and writes it: its body, its version condition.
from functions.alerts.dal.alert_store import AlertStore, item_body, to_group, version_condition
from functions.alerts.dal.tables import (
    ALERT_PREFIX,
    GROUP_PREFIX,
    SETTINGS_SORT_KEY,
    WINDOW_PREFIX,
    AlertsRecord,
    account_partition,
)
from functions.alerts.dal.window_store import to_window
from functions.alerts.models.alerts import Alert, AlertGroup
from functions.alerts.models.maintenance import MaintenanceWindow
from functions.alerts.models.records import ConcurrentChange, IdempotencyKeyTaken
from functions.alerts.models.settings import AlertSettings
from functions.shared.case_state import CaseState
from functions.shared.contracts import EventDetail
from functions.shared.dal.case_view import CASE_VIEW_MODELS, CaseViewItem, case_key, to_case_state
from functions.shared.dal.directory import AccountItem, account_key
from functions.shared.dal.errors import unavailable
from functions.shared.dal.idempotency import IdempotencyItem, idempotency_item, idempotency_key, to_record, unused
from functions.shared.dal.table import bind_models
from functions.shared.dal.transactions import Write, write_change
from functions.shared.errors import BadRequest
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest

BUSY = "The alerts store is busy; retry in a few seconds."
Page = tuple[list[Any], dict[str, Any] | None]


class AlertReads(AlertStore):
    """The processor's store (its connection, its transactions' outbox) with the API's reads and writes."""

    def __init__(self, table_name: str) -> None:
        super().__init__(table_name)
        bind_models(table_name, CASE_VIEW_MODELS)  # a new maintenance window's case: read, never written

    # --- listings: one Query a page ------------------------------------------------------------------------------

    def list_alerts(
        self, account_id: str, *, state: str | None, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[Alert], dict | None]:
        records, next_key = _one_query(account_partition(account_id), ALERT_PREFIX, state, limit, start_key, newest_first=False)
        return [_alert(record) for record in records], next_key

    def list_groups(
        self, account_id: str, *, state: str | None, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[AlertGroup], dict | None]:
        records, next_key = _one_query(account_partition(account_id), GROUP_PREFIX, state, limit, start_key, newest_first=True)
        return [to_group(record) for record in records], next_key

    # --- an incident ------------------------------------------------------------------------------------------------

    def read_account_group(self, account_id: str, group_id: str) -> AlertGroup | None:
        """An incident under the account's own key (one read): another account's is not found."""
        try:
            return to_group(AlertsRecord.get(account_partition(account_id), f"{GROUP_PREFIX}{group_id}", consistent_read=True))
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def read_idempotency(self, scope_key: str) -> IdempotencyRecord | None:
        try:
            return to_record(IdempotencyItem.get(*idempotency_key(scope_key), consistent_read=True))
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def save_requested_group(
        self,
        group: AlertGroup,
        *,
        before_version: int,
        events: list[EventDetail],
        idempotency: tuple[IdempotentRequest, dict] | None,
        rate_limited: str,
        now: datetime,
    ) -> None:
        """As `AlertStore.save_group` (the incident conditional on the version read, its events in the account's
        outbox), with the Idempotency-Key's answer and the caller's change count in the same transaction.
        ConcurrentChange: the incident moved; IdempotencyKeyTaken: a retry with the same key committed first."""
        record = AlertsRecord(
            account_partition(group.account_id), f"{GROUP_PREFIX}{group.group_id}", body=item_body(group), version=group.version
        )
        record.state = group.status.value
        writes: list[Write] = [(record, version_condition(before_version), ConcurrentChange)]
        writes += [(item, None, None) for item, _ in self._outbox(group.account_id, events, now)]
        if idempotency:
            request, answer = idempotency
            writes.append((idempotency_item(request, group.group_id, answer), unused(now), IdempotencyKeyTaken))
        write_change(self._connection, *writes, stale=ConcurrentChange, busy=BUSY, now=now, rate_limited=rate_limited)

    # --- settings -------------------------------------------------------------------------------------------------

    def read_account_settings(self, account_id: str) -> tuple[AlertSettings, int] | None:
        """The account's settings and their version (0: none of its own, the defaults); None: no such account.
        One TransactGetItems of the account item and the settings item."""
        from pynamodb.transactions import TransactGet

        try:
            with TransactGet(connection=self._connection) as transaction:
                account = transaction.get(AccountItem, *account_key(account_id))
                settings = transaction.get(AlertsRecord, account_partition(account_id), SETTINGS_SORT_KEY)
        except TransactGetError as error:
            raise unavailable("DynamoDB", BUSY) from error
        try:
            account.get()
        except DoesNotExist:
            return None
        try:
            record = settings.get()
        except DoesNotExist:
            return AlertSettings(), 0
        return AlertSettings.model_validate_json(record.body or "{}"), int(record.version or 0)

    def save_settings(self, account_id: str, settings: AlertSettings, *, before_version: int, rate_limited: str, now: datetime) -> None:
        """The `SETTINGS` item as the processor reads it (`body`: the settings' JSON), conditional on the version
        read; ConcurrentChange when someone else saved meanwhile."""
        record = AlertsRecord(
            account_partition(account_id),
            SETTINGS_SORT_KEY,
            body=settings.model_dump_json(round_trip=True),
            version=before_version + 1,
            account_id=account_id,
        )
        write_change(
            self._connection,
            (record, version_condition(before_version), ConcurrentChange),
            stale=ConcurrentChange,
            busy=BUSY,
            now=now,
            rate_limited=rate_limited,
        )

    # --- maintenance windows ----------------------------------------------------------------------------------------

    def list_account_windows(
        self, account_id: str, *, state: str | None, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[MaintenanceWindow], dict | None]:
        """One Query of the account's `WINDOW#` items (not its `WINDOWS` index of the live ones), by id, last first."""
        records, next_key = _one_query(account_partition(account_id), WINDOW_PREFIX, state, limit, start_key, newest_first=True)
        return [to_window(record) for record in records], next_key

    def read_account_window(self, account_id: str, window_id: str) -> MaintenanceWindow | None:
        """A window under the account's own key (one read): another account's is not found."""
        try:
            return to_window(AlertsRecord.get(account_partition(account_id), f"{WINDOW_PREFIX}{window_id}", consistent_read=True))
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def read_account_and_case(self, account_id: str, case_number: str) -> tuple[bool, CaseState | None]:
        """Whether the account exists, and the case (None: no such case). One TransactGetItems."""
        from pynamodb.transactions import TransactGet

        try:
            with TransactGet(connection=self._connection) as transaction:
                account = transaction.get(AccountItem, *account_key(account_id))
                case = transaction.get(CaseViewItem, *case_key(case_number))
        except TransactGetError as error:
            raise unavailable("DynamoDB", BUSY) from error
        try:
            account.get()
        except DoesNotExist:
            return False, None
        try:
            return True, to_case_state(case_number, case.get())
        except DoesNotExist:
            return True, None

    def claim_idempotency(self, request: IdempotentRequest, result_id: str, *, rate_limited: str, now: datetime) -> None:
        """The Idempotency-Key's record naming what the change makes (`result_id`), with the caller's change count,
        in one transaction before the change; IdempotencyKeyTaken when a request with the same key claimed it first."""
        write_change(
            self._connection,
            (idempotency_item(request, result_id), unused(now), IdempotencyKeyTaken),
            stale=IdempotencyKeyTaken,
            busy=BUSY,
            now=now,
            rate_limited=rate_limited,
        )

    # --- proactive insights -----------------------------------------------------------------------------------------

    def account_alerts(self, account_id: str, *, max_pages: int) -> tuple[list[Alert], bool]:
        """Every `ALERT#` item of the account, by dedup key: one Query page per 1 MB of them (an alert's times are in
        its body, so DynamoDB cannot be asked for fewer), at most `max_pages`; False when more remain unread."""
        results = AlertsRecord.query(account_partition(account_id), AlertsRecord.sk.startswith(ALERT_PREFIX))
        alerts: list[Alert] = []
        try:
            for number, raw_page in enumerate(results.page_iter, start=1):
                alerts += [_alert(AlertsRecord.from_raw_data(item)) for item in raw_page.get("Items", [])]
                if number == max_pages:
                    return alerts, not raw_page.get("LastEvaluatedKey")
        except QueryError as error:
            raise unavailable("DynamoDB", BUSY) from error
        return alerts, True


def _one_query(partition: str, prefix: str, state: str | None, limit: int, start_key: dict[str, Any] | None, *, newest_first: bool) -> Page:
    """Exactly one Query: `limit` + 1 items evaluated. Unfiltered, the extra one says whether a next page exists;
    filtered by state, DynamoDB's LastEvaluatedKey says it (the page may then hold fewer than `limit`)."""
    results = AlertsRecord.query(
        partition,
        AlertsRecord.sk.startswith(prefix),
        filter_condition=(AlertsRecord.state == state) if state else None,
        scan_index_forward=not newest_first,
        page_size=limit + 1,
        last_evaluated_key=start_key,
    )
    try:
        raw_page = next(results.page_iter)
    except QueryError as error:
        if start_key and error.cause_response_code == "ValidationException":
            raise BadRequest("nextToken does not fit this listing; start again without it.", field="nextToken") from error
        raise unavailable("DynamoDB", BUSY) from error
    records = [AlertsRecord.from_raw_data(item) for item in raw_page.get("Items", [])]
    if len(records) > limit:
        page = records[:limit]
        return page, {"pk": {"S": page[-1].pk}, "sk": {"S": page[-1].sk}}
    return records, raw_page.get("LastEvaluatedKey")


def _alert(record: AlertsRecord) -> Alert:
    return Alert.model_validate_json(record.body or "{}").model_copy(update={"version": int(record.version or 0)})
