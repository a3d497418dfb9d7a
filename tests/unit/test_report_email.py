"""The report's email: a subject with the numbers; an HTML body mail clients show whole (bars of table cells, no
images, under Gmail's clipping size, everything from outside escaped) and a plain text with the same content; the
open list first, each table capped at 50 cases with the rest in the attached CSV; MIME that parses back into text,
HTML and the CSV, with one-click unsubscribe headers; the double opt-in confirmation."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import date, timedelta
from typing import Any

import pytest

from functions.reports.logic.report_csv import report_csv
from functions.reports.logic.report_email import CSV_ATTACHED_AT_MOST, confirmation_message, report_message, report_subject
from functions.reports.logic.report_email_layout import BAR_MAX_PX, CLOSED_BAR, OPENED_BAR, Delivery, report_html, report_text
from functions.reports.models.report import CaseReport, ChartBar, FirstResponses, PeriodCounts, ReportCase
from tests.unit.test_report_csv import CLOSED_AT, case, report

SENDER = "Dedicated Support Services <reports@support.example>"
ALICE = "alice@acme.example"
PORTAL = "https://support.example/"
UNSUBSCRIBE = "https://support.example/reports/unsubscribe?token=eyJzIjoic3ViLTEiLCJlIjoiYWxpY2VAYWNtZS5leGFtcGxlIn0.sig"
DELIVERY = Delivery(recipient=ALICE, portal_url=PORTAL, unsubscribe_url=UNSUBSCRIBE, csv_attached=True)
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


def closed_case(number: str, **fields: Any) -> ReportCase:
    values: dict[str, Any] = {
        "status": "Closed",
        "sub_status": "Resolved",
        "closed_at": CLOSED_AT,
        "hours_to_close": 52.6,
        "next_automated_action": None,
    }
    return case(number, **(values | fields))


def weekly(open_count: int = 3, opened_count: int = 2, closed_count: int = 2, **fields: Any) -> CaseReport:
    """A week with a history: the previous week's counts, first responses, a median and the chart."""
    built = report(
        open_at_end=[
            case(f"{index:010d}", age_business_days=index % 9, owner_id=None if index % 2 else "u-erin")
            for index in range(1, open_count + 1)
        ],
        opened=[case(f"{100 + index:010d}", subject=f"Opened case {index}") for index in range(opened_count)],
        closed=[closed_case(f"{200 + index:010d}", subject=f"Closed case {index}") for index in range(closed_count)],
        **fields,
    )
    built.summary.previous = PeriodCounts(opened=opened_count - 2, closed=closed_count + 1, open_at_end=open_count)
    built.summary.first_responses = FirstResponses(measured=7, within_target=6, share=0.8571)
    built.summary.median_hours_to_close = 52.6
    built.chart = [
        ChartBar(label=f"{(date(2026, 10, 12) + timedelta(days=7 * week)):%b} {(date(2026, 10, 12) + timedelta(days=7 * week)).day}",
                 first_day=date(2026, 10, 12) + timedelta(days=7 * week), opened=week, closed=8 - week)
        for week in range(8)
    ]  # fmt: skip
    return built


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def message(built: CaseReport | None = None, **overrides: Any) -> bytes:
    built = built or weekly()
    arguments = {
        "sender": SENDER,
        "recipient": ALICE,
        "portal_url": PORTAL,
        "unsubscribe_url": UNSUBSCRIBE,
        "csv_bytes": report_csv(built),
    } | overrides
    return report_message(built, **arguments)


def test_the_subject_states_the_numbers() -> None:
    assert report_subject(weekly(12, 7, 5)) == "Acme Corp — case report, week of Nov 30–Dec 6, 2026: 7 opened, 5 closed, 12 open"
    assert report_subject(weekly(account_name="Acme\r\nBcc: someone@else.example")).startswith(
        "Acme Bcc: someone@else.example — case report"
    )


