"""A read model of the purge index the cases domain maintains on its case items (functions/cases/dal/tables.py,
GSI `purge-due`): only closed cases whose files are not purged yet have its keys, sorted by when their files
are due. Read with botocore's Query (pynamodb would add ~120 ms of cold start for one Query a page)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from botocore.exceptions import BotoCoreError, ClientError

from functions.purge.models.purge import DueCase, StorageUnavailable
from functions.shared.clock import from_iso, to_iso
from functions.shared.dal.aws import client
from functions.shared.dal.case_view import (
    PURGE_CLOSED_AT_ATTRIBUTE,
    PURGE_DUE_ATTRIBUTE,
    PURGE_INDEX_NAME,
    PURGE_QUEUE,
    PURGE_QUEUE_ATTRIBUTE,
)
from functions.shared.observability import logger

PAGE_SIZE = 100  # due cases per Query: a page is handled (objects deleted, events sent) before the next is read


class PurgeIndex:
    def __init__(self, table_name: str):
        self.table_name = table_name

    def due_pages(self, now: datetime) -> Iterator[list[DueCase]]:
        """The cases due before `now`, oldest due first, one Query per page, read only as the caller asks
        for the next page. Strictly before: a case at exactly 30 days may still be reopened."""
        paginator = client("dynamodb").get_paginator("query")
        pages = paginator.paginate(
            TableName=self.table_name,
            IndexName=PURGE_INDEX_NAME,
            KeyConditionExpression="#queue = :queue AND #due < :now",
            ExpressionAttributeNames={"#queue": PURGE_QUEUE_ATTRIBUTE, "#due": PURGE_DUE_ATTRIBUTE},
            ExpressionAttributeValues={":queue": {"S": PURGE_QUEUE}, ":now": {"S": to_iso(now)}},
            PaginationConfig={"PageSize": PAGE_SIZE},
        )
        try:
            for page in pages:
                yield [_due_case(item) for item in page["Items"]]
        except (BotoCoreError, ClientError) as error:
            logger.exception("purge index not readable")
            raise StorageUnavailable("The purge index could not be read.") from error


def _due_case(item: dict) -> DueCase:
    return DueCase(
        case_number=item["case_number"]["S"],
        account_id=item["account_id"]["S"],
        closed_at=from_iso(item[PURGE_CLOSED_AT_ATTRIBUTE]["S"]),
    )
