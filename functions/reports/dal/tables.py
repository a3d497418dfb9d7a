"""The reports domain's items in the support table (docs/architecture.md, "The table and its indexes").

An account's report items live in its partition `REPORTS#<account>`: `SUBSCRIPTION#<id>` (a subscription, its model
as JSON in `body`), `TALLY#WEEK#<monday>` / `TALLY#MONTH#<yyyy-mm>` / `TALLY#QUARTER#<yyyy>-Q<n>` (cases opened and
closed in that bucket, kept from the case events), `APPLIED#<event key>` (a case event counted: a redelivery counts
nothing), `RUN#<subscription>#<first day>` (a period's delivery: its counts and archived CSV), `SENT#<subscription>#<first
day>#<recipient>` (one recipient's email of that period: claimed, then sent) and the outbox's `EVENT#…`.
`REPORTSUB#<id>` / `SUBSCRIPTION` says whose a subscription is, for the routes that name only the subscription.

`REPORTDUE` / `<next delivery>#<subscription>` is the due listing the dispatcher reads (one Query of what is due):
written and deleted in the subscription's own transactions. A listing rather than a sparse GSI because the table
already gained two indexes for the reports, and CloudFormation adds one GSI per table update."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.models import Model

from functions.shared.dal.attributes import TimestampAttribute
from functions.shared.dal.directory import AccountItem
from functions.shared.dal.idempotency import IDEMPOTENCY_MODELS
from functions.shared.dal.outbox import OutboxItem
from functions.shared.dal.rate_limit import RATE_MODELS
from functions.shared.dal.table import TableMeta, bind_models

REPORTS_PREFIX = "REPORTS#"
SUBSCRIPTION_PREFIX, TALLY_PREFIX, APPLIED_PREFIX, RUN_PREFIX, SENT_PREFIX = "SUBSCRIPTION#", "TALLY#", "APPLIED#", "RUN#", "SENT#"
LOCATOR_PREFIX, LOCATOR_SORT_KEY = "REPORTSUB#", "SUBSCRIPTION"
DUE_PARTITION = "REPORTDUE"


class ReportsItem(Model):
    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class SubscriptionItem(ReportsItem):
    class Meta(TableMeta):
        pass

    body = UnicodeAttribute()  # the Subscription as JSON
    version = NumberAttribute()


class LocatorItem(ReportsItem):
    class Meta(TableMeta):
        pass

    account_id = UnicodeAttribute()


class DueItem(ReportsItem):
    class Meta(TableMeta):
        pass

    account_id = UnicodeAttribute()
    subscription_id = UnicodeAttribute()


class TallyItem(ReportsItem):
    class Meta(TableMeta):
        pass

    opened = NumberAttribute(default=0)
    closed = NumberAttribute(default=0)


class AppliedItem(ReportsItem):
    class Meta(TableMeta):
        pass

    applied_at = TimestampAttribute()
    expires_at = TTLAttribute()


class RunItem(ReportsItem):
    """A period's delivery: its report's counts and the CSV's archive key (the portal lists and downloads them)."""

    class Meta(TableMeta):
        pass

    body = UnicodeAttribute()  # the ReportRun as JSON
    expires_at = TTLAttribute()


class SentItem(ReportsItem):
    class Meta(TableMeta):
        pass

    claimed_until = NumberAttribute(null=True)  # epoch seconds: another invocation may claim it after
    sent_at = TimestampAttribute(null=True)
    expires_at = TTLAttribute()


def account_partition(account_id: str) -> str:
    return f"{REPORTS_PREFIX}{account_id}"


def locator_key(subscription_id: str) -> tuple[str, str]:
    return f"{LOCATOR_PREFIX}{subscription_id}", LOCATOR_SORT_KEY


REPORTS_MODELS: tuple[type[Model], ...] = (
    ReportsItem, SubscriptionItem, LocatorItem, DueItem, TallyItem, AppliedItem, RunItem, SentItem,
    AccountItem, OutboxItem, *IDEMPOTENCY_MODELS, *RATE_MODELS,
)  # fmt: skip


def bind_reports_tables(table_name: str) -> Connection:
    return bind_models(table_name, REPORTS_MODELS)
