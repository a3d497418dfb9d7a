"""pynamodb models of the single support table. The infra test asserts the CDK table declares exactly
these keys and indexes, so this file is the schema's one source of truth.

Case views (docs/architecture.md, Domain rules) are served by four GSIs so that every page is one Query:
the partition is (account | account+contact) x (one status | a phase: NON_CLOSED/CLOSED), the sort key
is the modification time, newest first.

Staff queues across accounts (unassigned, an engineer's, waiting on the customer, a region's, the first
responses due) are four more sparse GSIs: only a non-closed case has their keys.

Case reports (functions/reports) read an account's cases by opening and by closure on two more GSIs.

The purge job (functions/purge) finds the cases whose files are due for deletion through a fifth, sparse
GSI: only a closed case whose files are not purged yet has its keys, so the job reads what is due and
nothing else.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from functions.shared.dal.attributes import TimestampAttribute
from functions.shared.dal.case_view import CASE_PREFIX as CASE_PREFIX  # the case item's key, shared with the case view
from functions.shared.dal.case_view import (
    CLOSED_INDEX_NAME,
    OPENED_INDEX_NAME,
    PURGE_INDEX_NAME,
    PURGE_PROJECTED_ATTRIBUTES,
    REPORT_CLOSED_AT_ATTRIBUTE,
)
from functions.shared.dal.directory import ACCOUNT_PREFIX as ACCOUNT_PREFIX  # the shared account directory,
from functions.shared.dal.directory import AccountItem as AccountItem  # re-exported for the cases domain
from functions.shared.dal.idempotency import IDEMPOTENCY_MODELS
from functions.shared.dal.idempotency import IDEMPOTENCY_PREFIX as IDEMPOTENCY_PREFIX
from functions.shared.dal.idempotency import IdempotencyItem as IdempotencyItem
from functions.shared.dal.outbox import OUTBOX_MODELS
from functions.shared.dal.platform_view import PLATFORM_VIEW_MODELS
from functions.shared.dal.rate_limit import RATE_MODELS
from functions.shared.dal.table import TableMeta, bind_models

# The partition keys of every item (with CASE_PREFIX and ACCOUNT_PREFIX, above); the Lambda's IAM policy
# allows each action on these alone (dynamodb:LeadingKeys), so a bug cannot write, say, the account directory.
CASE_NUMBER_COUNTER = "COUNTER#case-number"
UPDATE_PREFIX, HISTORY_PREFIX = "UPDATE#", "HISTORY#"  # sort keys of a case's updates and history

# Views read only these, so index rows stay small: a page of 101 rows is far below DynamoDB's 1 MB
# page size, which keeps "one page = one Query" true whatever the case descriptions hold.
SUMMARY_ATTRIBUTES = [
    "case_number", "case_type", "account_id", "contact_id", "subject", "status", "sub_status", "priority",
    "owner_id", "region", "response_due_at", "first_response_at", "next_automated_action", "created_at", "modified_at",
]  # fmt: skip
SUMMARY_PROJECTION = IncludeProjection(SUMMARY_ATTRIBUTES)


class _ViewIndex(GlobalSecondaryIndex):
    modified_key = UnicodeAttribute(range_key=True)


class AccountStatusIndex(_ViewIndex):
    class Meta:
        index_name = "account-status"
        projection = SUMMARY_PROJECTION

    account_status = UnicodeAttribute(hash_key=True)


class AccountPhaseIndex(_ViewIndex):
    class Meta:
        index_name = "account-phase"
        projection = SUMMARY_PROJECTION

    account_phase = UnicodeAttribute(hash_key=True)


class ContactStatusIndex(_ViewIndex):
    class Meta:
        index_name = "contact-status"
        projection = SUMMARY_PROJECTION

    contact_status = UnicodeAttribute(hash_key=True)


class ContactPhaseIndex(_ViewIndex):
    class Meta:
        index_name = "contact-phase"
        projection = SUMMARY_PROJECTION

    contact_phase = UnicodeAttribute(hash_key=True)


# The staff's queues across accounts: sparse, so only non-closed cases are in them, each index one queue
# dimension (a case is in one partition of each). Their partitions take every non-closed case's changes,
# a few a second for a support desk, far below a partition's 1,000 writes a second.
UNASSIGNED, OWNER_PREFIX, WAITING, RESPONSE_PENDING, REGION_PREFIX = "UNASSIGNED", "OWNER#", "WAITING", "PENDING", "REGION#"


class OwnerQueueIndex(_ViewIndex):
    """Unassigned cases (UNASSIGNED) and each engineer's (OWNER#<user id>), newest activity first."""

    class Meta:
        index_name = "owner-queue"
        projection = SUMMARY_PROJECTION

    owner_queue = UnicodeAttribute(hash_key=True)


