"""The alerts domain's items in the support table (docs/architecture.md, "The table and its indexes"): an
integration (`INTEGRATION#<id>` / `INTEGRATION`, the one item the intake reads, cached per container) and its
line in its account's listing (`ALERTS#<account>` / `INTEGRATION#<id>`, so a page of an account's
integrations is one Query).

The processor's items all live in the account's partition, so one BatchGetItem reads what a batch needs:
`ALERT#<dedup key>` (an alert), `GROUP#<group id>` (an incident), `OPEN#DEVICE#<device>` and `OPEN#ACCOUNT`
(pointers to the incident a new alert joins: the races between processors are settled by conditional writes
on them), `SETTINGS` (the account's, when it has its own), `WINDOW#<window id>` (a maintenance window, its
silenced alert events counted by the processor) and `WINDOWS` (the account's scheduled and active windows,
which the processor reads with the rest). `ALERTGROUP#<group id>` / `GROUP` says whose an
incident is, for the routes that name only the incident; `ALERTWINDOW#<window id>` / `WINDOW` a window's."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.models import Model

from functions.shared.dal.attributes import TimestampAttribute
from functions.shared.dal.directory import AccountItem
from functions.shared.dal.idempotency import IDEMPOTENCY_MODELS
from functions.shared.dal.outbox import OutboxItem
from functions.shared.dal.rate_limit import RATE_MODELS
from functions.shared.dal.table import TableMeta, bind_models

INTEGRATION_PREFIX, INTEGRATION_SORT_KEY = "INTEGRATION#", "INTEGRATION"
ACCOUNT_ALERTS_PREFIX = "ALERTS#"


class AlertsItem(Model):
    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class IntegrationItem(AlertsItem):
    class Meta(TableMeta):
        pass

    integration_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    name = UnicodeAttribute()
    status = UnicodeAttribute()
    generation = NumberAttribute()
    previous_generation_valid_until = TimestampAttribute(null=True)
    created_by: MapAttribute[str, Any] = MapAttribute()
    created_at = TimestampAttribute()
    modified_at = TimestampAttribute()
    version = NumberAttribute()
    aws_account_ids = ListAttribute(of=UnicodeAttribute, null=True)


class AwsSenderItem(AlertsItem):
    """`AWSACCOUNT#<aws account id>` / `AWSACCOUNT`: which integration an AWS account's events on the
    dss-monitoring bus belong to (claimed when the integration is created; one integration per AWS account)."""

    class Meta(TableMeta):
        pass

    integration_id = UnicodeAttribute()


AWS_SENDER_PREFIX, AWS_SENDER_SORT_KEY = "AWSACCOUNT#", "AWSACCOUNT"


class IntegrationListingItem(IntegrationItem):
    """The same attributes under the account's listing key: a copy written in the same transaction."""

    class Meta(TableMeta):
        pass


def integration_key(integration_id: str) -> tuple[str, str]:
    return f"{INTEGRATION_PREFIX}{integration_id}", INTEGRATION_SORT_KEY


def listing_key(account_id: str, integration_id: str) -> tuple[str, str]:
    return f"{ACCOUNT_ALERTS_PREFIX}{account_id}", f"{INTEGRATION_PREFIX}{integration_id}"


class AlertsRecord(AlertsItem):
    """An item of the processor: its model as JSON in `body`, with what conditions and filters read."""

    class Meta(TableMeta):
        pass

    body = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)
    state = UnicodeAttribute(null=True)  # an alert's state, an incident's status
    group_id = UnicodeAttribute(null=True)  # a pointer's incident
    account_id = UnicodeAttribute(null=True)  # a locator's account
    opened_at = TimestampAttribute(null=True)  # the account pointer's incident's opening
    suppressed_count = NumberAttribute(null=True)  # a maintenance window's, added to by the processor
    suppressed_by = UnicodeAttribute(null=True)  # an alert's silencing window (its end finds them by it)


ALERT_PREFIX, GROUP_PREFIX, DEVICE_POINTER_PREFIX = "ALERT#", "GROUP#", "OPEN#DEVICE#"
ACCOUNT_POINTER_SORT_KEY, SETTINGS_SORT_KEY = "OPEN#ACCOUNT", "SETTINGS"
GROUP_LOCATOR_PREFIX, GROUP_LOCATOR_SORT_KEY = "ALERTGROUP#", "GROUP"
WINDOW_PREFIX, LIVE_WINDOWS_SORT_KEY = "WINDOW#", "WINDOWS"  # a maintenance window; the account's live ones
WINDOW_LOCATOR_PREFIX, WINDOW_LOCATOR_SORT_KEY = "ALERTWINDOW#", "WINDOW"


def account_partition(account_id: str) -> str:
    return f"{ACCOUNT_ALERTS_PREFIX}{account_id}"


# AccountItem: the directory's account, read (never written) to check an integration's account exists.
ALERTS_MODELS: tuple[type[Model], ...] = (
    AlertsItem, IntegrationItem, IntegrationListingItem, AwsSenderItem, AlertsRecord,
    AccountItem, OutboxItem, *IDEMPOTENCY_MODELS, *RATE_MODELS,
)  # fmt: skip


def bind_alerts_tables(table_name: str) -> Connection:
    return bind_models(table_name, ALERTS_MODELS)
