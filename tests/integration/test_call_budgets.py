"""Counted AWS-call budgets per API operation (docs/benchmarks.md). Counts are deterministic, unlike
times, so they are asserted here; `make bench` prints the same table.

A customer's request also reads their account's contacts (functions/shared/caller_directory.py) when the
container has not read that account for 60 s: each budget below is a request's own calls, that read counted
apart (`counted`); test_the_callers_account_is_read_once_per_account_per_60_seconds_per_container is its
budget, the cold case included. The caller directory's clock stands still in these tests."""

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bench.aws_calls import count_aws_calls, count_caller_directory_reads  # imported at collection: before any client exists
from functions.cases.models.requests import CaseView
from functions.shared.caller_directory import caller_directory
from functions.shared.clock import FixedClock
from local.demo_directory import EXAMPLE_SUPPORT_CASE

CASE = EXAMPLE_SUPPORT_CASE
FOR_ALICE = {**CASE, "onBehalfOf": {"accountId": "acme", "contactId": "c-alice"}}
PAGE_TOKEN_KEY = ("Secrets Manager", "GetSecretValue")
REPEATABLE = ("post update", "set sub status, owner, priority", "escalate to management")
GET_ITEM = ("DynamoDB", "GetItem")
T = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def directory_clock(local_aws):
    clock = FixedClock(T)
    caller_directory().clock = clock
    return clock


def counted(local_aws, *args, status: int, **kwargs):
    """The request's own calls: without the caller directory's read of the caller's account, if it made one."""
    calls, result, _ = counted_with_directory(local_aws, *args, status=status, **kwargs)
    return calls, result


def counted_with_directory(local_aws, *args, status: int, **kwargs):
    """(the request's own calls, its answer, the caller directory's reads by account)."""
    with count_aws_calls() as calls, count_caller_directory_reads() as reads:
        result = local_aws.call(*args, **kwargs)
    assert result.status == status, result
    assert reads.total() <= 1 and calls[GET_ITEM] >= reads.total(), (calls, reads)
    return calls - Counter({GET_ITEM: reads.total()}), result, reads


def split(calls: Counter) -> tuple[int, Counter]:
    """(DynamoDB calls, the other calls)."""
    dynamodb = sum(count for (service, _), count in calls.items() if service == "DynamoDB")
    return dynamodb, Counter({key: count for key, count in calls.items() if key[0] != "DynamoDB"})


def test_create_case_makes_at_most_three_dynamodb_calls_and_never_calls_the_bus(local_aws):
    customer_key, engineer_key = {"Idempotency-Key": "budget-1"}, {"Idempotency-Key": "budget-2"}
    requests = [
        ("customer", CASE, None),
        ("customer", CASE, customer_key),
        ("customer", CASE, customer_key),  # a replay
        ("engineer", FOR_ALICE, None),  # staff open phone cases for a customer's contact
        ("engineer", FOR_ALICE, engineer_key),
    ]
    for user, body, headers in requests:
        calls, _ = counted(local_aws, "POST", "/cases", user=user, body=body, headers=headers, status=201)
        dynamodb, others = split(calls)
        assert dynamodb <= 3, (user, headers, calls)
        assert others == Counter(), (user, headers, calls)  # its events leave through the outbox


def test_every_view_page_is_one_query_and_the_page_token_key_is_read_once(local_aws):
    for _ in range(3):
        counted(local_aws, "POST", "/cases", body=CASE, status=201)
    per_container = Counter()
    for view in CaseView:
        query = {"view": view.value, "limit": "2"}
        pages = 0
        while query:
            calls, page = counted(local_aws, "GET", "/cases", query=query, status=200)
            per_container[PAGE_TOKEN_KEY] += calls.pop(PAGE_TOKEN_KEY, 0)
            assert calls == Counter({("DynamoDB", "Query"): 1}), (view, pages, calls)
            pages += 1
            query = {**query, "nextToken": page.body["nextToken"]} if page.body.get("nextToken") else None
        holds_all_three = view.value in ("my-non-closed", "my-open", "all-non-closed", "all-open")
        assert pages == (2 if holds_all_three else 1), view
    assert per_container == Counter({PAGE_TOKEN_KEY: 1})


def test_get_case_is_one_get_item(local_aws):
    _, created = counted(local_aws, "POST", "/cases", body=CASE, status=201)
    calls, _ = counted(local_aws, "GET", f"/cases/{created.body['caseNumber']}", status=200)
    assert calls == Counter({("DynamoDB", "GetItem"): 1})


def test_every_lifecycle_mutation_is_its_read_and_one_transaction_and_never_calls_the_bus(local_aws):
    from bench.call_budgets import LIFECYCLE, mutation_within_budget, one_read_and_query, replay_within_budget

    _, created = counted(local_aws, "POST", "/cases", body=CASE, status=201)
    number = created.body["caseNumber"]
    for operation, user, method, suffix, body in LIFECYCLE:
        status = 201 if suffix == "/updates" else 200
        calls, _ = counted(local_aws, method, f"/cases/{number}{suffix}", user=user, body=body, status=status)
        assert mutation_within_budget(calls), (operation, calls)
        if operation in REPEATABLE:  # the same change again with an Idempotency-Key, then its replay
            key = {"Idempotency-Key": f"budget-{REPEATABLE.index(operation)}"}
            calls, _ = counted(local_aws, method, f"/cases/{number}{suffix}", user=user, body=body, headers=key, status=status)
            assert mutation_within_budget(calls) and calls[("DynamoDB", "TransactGetItems")] == 1, (operation, calls)
            calls, replayed = counted(local_aws, method, f"/cases/{number}{suffix}", user=user, body=body, headers=key, status=status)
            assert replay_within_budget(calls) and replayed.headers["idempotent-replayed"] == "true", (operation, calls)
    for listing in ("updates", "history"):
        calls, _ = counted(local_aws, "GET", f"/cases/{number}/{listing}", status=200)
        assert one_read_and_query(calls), (listing, calls)


