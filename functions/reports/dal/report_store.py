"""The reports domain's items (functions/reports/dal/tables.py): subscriptions with their locator and due listing,
the account's tallies, the delivery records. Every change of a subscription is one transaction with its events."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, GetError, PutError, QueryError, TransactWriteError
from pynamodb.transactions import TransactWrite

from functions.reports.dal.tables import (
    APPLIED_PREFIX,
    DUE_PARTITION,
    RUN_PREFIX,
    SENT_PREFIX,
    SUBSCRIPTION_PREFIX,
    TALLY_PREFIX,
    AppliedItem,
    DueItem,
    LocatorItem,
    RunItem,
    SentItem,
    SubscriptionItem,
    TallyItem,
    account_partition,
    bind_reports_tables,
    locator_key,
)
from functions.reports.logic.build_report import period_buckets
from functions.reports.logic.periods import Period
from functions.reports.models.errors import IdempotencyKeyTaken, ReportDelayed, StaleSubscription
from functions.reports.models.records import AccountFacts, Claim, ReadCount, Tally
from functions.reports.models.subscriptions import ReportRun, Subscription
from functions.shared.clock import to_iso
from functions.shared.dal.directory import AccountItem, account_key, contact_entries
from functions.shared.dal.errors import unavailable
from functions.shared.dal.idempotency import IdempotencyItem, idempotency_item, idempotency_key, to_record, unused
from functions.shared.dal.outbox import outbox_items
from functions.shared.dal.rate_limit import count_change
from functions.shared.dal.transactions import Write, write_change
from functions.shared.domain_event import DomainEvent
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest
from functions.shared.observability import logger
from functions.shared.rate_limit import TooManyChanges

BUSY = "The report store is busy; retry in a few seconds."
APPLIED_KEPT_FOR = timedelta(days=30)  # longer than a message can be redelivered (SQS 4 days, its DLQ 14)
RUNS_KEPT_FOR = timedelta(days=400)  # a year of deliveries and a quarter more, as the archived CSVs
SENT_KEPT_FOR = timedelta(days=30)
MAX_DUE_PER_RUN = 500  # the dispatcher's page; the rest stay due for its next page or run


class ReportStore:
    def __init__(self, table_name: str):
        self._connection = bind_reports_tables(table_name)

    # --- the account ------------------------------------------------------------------------------

    def account(self, account_id: str) -> AccountFacts | None:
        """The account's name and contacts (one strongly consistent GetItem); None when there is no such account."""
        try:
            item = AccountItem.get(*account_key(account_id), consistent_read=True, attributes_to_get=["account_id", "name", "contacts"])
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error
        return AccountFacts(account_id=item.account_id, name=item.name, contacts=contact_entries(item))

    # --- tallies ------------------------------------------------------------------------------------

    def apply_tallies(self, account_id: str, event_key: str, changes: dict[str, Tally], now: datetime) -> bool:
        partition = account_partition(account_id)
        mark = AppliedItem(partition, f"{APPLIED_PREFIX}{event_key}", applied_at=now, expires_at=now + APPLIED_KEPT_FOR)
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.save(mark, condition=AppliedItem.pk.does_not_exist())
                for bucket, change in changes.items():
                    transaction.update(
                        TallyItem(partition, f"{TALLY_PREFIX}{bucket}"),
                        actions=[TallyItem.opened.add(change.opened), TallyItem.closed.add(change.closed)],
                    )
        except TransactWriteError as error:
            reasons = [reason.code if reason else None for reason in (error.cancellation_reasons or [])]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                return False
            raise ReportDelayed(f"tallies not written: {error}") from error
        return True

    def tallies(self, account_id: str, periods: list[Period], reads: ReadCount) -> list[Tally]:
        """Each period's tally: one Query over the buckets from the first period's to the last's."""
        buckets = [period_buckets(period) for period in periods]
        first, last = buckets[0][0], buckets[-1][-1]
        found: dict[str, Tally] = {}
        try:
            for item in TallyItem.query(
                account_partition(account_id), TallyItem.sk.between(f"{TALLY_PREFIX}{first}", f"{TALLY_PREFIX}{last}")
            ):
                found[item.sk.removeprefix(TALLY_PREFIX)] = Tally(int(item.opened or 0), int(item.closed or 0))
        except QueryError as error:
            raise unavailable("DynamoDB", BUSY) from error
        reads.queries += 1
        reads.items += len(found)
        reads.by_section["tallies"] = len(found)
        return [sum((found.get(bucket, Tally()) for bucket in of_period), Tally()) for of_period in buckets]

    # --- subscriptions ----------------------------------------------------------------------------

    def read_idempotency(self, scope_key: str) -> IdempotencyRecord | None:
        try:
            return to_record(IdempotencyItem.get(*idempotency_key(scope_key), consistent_read=True))
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def subscription(self, subscription_id: str) -> Subscription | None:
        """Its locator, then the subscription (two strongly consistent GetItems)."""
        try:
            locator = LocatorItem.get(*locator_key(subscription_id), consistent_read=True)
            item = SubscriptionItem.get(
                account_partition(locator.account_id), f"{SUBSCRIPTION_PREFIX}{subscription_id}", consistent_read=True
            )
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error
        return Subscription.model_validate_json(item.body)

    def subscriptions(self, account_id: str) -> list[Subscription]:
        """The account's subscriptions: one Query (a page holds hundreds; an account has a few)."""
        try:
            items = SubscriptionItem.query(account_partition(account_id), SubscriptionItem.sk.startswith(SUBSCRIPTION_PREFIX))
            return [Subscription.model_validate_json(item.body) for item in items]
        except QueryError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def save(
        self,
        after: Subscription,
        *,
        before: Subscription | None,
        events: list[DomainEvent],
        now: datetime,
        rate_limited: str | None,
        idempotency: tuple[IdempotentRequest, dict[str, Any]] | None = None,
        run: ReportRun | None = None,
    ) -> None:
        """Creates (before None) or changes the subscription, its locator and due entry, its events, and a delivery's
        run record; StaleSubscription when it changed meanwhile."""
        partition = account_partition(after.account_id)
        condition = SubscriptionItem.pk.does_not_exist() if before is None else SubscriptionItem.version == before.version
        key = f"{SUBSCRIPTION_PREFIX}{after.subscription_id}"
        item = SubscriptionItem(partition, key, body=after.model_dump_json(), version=after.version)
        writes: list[Write] = [(item, condition, StaleSubscription)]
        if before is None:
            writes.append((LocatorItem(*locator_key(after.subscription_id), account_id=after.account_id), None, None))
        removals = []
        if before is not None and before.next_delivery_at and before.next_delivery_at != after.next_delivery_at:
            removals.append(_due(before))
        if after.next_delivery_at and (before is None or before.next_delivery_at != after.next_delivery_at):
            writes.append((_due(after), None, None))
        if run is not None:
            run_item = RunItem(partition, _run_key(run.subscription_id, run.first_day), body=run.model_dump_json())
            run_item.expires_at = now + RUNS_KEPT_FOR
            writes.append((run_item, None, None))
        writes += [(item, None, None) for item in outbox_items(partition, f"{after.subscription_id}#{after.version}", events, now)]
        if idempotency:
            request, answer = idempotency
            writes.append((idempotency_item(request, after.subscription_id, answer), unused(now), IdempotencyKeyTaken))
        write_change(self._connection, *writes, stale=StaleSubscription, busy=BUSY, now=now, rate_limited=rate_limited, removals=removals)

    def delete(self, subscription: Subscription, *, now: datetime, rate_limited: str) -> None:
        """The subscription (conditional on its version), its locator and due entry; StaleSubscription if it changed."""
        partition = account_partition(subscription.account_id)
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.delete(
                    SubscriptionItem(partition, f"{SUBSCRIPTION_PREFIX}{subscription.subscription_id}"),
                    condition=SubscriptionItem.version == subscription.version,
                )
                transaction.delete(LocatorItem(*locator_key(subscription.subscription_id)))
                if subscription.next_delivery_at:
                    transaction.delete(_due(subscription))
                count_change(transaction, rate_limited, now)
        except TransactWriteError as error:
            reasons = [reason.code if reason else None for reason in (error.cancellation_reasons or [])]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise StaleSubscription() from error
            if reasons and reasons[-1] == "ConditionalCheckFailed":
                raise TooManyChanges(now) from error
            raise unavailable("DynamoDB", BUSY) from error

    def due(self, now: datetime) -> list[tuple[str, str]]:
        """(account, subscription) of the subscriptions due by `now`, the longest due first: one Query."""
        try:
            items = DueItem.query(DUE_PARTITION, DueItem.sk <= f"{to_iso(now)}#\uffff", limit=MAX_DUE_PER_RUN)
            return [(item.account_id, item.subscription_id) for item in items]
        except QueryError as error:
            raise unavailable("DynamoDB", BUSY) from error

    # --- deliveries ---------------------------------------------------------------------------------

    def claim_send(self, account_id: str, delivery_key: str, *, now: datetime, until: datetime) -> Claim:
        """Whether this invocation may send the email `delivery_key` names (a period's report to one recipient, a
        confirmation): CLAIMED (until `until`), SENT already, or BUSY (another invocation's claim holds it)."""
        item = SentItem(account_partition(account_id), f"{SENT_PREFIX}{delivery_key}")
        item.claimed_until, item.expires_at = int(until.timestamp()), now + SENT_KEPT_FOR
        unclaimed = SentItem.pk.does_not_exist() | (SentItem.sent_at.does_not_exist() & (SentItem.claimed_until < int(now.timestamp())))
        try:
            item.save(condition=unclaimed)
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise ReportDelayed(f"claim failed: {error}") from error
            try:  # the rare path: who holds it
                held = SentItem.get(item.pk, item.sk, consistent_read=True)
            except (DoesNotExist, GetError) as read_error:
                raise ReportDelayed(f"claim failed: {read_error}") from read_error
            return Claim.SENT if held.sent_at is not None else Claim.BUSY
        return Claim.CLAIMED

    def release(self, account_id: str, delivery_key: str) -> None:
        """Gives up a claim whose email was not sent, so a retry sends it at once (else it waits for the claim to end)."""
        try:
            SentItem(account_partition(account_id), f"{SENT_PREFIX}{delivery_key}").delete(condition=SentItem.sent_at.does_not_exist())
        except DeleteError:
            logger.warning("claim not released; it ends by itself", extra={"delivery_key": delivery_key})

    def mark_sent(self, account_id: str, delivery_key: str, *, now: datetime) -> None:
        item = SentItem(account_partition(account_id), f"{SENT_PREFIX}{delivery_key}", sent_at=now)
        item.expires_at = now + SENT_KEPT_FOR
        try:
            item.save()
        except PutError as error:
            # Sent, but still claimed: a retry after the claim expires would send again.
            raise ReportDelayed(f"recording the email as sent failed: {error}") from error

    def runs(self, account_id: str, subscription_id: str) -> list[ReportRun]:
        """The subscription's deliveries, the latest first (one Query)."""
        try:
            items = RunItem.query(
                account_partition(account_id), RunItem.sk.startswith(f"{RUN_PREFIX}{subscription_id}#"), scan_index_forward=False
            )
            return [ReportRun.model_validate_json(item.body) for item in items]
        except QueryError as error:
            raise unavailable("DynamoDB", BUSY) from error


def _due(subscription: Subscription) -> DueItem:
    assert subscription.next_delivery_at is not None
    return DueItem(
        DUE_PARTITION,
        f"{to_iso(subscription.next_delivery_at)}#{subscription.subscription_id}",
        account_id=subscription.account_id,
        subscription_id=subscription.subscription_id,
    )


def _run_key(subscription_id: str, first_day: date) -> str:
    return f"{RUN_PREFIX}{subscription_id}#{first_day.isoformat()}"
