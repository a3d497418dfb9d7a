"""AWS calls per API operation: each request runs through the real handler under moto and its calls are
counted. Counted budgets are deterministic, so tests/integration/test_call_budgets.py asserts them too."""

from __future__ import annotations

import contextlib
import io
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import tests.conftest  # noqa: F401  the emulator's credentials and region, set before boto3 and moto load
from bench.aws_calls import count_aws_calls
from functions.cases.models.requests import CaseView
from local.demo_directory import EXAMPLE_SUPPORT_CASE
from tests.support.stack import LocalAws, start_local_aws

PUT_EVENTS = ("EventBridge", "PutEvents")
QUERY = ("DynamoDB", "Query")
GET_ITEM = ("DynamoDB", "GetItem")
# The page-token key is read on the first paginated listing and cached for the container's life.
ONCE_PER_CONTAINER = {("Secrets Manager", "GetSecretValue")}
PAGED_VIEWS = ("my-non-closed", "my-open", "all-non-closed", "all-open")  # hold 3+ cases: limit 2 gives a page 2
PAGE_SIZE = 2




def split(calls: Counter) -> tuple[int, Counter]:
    """(DynamoDB calls, the other calls)."""
    dynamodb = sum(count for (service, _), count in calls.items() if service == "DynamoDB")
    return dynamodb, Counter({key: count for key, count in calls.items() if key[0] != "DynamoDB"})


def create_within_budget(calls: Counter) -> bool:
    dynamodb, others = split(calls)
    return dynamodb <= 3 and others == Counter({PUT_EVENTS: 1})


def one_query(calls: Counter) -> bool:
    return calls == Counter({QUERY: 1})


def one_get_item(calls: Counter) -> bool:
    return calls == Counter({GET_ITEM: 1})


def once(calls: Counter) -> bool:
    return calls == Counter(dict.fromkeys(ONCE_PER_CONTAINER, 1))


@dataclass(frozen=True)
class Row:
    operation: str
    calls: Counter
    budget: str
    met: bool


class Recorder:
    """Runs requests, checking each answered as expected, and keeps the per-container calls apart."""

    def __init__(self, stack: LocalAws):
        self.stack = stack
        self.rows: list[Row] = []
        self.per_container: Counter = Counter()

    def call(self, operation: str, budget: tuple[str, Callable[[Counter], bool]], *args, status: int = 200, **kwargs):
        # Powertools prints metrics (EMF) to stdout and warns when a request adds none: keep the table readable.
        with count_aws_calls() as calls, contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = self.stack.call(*args, **kwargs)
        if result.status != status:
            raise RuntimeError(f"{operation}: expected {status}, got {result}")
        for key in ONCE_PER_CONTAINER & set(calls):
            self.per_container[key] += calls.pop(key)
        self.rows.append(Row(operation, calls, budget[0], budget[1](calls)))
        return result


CREATE = ("<= 3 DynamoDB + 1 PutEvents", create_within_budget)
PAGE = ("1 Query", one_query)
GET = ("1 GetItem", one_get_item)


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
        run.call("get case", GET, "GET", f"/cases/{created.body['caseNumber']}")
    finally:
        mock.stop()
    return [*run.rows, Row("once per container", run.per_container, "1 GetSecretValue", once(run.per_container))]
