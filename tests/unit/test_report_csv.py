"""The report's CSV: what Excel opens correctly (UTF-8 with a BOM, CRLF, RFC 4180 quoting), every case of every
section (no cap), case numbers as text with their zeros, times in US Eastern, and no cell a spreadsheet would run
as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest

from functions.reports.logic.report_csv import HEADER, csv_file_name, report_csv
from functions.reports.models.report import (
    CaseReport,
    ChartBar,
    FirstResponses,
    PeriodCounts,
    ReportCase,
    ReportPeriod,
    ReportSummary,
)

OPENED_AT = datetime(2026, 12, 1, 14, 30, tzinfo=UTC)  # Tuesday 09:30 US Eastern (EST)
CLOSED_AT = datetime(2026, 12, 3, 19, 5, tzinfo=UTC)


def case(number: str = "0002068177", subject: str = "Agents cannot log in after the Windows update", **fields: Any) -> ReportCase:
    values: dict[str, Any] = {
        "case_number": number,
        "subject": subject,
        "case_type": "Support",
        "priority": "3-Medium",
        "status": "Open",
        "sub_status": "Investigation",
        "contact_id": "c-alice",
        "owner_id": "u-erin",
        "created_at": OPENED_AT,
        "first_response_at": datetime(2026, 12, 1, 15, 10, tzinfo=UTC),
        "response_due_at": datetime(2026, 12, 1, 22, 30, tzinfo=UTC),
        "next_automated_action": {
            "action": "reminder1",
            "description": "Reminder 1: the contact is emailed what is still asked of them",
            "due_at": "2026-12-08T14:00:00.000Z",
            "rule": "3 business days after the request",
        },
    }
    return ReportCase(**(values | fields))


def report(
    open_at_end: Sequence[ReportCase] = (),
    opened: Sequence[ReportCase] = (),
    closed: Sequence[ReportCase] = (),
    *,
    account_name: str = "Acme Corp",
    cadence: str | None = "weekly",
) -> CaseReport:
    return CaseReport(
        account_id="acme",
        account_name=account_name,
        period=ReportPeriod(
            cadence=cadence,
            start=datetime(2026, 11, 30, 5, tzinfo=UTC),
            end=datetime(2026, 12, 7, 5, tzinfo=UTC),
            first_day=date(2026, 11, 30),
            last_day=date(2026, 12, 6),
            label="week of Nov 30–Dec 6, 2026",
        ),
        generated_at=datetime(2026, 12, 7, 11, tzinfo=UTC),
        summary=ReportSummary(
            counts=PeriodCounts(opened=len(opened), closed=len(closed), open_at_end=len(open_at_end)),
            previous=None,
            first_responses=FirstResponses(measured=0, within_target=0, share=None),
            median_hours_to_close=None,
        ),
        chart=[ChartBar(label="Nov 30", first_day=date(2026, 11, 30), opened=len(opened), closed=len(closed))],
        open_at_end=list(open_at_end),
        opened=list(opened),
        closed=list(closed),
    )


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_excel_reads_it_as_utf8_with_crlf_line_ends() -> None:
    data = report_csv(report(opened=[case(subject="Café déjà vu — ünïcödé")]))
    assert data.startswith(b"\xef\xbb\xbf")
    body = data[3:]
    assert body.count(b"\r\n") == 2 and b"\n" not in body.replace(b"\r\n", b"")
    assert "Café déjà vu — ünïcödé" in data.decode("utf-8-sig")


def test_header_and_one_row_per_case_and_section() -> None:
    both = case("0000000042", status="Closed", sub_status="Resolved", closed_at=CLOSED_AT, hours_to_close=52.6, next_automated_action=None)
    still_open = case("0000000007", age_business_days=4)
    parsed = rows(report_csv(report(open_at_end=[still_open], opened=[both, still_open], closed=[both])))
    assert parsed[0] == HEADER
    assert [(row[0], row[1]) for row in parsed[1:]] == [
        ("open at end", "0000000007"),
        ("opened", "0000000042"),
        ("opened", "0000000007"),
        ("closed", "0000000042"),
    ]
    closed_row = dict(zip(HEADER, parsed[4], strict=True))
    assert closed_row["subject"] == "Agents cannot log in after the Windows update"
    assert closed_row["status"] == "Closed" and closed_row["sub status"] == "Resolved"
    assert closed_row["opened at (ET)"] == "2026-12-01 09:30"
    assert closed_row["closed at (ET)"] == "2026-12-03 14:05"
    assert closed_row["hours to close"] == "52.6"
    assert closed_row["age (business days)"] == ""
    assert closed_row["next automated action"] == ""
    open_row = dict(zip(HEADER, parsed[1], strict=True))
    assert open_row["age (business days)"] == "4"
    assert open_row["first response at (ET)"] == "2026-12-01 10:10"
    assert open_row["response due at (ET)"] == "2026-12-01 17:30"
    assert open_row["owner"] == "u-erin" and open_row["contact"] == "c-alice"
    assert open_row["next automated action"] == "Reminder 1: the contact is emailed what is still asked of them (due 2026-12-08 09:00 ET)"


def test_case_numbers_stay_quoted_text_with_their_zeros() -> None:
    data = report_csv(report(opened=[case("0002068177", age_business_days=3)]))
    text = data.decode("utf-8-sig")
    assert '"0002068177"' in text
    # Numbers are left unquoted, so a reader told QUOTE_NONNUMERIC gets them back as numbers and the rest as text.
    typed = list(csv.reader(io.StringIO(text, newline=""), quoting=csv.QUOTE_NONNUMERIC))
    assert typed[1][1] == "0002068177"
    age: object = typed[1][HEADER.index("age (business days)")]
    assert age == 3.0


@pytest.mark.parametrize(
    "subject",
    ['=HYPERLINK("https://evil.example","Click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\tindented", "\rreturn"],
)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(subject: str) -> None:
    parsed = rows(report_csv(report(opened=[case(subject=subject, owner_id="=owner", contact_id="@contact")])))
    row = dict(zip(HEADER, parsed[1], strict=True))
    assert row["subject"] == "'" + subject
    assert row["owner"] == "'=owner" and row["contact"] == "'@contact"


def test_ordinary_text_is_left_alone() -> None:
    parsed = rows(report_csv(report(opened=[case(subject='Printer says "PC LOAD LETTER", again; 50% of jobs fail')])))
    assert parsed[1][2] == 'Printer says "PC LOAD LETTER", again; 50% of jobs fail'


def test_every_case_is_in_it_and_text_round_trips() -> None:
    many = [case(f"{index:010d}", subject=f"Subject {index}\nsecond line, with a comma") for index in range(1, 131)]
    parsed = rows(report_csv(report(open_at_end=many, opened=many[:70], closed=[])))
    assert len(parsed) == 1 + 130 + 70
    assert parsed[1][1] == "0000000001" and parsed[130][1] == "0000000130"
    assert parsed[5][2] == "Subject 5\nsecond line, with a comma"
    assert all(len(row) == len(HEADER) for row in parsed)


def test_an_empty_period_has_the_header_only() -> None:
    assert rows(report_csv(report())) == [HEADER]


def test_file_name() -> None:
    assert csv_file_name(report()) == "case-report-acme-corp-2026-11-30-weekly.csv"
    assert (
        csv_file_name(report(account_name="Ünïcode & Sons, Ltd.", cadence="monthly"))
        == "case-report-unicode-sons-ltd-2026-11-30-monthly.csv"
    )
    assert csv_file_name(report(account_name="株式会社", cadence=None)) == "case-report-acme-2026-11-30-2026-12-06.csv"
