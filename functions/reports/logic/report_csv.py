"""The case report as a CSV (docs/architecture.md, "Case reports"): every case of the report, one row per case and
section (a case opened and closed in the period is on two rows, once in each), for the customer to sort and filter in
a spreadsheet; the email shows at most 50 cases per section and attaches this.

- RFC 4180 with CRLF line ends, written by the csv module; UTF-8 with a byte order mark, without which Excel reads
  the file as the system's code page and garbles any non-ASCII subject.
- Text cells are quoted and numbers are not (QUOTE_NONNUMERIC), so a reader can tell them apart; times are US
  Eastern wall-clock time ("2026-12-07 09:30", which spreadsheets read as a date), as the headers say.
- CSV injection (OWASP): a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a
  formula by a spreadsheet, so it is prefixed with `'`. Subjects are written by customers and staff; a report can
  be forwarded to anyone.
- Case numbers stay text with their leading zeros ("0002068177"). Excel still drops the zeros when a CSV is opened
  by double-click (it types cells itself, quoted or not); importing the file (Data > From Text/CSV) keeps them. An
  XLSX with typed text cells would be the real fix; not done.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from functions.reports.logic.periods import EASTERN
from functions.reports.models.report import CaseReport, ReportCase
from functions.shared.clock import from_iso

SECTION_OPEN = "open at end"
SECTION_OPENED = "opened"
SECTION_CLOSED = "closed"
HEADER = [
    "section",
    "case number",
    "subject",
    "type",
    "priority",
    "status",
    "sub status",
    "contact",
    "owner",
    "opened at (ET)",
    "closed at (ET)",
    "age (business days)",
    "hours to close",
    "first response at (ET)",
    "response due at (ET)",
    "next automated action",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def report_csv(report: CaseReport) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(HEADER)
    writer.writerows(_rows(report))
    return buffer.getvalue().encode("utf-8-sig")


def csv_file_name(report: CaseReport) -> str:
    """`case-report-acme-2026-11-30-weekly.csv`; a range of dates asked for ends with its last day instead."""
    name = _slug(report.account_name) or _slug(report.account_id) or "account"
    period = report.period
    ending = period.cadence or period.last_day.isoformat()
    return f"case-report-{name}-{period.first_day.isoformat()}-{ending}.csv"


def automated_action(case: ReportCase) -> tuple[str, datetime | None] | None:
    """The case's next automated action as stored with it (the cases domain's AutomatedAction, dumped as JSON):
    what it does, and when it is due."""
    action = case.next_automated_action
    if not action:
        return None
    description = str(action.get("description") or action.get("action") or "")
    due = action.get("due_at")
    if isinstance(due, str):
        due = from_iso(due) if due else None
    return description, due if isinstance(due, datetime) else None


def _rows(report: CaseReport) -> Iterator[list[Any]]:
    for section, cases in ((SECTION_OPEN, report.open_at_end), (SECTION_OPENED, report.opened), (SECTION_CLOSED, report.closed)):
        for case in cases:
            yield _row(section, case)


def _row(section: str, case: ReportCase) -> list[Any]:
    text = [
        section,
        case.case_number,
        case.subject,
        case.case_type,
        case.priority,
        case.status,
        case.sub_status or "",
        case.contact_id,
        case.owner_id or "",
        _time(case.created_at),
        _time(case.closed_at),
    ]
    return [
        *(_safe(cell) for cell in text),
        "" if case.age_business_days is None else case.age_business_days,
        "" if case.hours_to_close is None else case.hours_to_close,
        _time(case.first_response_at),
        _time(case.response_due_at),
        _safe(_action_text(case)),
    ]


def _action_text(case: ReportCase) -> str:
    action = automated_action(case)
    if action is None:
        return ""
    description, due = action
    return f"{description} (due {_time(due)} ET)" if due else description


def _time(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment.astimezone(EASTERN):%Y-%m-%d %H:%M}"


def _safe(cell: str) -> str:
    """A cell a spreadsheet would take for a formula, as text."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-")
