"""The only code of the alerts domain that talks to DynamoDB about integrations. A change is one transaction:
the integration (conditional on its version), its line in the account's listing, the Idempotency-Key's answer
and the caller's change count."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, GetError, TransactGetError
from pynamodb.transactions import TransactGet

from functions.alerts.dal.tables import (
    ACCOUNT_ALERTS_PREFIX,
    AWS_SENDER_PREFIX,
    AWS_SENDER_SORT_KEY,
    INTEGRATION_PREFIX,
    AwsSenderItem,
    IntegrationItem,
    IntegrationListingItem,
    bind_alerts_tables,
    integration_key,
    listing_key,
)
from functions.alerts.models.integrations import Integration
from functions.alerts.models.records import AwsAccountTaken, IdempotencyKeyTaken, StaleIntegration
from functions.shared.dal.directory import AccountItem, account_key
from functions.shared.dal.errors import unavailable
from functions.shared.dal.idempotency import IdempotencyItem, idempotency_item, idempotency_key, to_record, unused
from functions.shared.dal.pages import query_page
from functions.shared.dal.transactions import Write, write_change
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest

BUSY = "The alerts store is busy; retry in a few seconds."


class IntegrationRepository:
    def __init__(self, table_name: str) -> None:
        self._connection = bind_alerts_tables(table_name)

    def get_integration(self, integration_id: str, *, consistent: bool = True) -> Integration | None:
        try:
            return to_integration(IntegrationItem.get(*integration_key(integration_id), consistent_read=consistent))
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def integration_for_aws_account(self, aws_account_id: str) -> str | None:
        """The integration an AWS account's bus events belong to, if any (an eventually consistent read)."""
        try:
            return AwsSenderItem.get(f"{AWS_SENDER_PREFIX}{aws_account_id}", AWS_SENDER_SORT_KEY).integration_id
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def account_exists(self, account_id: str) -> bool:
        try:
            AccountItem.get(*account_key(account_id), attributes_to_get=["pk"])
            return True
        except DoesNotExist:
            return False
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def read_for_change(self, integration_id: str, idempotency_scope: str | None) -> tuple[Integration | None, IdempotencyRecord | None]:
        """The integration and the Idempotency-Key's record in one round trip."""
        try:
            with TransactGet(connection=self._connection) as transaction:
                item = transaction.get(IntegrationItem, *integration_key(integration_id))
                record = transaction.get(IdempotencyItem, *idempotency_key(idempotency_scope)) if idempotency_scope else None
        except TransactGetError as error:
            raise unavailable("DynamoDB", BUSY) from error
        return _found(lambda: to_integration(item.get())), _found(lambda: to_record(record.get())) if record else None

    def save(
        self,
        integration: Integration,
        *,
        before_version: int,
        idempotency: tuple[IdempotentRequest, dict] | None,
        rate_limited: str,
        now: datetime,
    ) -> None:
        """Creates (before_version 0) or changes the integration; StaleIntegration when it moved meanwhile."""
        condition = IntegrationItem.pk.does_not_exist() if before_version == 0 else IntegrationItem.version == before_version
        attributes = integration_attributes(integration)
        writes: list[Write] = [
            (IntegrationItem(*integration_key(integration.integration_id), **attributes), condition, StaleIntegration),
            (IntegrationListingItem(*listing_key(integration.account_id, integration.integration_id), **attributes), None, None),
        ]
        if before_version == 0:  # the integration's AWS senders, each claimed once
            writes += [
                (AwsSenderItem(f"{AWS_SENDER_PREFIX}{aws_id}", AWS_SENDER_SORT_KEY, integration_id=integration.integration_id),
                 AwsSenderItem.pk.does_not_exist(), AwsAccountTaken)
                for aws_id in integration.aws_account_ids
            ]  # fmt: skip
        if idempotency:
            request, answer = idempotency
            writes.append((idempotency_item(request, integration.integration_id, answer), unused(now), IdempotencyKeyTaken))
        write_change(self._connection, *writes, stale=StaleIntegration, busy=BUSY, now=now, rate_limited=rate_limited)

    def list_integrations(self, account_id: str, *, limit: int, start_key: dict[str, Any] | None) -> tuple[list[Integration], dict | None]:
        partition = f"{ACCOUNT_ALERTS_PREFIX}{account_id}"
        items, next_key = query_page(IntegrationListingItem, partition, INTEGRATION_PREFIX, limit, start_key, busy=BUSY)
        return [to_integration(item) for item in items], next_key


def integration_attributes(integration: Integration) -> dict[str, Any]:
    return {
        **integration.model_dump(exclude={"status", "created_by"}),
        "status": integration.status.value,
        "created_by": integration.created_by.model_dump(exclude_none=True),
    }


def to_integration(item: IntegrationItem) -> Integration:
    return Integration(
        integration_id=item.integration_id,
        account_id=item.account_id,
        name=item.name,
        status=item.status,
        generation=int(item.generation),
        previous_generation_valid_until=item.previous_generation_valid_until,
        created_by=item.created_by.as_dict(),
        created_at=item.created_at,
        modified_at=item.modified_at,
        version=int(item.version),
        aws_account_ids=list(item.aws_account_ids or []),
    )


def _found(read: Any) -> Any:
    try:
        return read()
    except DoesNotExist:
        return None