def test_the_summary_with_changes_first_responses_and_the_median() -> None:
    built = weekly(12, 7, 5)
    text, page = report_text(built, DELIVERY), report_html(built, DELIVERY)
    assert "- Opened: 7 (+2 vs previous)" in text
    assert "- Closed: 5 (-1 vs previous)" in text
    assert "- Open at the end: 12 (same as previous)" in text
    assert "First responses within target: 86% (6 of 7)" in text
    assert "Median time to close: 2.2 days" in text
    for words in ("+2 vs previous", "-1 vs previous", "same as previous", "86% (6 of 7)", "2.2 days"):
        assert words in page


def test_a_first_report_has_no_changes_and_says_what_was_not_measured() -> None:
    built = report(opened=[case()])
    text = report_text(built, DELIVERY)
    assert "- Opened: 1\n" in text and "vs previous" not in text
    assert "First responses within target: no first response was due" in text
    assert "Median time to close: none closed" in text


def test_the_chart_is_table_bars_with_the_numbers_as_text_and_a_caption() -> None:
    page = report_html(weekly(), DELIVERY)
    assert "<img" not in page and "<svg" not in page.lower() and "url(" not in page
    # The largest count (8) is the longest bar; each bar is a coloured cell, its count written next to it.
    assert f'<td width="{BAR_MAX_PX}" height="14" bgcolor="{CLOSED_BAR}"' in page
    assert f'<td width="158" height="14" bgcolor="{OPENED_BAR}"' in page  # 7 of 8: 157.5 px, rounded
    assert page.count(f'height="14" bgcolor="{OPENED_BAR}"') == 7  # the week with none opened has no bar, only its "0"
    assert (
        "<caption" in page
        and "Cases opened and closed per period, from Oct 12 to this period (Nov 30): 28 opened and 36 closed in all." in page
    )
    assert '<th scope="row" align="left" style="font-weight:bold;">Nov 30</th>' in page
    text = report_text(weekly(), DELIVERY)
    assert "- Oct 12: 0 opened, 8 closed" in text and "- Nov 30: 7 opened, 1 closed" in text


def test_the_open_list_comes_first_then_opened_then_closed() -> None:
    built = weekly(3, 2, 2)
    for body in (report_html(built, DELIVERY), report_text(built, DELIVERY)):
        open_at = body.index("Open at the end of the period (3)")
        opened_at = body.index("Opened in the period (2)")
        closed_at = body.index("Closed in the period (2)")
        assert open_at < opened_at < closed_at
        assert open_at < body.index("0000000001") < opened_at < body.index("0000000100") < closed_at < body.index("0000000200")


def test_each_sections_columns() -> None:
    built = weekly(2, 1, 1)
    page = report_html(built, DELIVERY)
    for header in (
        "Priority",
        "Status",
        "Age (business days)",
        "Owner",
        "Next automated action",
        "Type",
        "Opened at",
        "Sub status",
        "Time to close",
    ):
        assert f'<th scope="col" align="left">{header}</th>' in page
    assert "unassigned" in page and "u-erin" in page
    assert "Reminder 1: the contact is emailed what is still asked of them, due Dec 8, 2026 09:00 ET" in page
    assert "Dec 1, 2026 09:30 ET" in page  # opened at, US Eastern
    assert "Dec 3, 2026 14:05 ET" in page and "2.2 days" in page  # closed at, time to close
    assert f'<a href="{PORTAL}cases/0000000001"' in page
    text = report_text(built, DELIVERY)
    assert "Sub status: Resolved; Closed at: Dec 3, 2026 14:05 ET; Time to close: 2.2 days" in text


def test_at_most_50_cases_per_table_and_the_rest_in_the_csv() -> None:
    built = weekly(73, 50, 51)
    page, text = report_html(built, DELIVERY), report_text(built, DELIVERY)
    open_table = page[page.index("Open at the end of the period (73)") : page.index("Opened in the period")]
    assert open_table.count('<th scope="row"') == 50
    assert "0000000050" in open_table and "0000000051" not in open_table
    assert "and 23 more in the attached CSV" in page and "and 23 more in the attached CSV" in text
    assert "and 1 more in the attached CSV" in page and "and 1 more in the attached CSV" in text
    opened_table = page[page.index("Opened in the period (50)") : page.index("Closed in the period")]
    assert opened_table.count('<th scope="row"') == 50 and "more in the attached CSV" not in opened_table
    assert sum(line.startswith("- 00000") for line in text.splitlines()) == 150


