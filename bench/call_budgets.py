"""AWS calls per API operation: each request runs through the real handler under moto and its calls are
counted. Counted budgets are deterministic, so tests/integration/test_call_budgets.py asserts them too.

A customer's request also reads their account's contacts from the directory (who may still use the desk,
and their authorizations: functions/shared/caller_directory.py) when this container has not read that
account in the last 60 s: one GetItem per account per 60 s per container. The rows below are the requests'
own calls with that read counted apart (its own row, once per account, the caller directory's clock held
still); the "cold" rows show a request that makes it."""

from __future__ import annotations

import contextlib
import io
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import tests.conftest  # noqa: F401  the emulator's credentials and region, set before boto3 and moto load
from bench.aws_calls import count_aws_calls, count_caller_directory_reads
from functions.cases.models.requests import CaseQueue, CaseView
from local.demo_directory import EXAMPLE_SUPPORT_CASE
from tests.support.stack import LocalAws, start_local_aws

PUT_EVENTS = ("EventBridge", "PutEvents")
QUERY = ("DynamoDB", "Query")
GET_ITEM = ("DynamoDB", "GetItem")
TRANSACT_GET = ("DynamoDB", "TransactGetItems")
# The page-token key is read on the first paginated listing and cached for the container's life.
ONCE_PER_CONTAINER = {("Secrets Manager", "GetSecretValue")}
PAGED_VIEWS = ("my-non-closed", "my-open", "all-non-closed", "all-open")  # hold 3+ cases: limit 2 gives a page 2
PAGE_SIZE = 2
TRANSACTION = ("DynamoDB", "TransactWriteItems")
# The staleness the caller directory allows (functions/shared/caller_directory.py MAX_STALENESS_SECONDS).
DIRECTORY_STALENESS = timedelta(seconds=60)


def split(calls: Counter) -> tuple[int, Counter]:
    """(DynamoDB calls, the other calls)."""
    dynamodb = sum(count for (service, _), count in calls.items() if service == "DynamoDB")
    return dynamodb, Counter({key: count for key, count in calls.items() if key[0] != "DynamoDB"})


def create_within_budget(calls: Counter) -> bool:
    """The reads, the case number, one transaction; never PutEvents (the outbox publishes)."""
    dynamodb, others = split(calls)
    return dynamodb <= 3 and not others


def mutation_within_budget(calls: Counter) -> bool:
    """The read (the case, with its Idempotency-Key's record when one is sent; plus the account for a
    management escalation's region) and exactly one transaction; never PutEvents."""
    reads = Counter({GET_ITEM: calls[GET_ITEM], TRANSACT_GET: calls[TRANSACT_GET]})
    return 1 <= reads.total() <= 2 and calls - reads == Counter({TRANSACTION: 1})


def replay_within_budget(calls: Counter) -> bool:
    """A replayed Idempotency-Key: the one read that finds its answer; nothing written."""
    return calls == Counter({TRANSACT_GET: 1})


def one_read_and_query(calls: Counter) -> bool:
    return calls == Counter({GET_ITEM: 1, QUERY: 1})


def one_query(calls: Counter) -> bool:
    return calls == Counter({QUERY: 1})


def one_get_item(calls: Counter) -> bool:
    return calls == Counter({GET_ITEM: 1})


def with_caller_account_read(budget: Callable[[Counter], bool]) -> Callable[[Counter], bool]:
    """A request's budget in a container that has not read the caller's account for 60 s: one GetItem more."""
    return lambda calls: calls[GET_ITEM] >= 1 and budget(calls - Counter({GET_ITEM: 1}))


def installation_within_budget(calls: Counter) -> bool:
    """An installation request: the account with the cases it closes (one TransactGetItems a 25 keys), the platform, the
    period's entitlement (one Query), the case number, then ONE transaction for everything; never PutEvents."""
    dynamodb, others = split(calls)
    return not others and calls[TRANSACTION] == 1 and dynamodb <= 5 + max(0, calls[TRANSACT_GET] - 1)


def once(calls: Counter) -> bool:
    return calls == Counter(dict.fromkeys(ONCE_PER_CONTAINER, 1))


@dataclass(frozen=True)
class Row:
    operation: str
    calls: Counter
    budget: str
    met: bool


