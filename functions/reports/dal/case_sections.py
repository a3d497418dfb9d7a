"""A report's sections, read from the indexes the cases domain keeps on its case items (functions/shared/dal/case_view.py
names them; docs/architecture.md, "Case reports"): one Query a page, each ranged by the period, so a report reads the
account's cases of the period (and, for "open at the end", its cases open now and closed since the end), never the
table's. Read with botocore's Query, like the purge's index (pynamodb would add its cold start for a few Queries)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.attributes import MapAttribute, UnicodeAttribute
from pynamodb.models import Model

from functions.reports.models.records import CaseRow, ReadCount
from functions.shared.clock import to_iso
from functions.shared.dal.attributes import TimestampAttribute
from functions.shared.dal.aws import client
from functions.shared.dal.case_view import (
    ACCOUNT_PHASE_INDEX_NAME,
    CLOSED_INDEX_NAME,
    NON_CLOSED_PHASE,
    OPENED_INDEX_NAME,
    REPORT_ACCOUNT_ATTRIBUTE,
    REPORT_CLOSED_AT_ATTRIBUTE,
)
from functions.shared.dal.table import TableMeta
from functions.shared.errors import ServiceUnavailable
from functions.shared.observability import logger

# Every stored timestamp has milliseconds, so a bound compares with them as its first millisecond at or after it does
# (`_stored`), and "before the end" is "at most that less one millisecond" (a key condition has one comparison or
# BETWEEN, which includes both bounds).
_LAST_MOMENT = timedelta(milliseconds=1)


class CaseSections:
    def __init__(self, table_name: str):
        self.table_name = table_name

    def opened(self, account_id: str, start: datetime, end: datetime, reads: ReadCount) -> list[CaseRow]:
        return self._rows(
            "opened",
            reads,
            IndexName=OPENED_INDEX_NAME,
            KeyConditionExpression="#account = :account AND created_at BETWEEN :start AND :last",
            ExpressionAttributeNames={"#account": REPORT_ACCOUNT_ATTRIBUTE},
            ExpressionAttributeValues={":account": {"S": account_id}, **_range(start, end)},
        )

    def closed(self, account_id: str, start: datetime, end: datetime, reads: ReadCount) -> list[CaseRow]:
        return self._rows(
            "closed",
            reads,
            IndexName=CLOSED_INDEX_NAME,
            KeyConditionExpression="#account = :account AND #closed BETWEEN :start AND :last",
            ExpressionAttributeNames={"#account": REPORT_ACCOUNT_ATTRIBUTE, "#closed": REPORT_CLOSED_AT_ATTRIBUTE},
            ExpressionAttributeValues={":account": {"S": account_id}, **_range(start, end)},
        )

    def open_at(self, account_id: str, end: datetime, reads: ReadCount) -> list[CaseRow]:
        """Created before `end` and not closed before it: open now, or closed at or after `end`."""
        created_before = {":end": {"S": to_iso(_stored(end))}}
        open_now = self._rows(
            "open now",
            reads,
            IndexName=ACCOUNT_PHASE_INDEX_NAME,
            KeyConditionExpression="account_phase = :phase",
            FilterExpression="created_at < :end",
            ExpressionAttributeValues={":phase": {"S": f"{account_id}#{NON_CLOSED_PHASE}"}, **created_before},
        )
        closed_since = self._rows(
            "closed since the end",
            reads,
            IndexName=CLOSED_INDEX_NAME,
            KeyConditionExpression="#account = :account AND #closed >= :end",
            FilterExpression="created_at < :end",
            ExpressionAttributeNames={"#account": REPORT_ACCOUNT_ATTRIBUTE, "#closed": REPORT_CLOSED_AT_ATTRIBUTE},
            ExpressionAttributeValues={":account": {"S": account_id}, **created_before},
        )
        return sorted([*open_now, *closed_since], key=lambda row: (row.created_at, row.case_number))

    def _rows(self, section: str, reads: ReadCount, **query: Any) -> list[CaseRow]:
        return [_row(item) for item in self._items(section, reads, query)]

    def _items(self, section: str, reads: ReadCount, query: dict[str, Any]) -> Iterator[dict[str, Any]]:
        paginator = client("dynamodb").get_paginator("query")
        try:
            for page in paginator.paginate(TableName=self.table_name, **query):
                reads.queries += 1
                reads.items += page["ScannedCount"]
                reads.by_section[section] = reads.by_section.get(section, 0) + page["ScannedCount"]
                yield from page["Items"]
        except (BotoCoreError, ClientError) as error:
            logger.exception("report section not readable", extra={"section": section})
            raise ServiceUnavailable("The case store is busy; retry the report in a few seconds.") from error


def _range(start: datetime, end: datetime) -> dict[str, dict[str, str]]:
    return {":start": {"S": to_iso(_stored(start))}, ":last": {"S": to_iso(_stored(end) - _LAST_MOMENT)}}


def _stored(bound: datetime) -> datetime:
    """The first whole millisecond at or after `bound` (itself for a report's bounds, Eastern midnights): a stored
    instant is at or after it, or before it, exactly as it is at or after `bound`, or before it. `to_iso` alone
    would cut a bound between two milliseconds down to the earlier one."""
    return bound + timedelta(microseconds=-bound.microsecond % 1000)


class ReportRowItem(Model):
    """A case as the report indexes project it (functions/cases/dal/tables.py REPORT_PROJECTION); only read, from a
    Query's raw items."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    case_number = UnicodeAttribute()
    subject = UnicodeAttribute(default="")
    case_type = UnicodeAttribute(default="")
    priority = UnicodeAttribute(default="")
    status = UnicodeAttribute(default="")
    sub_status = UnicodeAttribute(null=True)
    contact_id = UnicodeAttribute(default="")
    owner_id = UnicodeAttribute(null=True)
    created_at = TimestampAttribute()
    report_closed_at = TimestampAttribute(null=True)
    first_response_at = TimestampAttribute(null=True)
    response_due_at = TimestampAttribute(null=True)
    next_automated_action: MapAttribute[str, Any] = MapAttribute(null=True)


def _row(raw: dict[str, Any]) -> CaseRow:
    item = ReportRowItem.from_raw_data(raw)
    return CaseRow(
        case_number=item.case_number,
        subject=item.subject,
        case_type=item.case_type,
        priority=item.priority,
        status=item.status,
        sub_status=item.sub_status or None,
        contact_id=item.contact_id,
        owner_id=item.owner_id,
        created_at=item.created_at,
        closed_at=item.report_closed_at,
        first_response_at=item.first_response_at,
        response_due_at=item.response_due_at,
        next_automated_action=item.next_automated_action.as_dict() if item.next_automated_action else None,
    )
