"""Counting AWS API calls per (service, operation), for the bench and for tests that assert call budgets.

The hook sits in botocore's BUILTIN_HANDLERS, the list every new botocore session registers (moto's own
stubber is installed the same way). That reaches clients of every session: boto3's default one and
the functions' own botocore session (functions/shared/dal/aws.py). A client copies its session's handlers when it is
created, so import this module before any client exists (the tests import it at collection time).
`before-call` fires once per API call, before retries and before moto answers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from botocore.handlers import BUILTIN_HANDLERS

_active: list[Counter] = []


def _count(model, **_) -> None:
    for calls in _active:
        calls[(str(model.service_model.service_id), model.name)] += 1


BUILTIN_HANDLERS.append(("before-call", _count))


@contextmanager
def count_aws_calls() -> Iterator[Counter]:
    """Counts the AWS calls made inside the block, e.g. Counter({("DynamoDB", "Query"): 1})."""
    calls: Counter = Counter()
    _active.append(calls)
    try:
        yield calls
    finally:
        _active.remove(calls)