def test_everything_from_outside_is_escaped() -> None:
    built = weekly(1, 0, 0, account_name="Acme <b>Corp</b>")
    built.open_at_end = [case(subject=HOSTILE, owner_id='u-"erin"', sub_status="<i>x</i>")]
    page = report_html(
        built, Delivery(recipient="a&b@acme.example", portal_url=PORTAL, unsubscribe_url=UNSUBSCRIBE + '"><x', csv_attached=True)
    )
    assert "<script>" not in page and "<b>" not in page and "<i>" not in page and '"><x' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "Acme &lt;b&gt;Corp&lt;/b&gt; case report" in page
    assert "u-&quot;erin&quot;" in page and "a&amp;b@acme.example" in page


def test_long_subjects_are_shortened_in_the_body_and_whole_in_the_csv() -> None:
    subject = "Disk " * 60
    built = report(opened=[case(subject=subject)])
    assert "Disk Disk" in report_text(built, DELIVERY) and subject.strip() not in report_text(built, DELIVERY)
    assert "…" in report_html(built, DELIVERY)
    assert subject.strip() in report_csv(built).decode("utf-8-sig")


def test_gmail_shows_it_whole_at_the_largest() -> None:
    # 50 cases in each table with the longest subjects, ampersands and all: under Gmail's ~102 KB clipping.
    subject = ("Agents & printers <fail> after the update " * 10)[:255]
    built = weekly(80, 80, 80)
    built.open_at_end = [case(f"{index:010d}", subject=subject, age_business_days=40) for index in range(80)]
    built.opened = [case(f"{index:010d}", subject=subject) for index in range(80)]
    built.closed = [closed_case(f"{index:010d}", subject=subject) for index in range(80)]
    assert len(report_html(built, DELIVERY).encode()) < 95_000
    page = parse(message(built)).get_body(preferencelist=("html",))
    assert page is not None and len(page.get_payload()) < 100_000  # and as sent, quoted-printable


def test_links_times_footer_and_accessibility() -> None:
    page, text = report_html(weekly(), DELIVERY), report_text(weekly(), DELIVERY)
    link = "https://support.example/reports?account=acme&period=weekly&periodStart=2026-11-30"
    assert f"View the report in the portal: {link}" in text
    assert f'href="{link.replace("&", "&amp;")}"' in page
    footer = f"You receive this because {ALICE} is on the Acme Corp case report subscription."
    assert footer in text and footer in page
    assert f"Unsubscribe from this report: {UNSUBSCRIBE}" in text and f'<a href="{UNSUBSCRIBE}"' in page
    assert "Week of Nov 30–Dec 6, 2026 · generated Dec 7, 2026 06:00 ET" in text
    assert '<html lang="en"' in page
    tables = re.findall(r"<table[^>]*>", page)
    data_tables = [tag for tag in tables if 'role="presentation"' not in tag]
    assert len(data_tables) == 4  # the chart and the three sections
    assert all(re.search(r'scope="(col|row)"', tag) for tag in re.findall(r"<th\b[^>]*>", page))


def test_a_range_of_dates_has_no_chart_and_links_its_days() -> None:
    built = report(opened=[case()], cadence=None)
    built.chart = []
    page = report_html(built, DELIVERY)
    assert "Opened and closed per period" not in page and "<caption" not in page
    assert "reports?account=acme&amp;periodStart=2026-11-30&amp;periodEnd=2026-12-06" in page


def test_an_empty_period_still_renders() -> None:
    built = report()
    built.chart = []
    page, text = report_html(built, DELIVERY), report_text(built, DELIVERY)
    for body in (page, text):
        assert "No case was opened, closed or open in this period." in body
        assert "Open at the end of the period" not in body
        assert "Opened: 0" in body or ">0<" in body
        assert "You receive this because" in body
    assert report_subject(built) == "Acme Corp — case report, week of Nov 30–Dec 6, 2026: 0 opened, 0 closed, 0 open"
    parsed = parse(message(built))
    assert [part.get_filename() for part in parsed.iter_attachments()] == ["case-report-acme-corp-2026-11-30-weekly.csv"]