class WaitingQueueIndex(_ViewIndex):
    """Cases waiting on the customer (Awaiting Info, Solution Proposed), newest activity first."""

    class Meta:
        index_name = "waiting-queue"
        projection = SUMMARY_PROJECTION

    waiting_queue = UnicodeAttribute(hash_key=True)


class RegionQueueIndex(_ViewIndex):
    """A region's non-closed cases (REGION#<region>), newest activity first."""

    class Meta:
        index_name = "region-queue"
        projection = SUMMARY_PROJECTION

    region_queue = UnicodeAttribute(hash_key=True)


class ResponseQueueIndex(GlobalSecondaryIndex):
    """Cases still waiting for support's first response, the soonest due (the breached ones) first."""

    class Meta:
        index_name = "response-queue"
        projection = SUMMARY_PROJECTION

    response_queue = UnicodeAttribute(hash_key=True)
    response_due_key = UnicodeAttribute(range_key=True)


# The purge index: one partition, sorted by when the files are due; it changes only when a case closes,
# reopens or is purged, far below a partition's write rate. Its names are functions/shared/dal/case_view.py's,
# which functions/purge/dal reads it by (its key attributes below are held to them by a unit test).


class PurgeDueIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = PURGE_INDEX_NAME
        projection = IncludeProjection(PURGE_PROJECTED_ATTRIBUTES)

    purge_queue = UnicodeAttribute(hash_key=True)
    purge_due_at = UnicodeAttribute(range_key=True)


# The case reports' indexes (functions/shared/dal/case_view.py names them): an account's cases by opening and its
# closed cases by closure, each section of a report one Query a page over the period's cases alone.
REPORT_PROJECTION = IncludeProjection([*SUMMARY_ATTRIBUTES, REPORT_CLOSED_AT_ATTRIBUTE])


class OpenedIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = OPENED_INDEX_NAME
        projection = REPORT_PROJECTION

    report_account = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ClosedIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = CLOSED_INDEX_NAME
        projection = REPORT_PROJECTION

    report_account = UnicodeAttribute(hash_key=True)
    report_closed_at = UnicodeAttribute(range_key=True)


class TableItem(Model):
    """The key every item shares. Never queried itself: pynamodb would hand its index-less connection
    to the subclasses."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class CaseItem(TableItem):
    class Meta(TableMeta):
        pass

    account_status_index = AccountStatusIndex()
    account_phase_index = AccountPhaseIndex()
    contact_status_index = ContactStatusIndex()
    contact_phase_index = ContactPhaseIndex()
    purge_due_index = PurgeDueIndex()
    owner_queue_index = OwnerQueueIndex()
    waiting_queue_index = WaitingQueueIndex()
    region_queue_index = RegionQueueIndex()
    response_queue_index = ResponseQueueIndex()
    opened_index = OpenedIndex()
    closed_index = ClosedIndex()

    account_status = UnicodeAttribute()
    account_phase = UnicodeAttribute()
    contact_status = UnicodeAttribute()
    contact_phase = UnicodeAttribute()
    modified_key = UnicodeAttribute()
    owner_queue = UnicodeAttribute(null=True)
    waiting_queue = UnicodeAttribute(null=True)
    region_queue = UnicodeAttribute(null=True)
    response_queue = UnicodeAttribute(null=True)
    response_due_key = UnicodeAttribute(null=True)  # "<responseDueAt>#<case number>"
    # Written only while the case's files await the purge (closed, not purged), so the index stays sparse.
    purge_queue = UnicodeAttribute(null=True)
    purge_due_at = UnicodeAttribute(null=True)  # closed_at + FILES_KEPT_AFTER_CLOSURE
    purge_closed_at = UnicodeAttribute(null=True)  # the closure it is for (form.closed_at is not projectable)
    report_account = UnicodeAttribute(null=True)  # the account, on every case written since the reports
    report_closed_at = UnicodeAttribute(null=True)  # form.closed_at, only while the case is closed

    case_number = UnicodeAttribute()
    case_type = UnicodeAttribute()
    account_id = UnicodeAttribute()
    contact_id = UnicodeAttribute()
    opened_by = UnicodeAttribute()
    channel = UnicodeAttribute()
    status = UnicodeAttribute()
    sub_status = UnicodeAttribute()
    priority = UnicodeAttribute()
    owner_id = UnicodeAttribute(null=True)
    region = UnicodeAttribute(null=True)
    response_due_at = UnicodeAttribute(null=True)
    first_response_at = UnicodeAttribute(null=True)
    next_automated_action: MapAttribute[str, Any] = MapAttribute(null=True)  # derived from the timers, kept for the lists
    subject = UnicodeAttribute()
    description = UnicodeAttribute()
    security_threat = BooleanAttribute(default=False)
    form: MapAttribute[str, Any] = MapAttribute(default=dict)  # the optional web-form fields, by Case field name
    # ISO-8601 UTC with Z, as case_items.stored writes every timestamp of a case (the form's too).
    created_at = UnicodeAttribute()
    modified_at = UnicodeAttribute()
    version = NumberAttribute()


class UpdateItem(TableItem):
    """One update on a case: pk is the case's, sk `UPDATE#<case version>` (so oldest first)."""

    class Meta(TableMeta):
        pass

    update_kind = UnicodeAttribute()
    author: MapAttribute[str, Any] = MapAttribute()
    text = UnicodeAttribute()
    created_at = TimestampAttribute()