def test_an_installation_request_is_its_reads_and_one_transaction_whatever_it_closes(local_aws):
    """The account with the cases it closes, the platform, the quarter's entitlement, the case number, one transaction."""
    resolved = [local_aws.call("POST", "/cases", body=CASE).body["caseNumber"] for _ in range(2)]
    release = {"accountId": "acme", "kind": "release", "reason": "known-scr", "scrs": ["SCR-1"], "systemImpacting": True,
               "target": {"release": "2026 R4"}, "resolvesCases": resolved}  # fmt: skip
    calls, _ = counted(local_aws, "POST", "/maintenance/requests", user="engineer", body=release, headers={"Idempotency-Key": "i-1"},
                       status=201)  # fmt: skip
    assert calls == Counter({("DynamoDB", "TransactGetItems"): 1, GET_ITEM: 1, ("DynamoDB", "Query"): 1,
                             ("DynamoDB", "UpdateItem"): 1, ("DynamoDB", "TransactWriteItems"): 1})  # fmt: skip


def test_timer_starts_stops_and_steps_make_one_call_each_or_one_read(local_aws):
    from functions.cases.handlers.handle_timer_step import lambda_handler as timer_step
    from local.http_adapter import LambdaContext

    number = local_aws.call("POST", "/cases", body=CASE).body["caseNumber"]
    local_aws.call("POST", f"/cases/{number}/request-info", user="engineer", body={"message": "Logs?"})
    ladder = [body for body in local_aws.timer_events() if '"follow-up"' in body]
    with count_aws_calls() as calls:
        local_aws.run_timer_events(ladder)  # its deadlines are days away: the execution waits, calling nothing
    assert calls == Counter({("SFN", "StartExecution"): 1})

    step = {"caseNumber": number, "token": json.loads(ladder[0])["detail"]["token"], "step": "reminder1"}
    for expected in (
        Counter({("DynamoDB", "GetItem"): 1, ("DynamoDB", "TransactWriteItems"): 1}),  # acts (its events in the outbox)
        Counter({("DynamoDB", "GetItem"): 1}),  # the same step again (a retry): done, nothing to do
    ):
        with count_aws_calls() as calls:
            timer_step(step, LambdaContext("timer-step"))
        assert calls == expected
    with count_aws_calls() as calls:
        assert timer_step({**step, "token": "0" * 32}, LambdaContext("timer-step")) == {"timerCurrent": False}
    assert calls == Counter({("DynamoDB", "GetItem"): 1})

    local_aws.call("POST", f"/cases/{number}/updates", body={"text": "Logs attached."})
    stop = local_aws.timer_events()
    with count_aws_calls() as calls:
        local_aws.run_timer_events(stop)
    assert calls == Counter({("SFN", "StopExecution"): 1})


def test_the_callers_account_is_read_once_per_account_per_60_seconds_per_container(local_aws, directory_clock):
    """The directory's word on a customer caller (disabled? MAC-authorized?) costs one GetItem of their
    account the first time in a container and again once that read is 60 s old; staff make none."""
    number = local_aws.call("POST", "/cases", user="engineer", body=FOR_ALICE).body["caseNumber"]
    get_case = ("GET", f"/cases/{number}")
    calls, _, reads = counted_with_directory(local_aws, *get_case, status=200)  # cold: the container's first
    assert (calls, reads) == (Counter({GET_ITEM: 1}), Counter({"acme": 1}))
    for user, seconds in (("customer", 0), ("colleague", 30), ("customer_mac", 59)):  # the same account, warm
        directory_clock.moment = T + timedelta(seconds=seconds)
        calls, _, reads = counted_with_directory(local_aws, *get_case, user=user, status=200)
        assert (calls, reads) == (Counter({GET_ITEM: 1}), Counter()), user
    with count_aws_calls() as total:  # the request as botocore sees it: its own GetItem + the account's
        directory_clock.moment = T + timedelta(seconds=60)
        assert local_aws.call(*get_case).status == 200
    assert total == Counter({GET_ITEM: 2})
    calls, _, reads = counted_with_directory(local_aws, "GET", "/cases", user="other_customer", status=200)
    assert (calls, reads) == (Counter({("DynamoDB", "Query"): 1}), Counter({"globex": 1}))  # another account: its own
    # In this process the three API Lambdas share one environment, so one cache; in AWS each container has its own.
    for api, path in (("files", f"/cases/{number}/files"), ("directory", "/accounts/acme")):
        _, _, reads = counted_with_directory(local_aws, "GET", path, api=api, status=200)
        assert reads == Counter(), api
    _, _, reads = counted_with_directory(local_aws, *get_case, user="engineer", status=200)
    assert reads == Counter()