def test_an_empty_section_says_so() -> None:
    text = report_text(report(opened=[case()]), DELIVERY)
    assert "Open at the end of the period (0)\nNo case was open at the end of the period." in text
    assert "Closed in the period (0)\nNo case was closed in the period." in text


def test_the_mime_parses_back_into_text_html_and_the_csv() -> None:
    built = weekly(3, 2, 2, account_name="Acme Corp")
    data = report_csv(built)
    parsed = parse(message(built, csv_bytes=data))
    assert parsed.get_content_type() == "multipart/mixed"
    assert parsed["From"] == SENDER and parsed["To"] == ALICE
    assert parsed["Subject"] == report_subject(built)
    body = parsed.get_body(preferencelist=("plain",))
    page = parsed.get_body(preferencelist=("html",))
    assert body is not None and page is not None
    assert body.get_content().replace("\r\n", "\n") == report_text(built, DELIVERY)
    assert '<html lang="en"' in page.get_content()
    attachments = list(parsed.iter_attachments())
    assert len(attachments) == 1
    (attachment,) = attachments
    assert attachment.get_content_type() == "text/csv"
    assert attachment.get_param("charset") == "utf-8"
    assert attachment.get_filename() == "case-report-acme-corp-2026-11-30-weekly.csv"
    assert attachment.get_payload(decode=True) == data  # byte for byte: the BOM and the CRLFs survive


def test_one_click_unsubscribe_headers() -> None:
    long_link = UNSUBSCRIBE + "x" * 300  # longer than a folded line: written whole, not as encoded words
    raw = message(unsubscribe_url=long_link)
    parsed = parse(raw)
    assert parsed["List-Unsubscribe"] == f"<{long_link}>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"List-Unsubscribe: <{long_link}>\r\n".encode() in raw


@pytest.mark.parametrize("link", ["https://support.example/u?t=1\r\nBcc: x@evil.example", "https://support.example/u?t=a b", "https://x/>"])
def test_an_unsubscribe_link_that_would_break_the_header_is_refused(link: str) -> None:
    with pytest.raises(ValueError, match="unsubscribe link"):
        message(unsubscribe_url=link)


def test_a_csv_too_large_to_attach_is_left_to_the_portal() -> None:
    built = weekly(60, 0, 0)
    parsed = parse(message(built, csv_bytes=b"x" * (CSV_ATTACHED_AT_MOST + 1)))
    assert list(parsed.iter_attachments()) == []
    text = parsed.get_body(preferencelist=("plain",))
    assert text is not None
    assert "and 10 more on the report's page in the portal (the CSV was too large to attach)" in text.get_content()


def test_the_confirmation_email() -> None:
    raw = confirmation_message(
        account_name="Acme Corp",
        cadence_label="weekly",
        sender=SENDER,
        recipient="bob@partner.example",
        confirm_url="https://support.example/reports/confirm?token=abc&x=1",
        requested_by_name="Alice <Admin>",
    )
    parsed = parse(raw)
    assert parsed["To"] == "bob@partner.example" and parsed["From"] == SENDER
    assert parsed["Subject"] == "Confirm to receive Acme Corp's weekly case report"
    assert parsed["List-Unsubscribe"] is None
    assert list(parsed.iter_attachments()) == []
    text = parsed.get_body(preferencelist=("plain",))
    page = parsed.get_body(preferencelist=("html",))
    assert text is not None and page is not None
    words = text.get_content()
    assert "Alice <Admin> asked to send Acme Corp's weekly case report to this address." in words
    assert "Confirm to receive it: https://support.example/reports/confirm?token=abc&x=1" in words
    assert "If you did not expect this, ignore this email; nothing will be sent." in words
    html = page.get_content()
    assert "Alice &lt;Admin&gt; asked to send Acme Corp&#x27;s weekly case report to this address." in html
    assert 'href="https://support.example/reports/confirm?token=abc&amp;x=1"' in html
    assert "If you did not expect this, ignore this email; nothing will be sent." in html