class HistoryItem(TableItem):
    """One change of a case, written in the transaction that made it: sk `HISTORY#<case version>`."""

    class Meta(TableMeta):
        pass

    action = UnicodeAttribute()
    actor: MapAttribute[str, Any] = MapAttribute()
    at = TimestampAttribute()
    changes: ListAttribute[Any] = ListAttribute(default=list)


class CounterItem(TableItem):
    class Meta(TableMeta):
        pass

    value = NumberAttribute(default=0)


# A monitoring incident's case (functions/cases/logic/monitoring_cases.py): `MONITORING#<group id>` / `CASE`,
# written with the case in its transaction on the condition that it does not exist, so an incident opens one
# case however often and however concurrently its MonitoringCaseRequested is delivered. Kept for good (a
# few bytes per incident): a redelivery from a dead-letter queue days later still finds it.
MONITORING_PREFIX, MONITORING_CASE_SORT_KEY = "MONITORING#", "CASE"
# An event of another domain applied to a case (a monitoring digest, a recovery note): `CASE#<n>` /
# `APPLIED#<event key>`, written in the change's transaction on the condition that it does not exist, so a
# redelivered event changes nothing. It expires after the longest a message can be redelivered (SQS keeps
# one 4 days, its dead-letter queue 14).
APPLIED_PREFIX = "APPLIED#"
APPLIED_KEPT_FOR = timedelta(days=30)


class MonitoringCaseItem(TableItem):
    class Meta(TableMeta):
        pass

    group_id = UnicodeAttribute()
    case_number = UnicodeAttribute()
    account_id = UnicodeAttribute()
    created_at = TimestampAttribute()


class AppliedEventItem(TableItem):
    class Meta(TableMeta):
        pass

    event_key = UnicodeAttribute()
    applied_at = TimestampAttribute()
    expires_at = TTLAttribute()  # the table's TTL attribute


# An entitlement an installation case uses (docs/architecture.md, "Platform updates"): `QUOTA#<account>` /
# `<kind>#<period's first day>#<slot>` (kind RELEASE a contract quarter, GATEWAY a contract year; slots 1..the
# contract's number), written with the installation case in its transaction on the condition that it does not
# exist, and deleted in the transaction that cancels the case.
QUOTA_PREFIX = "QUOTA#"


class QuotaItem(TableItem):
    class Meta(TableMeta):
        pass

    case_number = UnicodeAttribute()
    period = UnicodeAttribute()  # e.g. "Q4 2026"
    requested_at = TimestampAttribute()


# A proactive case the weekly behind-GA check opened for an account: `BEHINDGA#<account>` / `CASE`, held while the
# case is not closed, so the check never opens a second one.
BEHIND_GA_PREFIX, BEHIND_GA_SORT_KEY = "BEHINDGA#", "CASE"


class BehindGaCaseItem(TableItem):
    class Meta(TableMeta):
        pass

    case_number = UnicodeAttribute()
    event_key = UnicodeAttribute(null=True)  # the check's event that opened it: a redelivery opens nothing more
    created_at = TimestampAttribute()


ALL_ITEM_MODELS: tuple[type[Model], ...] = (
    CaseItem, UpdateItem, HistoryItem, CounterItem, AccountItem, MonitoringCaseItem, AppliedEventItem, QuotaItem,
    BehindGaCaseItem, *IDEMPOTENCY_MODELS, *OUTBOX_MODELS, *RATE_MODELS, *PLATFORM_VIEW_MODELS,
)  # fmt: skip


def bind_tables(table_name: str) -> Connection:
    """Points every model at the deployed table and returns the one connection they all share; CaseItem
    comes first because its schema (keys and every index) is the table's."""
    return bind_models(table_name, ALL_ITEM_MODELS)
