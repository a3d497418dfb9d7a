"""Counting AWS API calls per (service, operation), for the bench and for tests that assert call budgets.

The hook sits in botocore's BUILTIN_HANDLERS, the list every new botocore session registers (moto's own
stubber is installed the same way). That reaches clients of every session: boto3's default one and
the functions' own botocore session (functions/shared/dal/aws.py). A client copies its session's handlers when it is
created, so import this module before any client exists (the tests import it at collection time).
`before-call` fires once per API call, before retries and before moto answers.

The caller directory's reads (the GetItem of a customer caller's account contacts, at most once per account
per staleness period per container: functions/shared/caller_directory.py) are GetItems like any other to
botocore; `count_caller_directory_reads` tells them apart, by account.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

from botocore.handlers import BUILTIN_HANDLERS

if TYPE_CHECKING:  # imported when used: this module must load before anything that could make a client
    from functions.shared.caller_directory import ContactsReader
    from functions.shared.dal.directory import ContactEntry

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


class _CountingReader:
    def __init__(self, reader: ContactsReader, reads: Counter) -> None:
        self.reader, self.reads = reader, reads

    def account_contacts(self, account_id: str) -> Mapping[str, ContactEntry] | None:
        self.reads[account_id] += 1
        return self.reader.account_contacts(account_id)


@contextmanager
def count_caller_directory_reads() -> Iterator[Counter]:
    """Counts, by account id, the reads the caller directory of this environment makes inside the block
    (each is one DynamoDB GetItem, also counted by `count_aws_calls`)."""
    from functions.shared.caller_directory import caller_directory

    reads: Counter = Counter()
    directory = caller_directory()
    original = directory.reader
    directory.reader = _CountingReader(original, reads)
    try:
        yield reads
    finally:
        directory.reader = original