class Recorder:
    """Runs requests, checking each answered as expected, and keeps the per-container calls and the caller
    directory's reads apart. The caller directory's clock stands still unless `advance_directory_clock`."""

    def __init__(self, stack: LocalAws):
        from functions.shared.caller_directory import caller_directory
        from functions.shared.clock import FixedClock

        self.stack = stack
        self.rows: list[Row] = []
        self.per_container: Counter = Counter()
        self.directory_reads: Counter = Counter()  # GetItems of callers' accounts, by account
        self.directory_clock = FixedClock(datetime(2026, 12, 7, 15, 0, tzinfo=UTC))
        caller_directory().clock = self.directory_clock

    def advance_directory_clock(self, by: timedelta) -> None:
        self.directory_clock.moment += by

    def call(self, operation: str, budget: tuple[str, Callable[[Counter], bool]], *args, status: int = 200,
             directory_read_apart: bool = True, **kwargs):  # fmt: skip
        """`directory_read_apart`: counts the caller's account read (if the request makes it) in its own row
        rather than the request's."""
        # Powertools prints metrics (EMF) to stdout and warns when a request adds none: keep the table readable.
        with count_aws_calls() as calls, count_caller_directory_reads() as reads, contextlib.redirect_stdout(io.StringIO()), \
                warnings.catch_warnings():  # fmt: skip
            warnings.simplefilter("ignore")
            result = self.stack.call(*args, **kwargs)
        if result.status != status:
            raise RuntimeError(f"{operation}: expected {status}, got {result}")
        for key in ONCE_PER_CONTAINER & set(calls):
            self.per_container[key] += calls.pop(key)
        if directory_read_apart and reads:
            self.directory_reads += reads
            calls -= Counter({GET_ITEM: reads.total()})
        self.rows.append(Row(operation, calls, budget[0], budget[1](calls)))
        return result


CREATE = ("<= 3 DynamoDB, 0 PutEvents", create_within_budget)
PAGE = ("1 Query", one_query)
GET = ("1 GetItem", one_get_item)
MUTATION = ("read + 1 TransactWriteItems, 0 PutEvents", mutation_within_budget)
REPLAY = ("1 TransactGetItems, nothing written", replay_within_budget)


def platform_within_budget(calls: Counter) -> bool:
    """The platform (and the account, when none is recorded yet), then its gateways' catalogs in one BatchGetItem."""
    return 1 <= calls[GET_ITEM] <= 2 and calls - Counter({GET_ITEM: calls[GET_ITEM]}) <= Counter({("DynamoDB", "BatchGetItem"): 1})


PLATFORM = ("<= 2 GetItem + 1 BatchGetItem", platform_within_budget)
INSTALLATION = ("<= 4 reads + case number + 1 TransactWriteItems, 0 PutEvents", installation_within_budget)
RECORDS_PAGE = ("1 GetItem + 1 Query", one_read_and_query)
COLD_GET = ("1 GetItem + 1 GetItem of the caller's account", with_caller_account_read(one_get_item))
COLD_PAGE = ("1 Query + 1 GetItem of the caller's account", with_caller_account_read(one_query))
# Each lifecycle action in an order the guide allows, on one case: (operation, user, method, suffix, body).
LIFECYCLE = [
    ("post update", "customer", "POST", "/updates", {"text": "More detail."}),
    ("request information", "engineer", "POST", "/request-info", {"message": "Send logs."}),
    ("customer answers (back to Open)", "customer", "POST", "/updates", {"text": "Logs attached."}),
    ("set sub status, owner, priority", "engineer", "PATCH", "", {"subStatus": "Reproducing", "ownerId": "u-erin"}),
    ("escalate Low to Medium", "customer", "POST", "/escalations", {"kind": "priority", "reason": "More agents hit."}),
    ("escalate to management", "customer", "POST", "/escalations", {"kind": "management", "reason": "No progress."}),
    ("propose solution", "engineer", "POST", "/propose-solution", {"solution": "Apply patch 12."}),
    ("reject solution", "customer", "POST", "/solution/reject", {"reason": "Still failing."}),
    ("close", "customer", "POST", "/close", {"subStatus": "Resolved", "comment": "Fixed."}),
    ("reopen", "customer", "POST", "/reopen", {"information": "It is back."}),
]


def measure() -> list[Row]:
    mock, stack = start_local_aws()
    try:
        run = Recorder(stack)
        run.call("create case", CREATE, "POST", "/cases", body=EXAMPLE_SUPPORT_CASE, status=201)
        key = {"Idempotency-Key": "bench-1"}
        run.call("create case, Idempotency-Key", CREATE, "POST", "/cases", body=EXAMPLE_SUPPORT_CASE, headers=key, status=201)
        run.call("create case, replayed key", CREATE, "POST", "/cases", body=EXAMPLE_SUPPORT_CASE, headers=key, status=201)
        # Staff open phone cases for a customer's contact: the contact is checked too.
        for_alice = {**EXAMPLE_SUPPORT_CASE, "onBehalfOf": {"accountId": "acme", "contactId": "c-alice"}}
        created = run.call("create case, engineer", CREATE, "POST", "/cases", user="engineer", body=for_alice, status=201)
        run.call("create case, engineer, Idempotency-Key", CREATE, "POST", "/cases", user="engineer", body=for_alice,
                 headers={"Idempotency-Key": "bench-2"}, status=201)  # fmt: skip
        for view in CaseView:
            page = run.call(f"view {view.value}, page 1", PAGE, "GET", "/cases", query={"view": view.value, "limit": str(PAGE_SIZE)})
            if view.value in PAGED_VIEWS:
                query = {"view": view.value, "limit": str(PAGE_SIZE), "nextToken": page.body["nextToken"]}
                run.call(f"view {view.value}, page 2", PAGE, "GET", "/cases", query=query)
        for queue in CaseQueue:
            query = {"limit": str(PAGE_SIZE), **({"region": "north-america"} if queue is CaseQueue.REGION else {})}
            run.call(f"queue {queue.value}, page 1", PAGE, "GET", f"/queues/{queue.value}", user="engineer", query=query)
        number = created.body["caseNumber"]
        run.call("get case", GET, "GET", f"/cases/{number}")
        for index, (operation, user, method, suffix, body) in enumerate(LIFECYCLE):
            status = 201 if suffix == "/updates" else 200
            run.call(operation, MUTATION, method, f"/cases/{number}{suffix}", user=user, body=body, status=status)
            if index == 0:  # the same change with an Idempotency-Key, then its replay
                key = {"Idempotency-Key": "bench-update"}
                for label, budget in (("post update, Idempotency-Key", MUTATION), ("post update, replayed key", REPLAY)):
                    run.call(label, budget, method, f"/cases/{number}{suffix}", user=user, body=body, headers=key, status=status)
        resolved = [run.stack.call("POST", "/cases", body=EXAMPLE_SUPPORT_CASE).body["caseNumber"] for _ in range(2)]
        release = {"accountId": "acme", "kind": "release", "reason": "known-scr", "scrs": ["SCR-1"], "systemImpacting": True,
                   "target": {"release": "2026 R4"}, "resolvesCases": resolved}  # fmt: skip
        run.call("installation request, Release closing 2 cases", INSTALLATION, "POST", "/maintenance/requests", user="engineer",
                 body=release, headers={"Idempotency-Key": "bench-release"}, status=201)  # fmt: skip
        run.call("windows updates, page 1", PAGE, "GET", "/maintenance/windows-updates", api="updates", query={"limit": "10"})
        run.call("account platform (gateways behind GA)", PLATFORM, "GET", "/accounts/acme/platform", user="engineer", api="updates")
        run.call("updates page", RECORDS_PAGE, "GET", f"/cases/{number}/updates")
        run.call("history page", RECORDS_PAGE, "GET", f"/cases/{number}/history")
        # The caller directory's read of the account is 60 s old: the next request of the account reads it again.
        run.advance_directory_clock(DIRECTORY_STALENESS)
        run.call("get case, cold (account read 60 s old)", COLD_GET, "GET", f"/cases/{number}", directory_read_apart=False)
        run.call("get case, warm again", GET, "GET", f"/cases/{number}")
        first_of_globex = {"view": "all-open", "limit": str(PAGE_SIZE)}  # another account: its own read
        run.call("view all-open, another account, cold", COLD_PAGE, "GET", "/cases", user="other_customer", query=first_of_globex,
                 directory_read_apart=False)  # fmt: skip
    finally:
        mock.stop()
    directory = Row(
        "caller's account (customers; per account per 60 s)",
        Counter({GET_ITEM: run.directory_reads.total()}),
        "1 GetItem per account per 60 s",
        run.directory_reads == Counter({"acme": 1}),  # Alice's first request only; staff read none
    )
    return [*run.rows, Row("once per container", run.per_container, "1 GetSecretValue", once(run.per_container)), directory]
