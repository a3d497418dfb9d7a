"""How the case report's email reads, twice: as plain text and as HTML built for mail clients (docs/architecture.md,
"Case reports"). The same sections in the same order in both: the summary, the chart, then the cases open at the
period's end (what the reader acts on), opened, closed.

The HTML sits in the page every domain's emails share (functions/shared/email_html.py `document`: the head, the
hidden preheader, the banner, the card; its palette and button too): tables and inline styles only, no <style> for
other clients, no images and no SVG (Gmail and Outlook block or drop them), so the chart's bars are table cells with
a background colour and a width, and each number is written next to its bar; a `lang`, a hidden preheader, dark text
on light backgrounds (WCAG AA), `role="presentation"` on layout tables, `<th scope>` and a caption on data tables.
Every text from outside (the account's name, subjects, ids, addresses, links) is HTML-escaped here.

Size: Gmail clips a message whose HTML passes about 102 KB, hiding the rest (the footer's unsubscribe link with
it), so each table shows at most 50 cases, subjects are shortened to a line, and rows carry no per-cell styles
(the tables' cellpadding, the rows' bgcolor; fonts come from the table, and from an Outlook-only style for the
Word engine, which does not inherit them). The attached CSV has every case, whole."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from functions.reports.logic.periods import EASTERN
from functions.reports.logic.report_csv import automated_action
from functions.reports.models.report import CaseReport, ChartBar, ReportCase
from functions.shared.email_html import BUTTON, FONT, MUTED, TEXT, escape, layout_table, one_line
from functions.shared.email_html import button as shared_button
from functions.shared.email_html import document as shared_document

DESK = "Dedicated Support Services"  # the desk's name, as its other emails sign
ROWS_SHOWN = 50  # cases per table in the body; the CSV has them all
SUBJECT_SHOWN = 100  # characters of a case's subject in the tables
EMPTY_PERIOD = "No case was opened, closed or open in this period."

# Colours (WCAG AA and better against their backgrounds, functions/shared/email_html.py): text #1f2937 and muted
# #4b5563 on white and on the rows' #f3f4f6. The bars (non-text, 3:1 needed): opened #0b5cad (6.6:1 on white),
# closed #b45309 (5.0:1), told apart by their column too, not by colour alone.
HEADING = f"{FONT}font-size:16px;line-height:22px;font-weight:bold;color:#111827;margin:24px 0 8px 0;"
SMALL = f"{FONT}font-size:13px;line-height:18px;color:#1f2937;"
HEADER_ROW, STRIPE = "#e5e7eb", "#f3f4f6"
STRIPED = f' bgcolor="{STRIPE}"'  # every other row of a data table
OPENED_BAR, CLOSED_BAR = "#0b5cad", "#b45309"
BAR_MAX_PX = 180
CARD_PX = 640  # wider than the other emails' card: the tables' columns


@dataclass(frozen=True)
class Delivery:
    """Who one message goes to and what it links."""

    recipient: str
    portal_url: str
    unsubscribe_url: str
    csv_attached: bool  # False: the CSV was too large to attach; the portal's report page has it


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[ReportCase], str]


@dataclass(frozen=True)
class Section:
    title: str
    empty: str  # what it says when it has no case
    cases: list[ReportCase]
    columns: list[Column]  # after the case number and the subject, which every section starts with


# --- the words, for both forms --------------------------------------------------------------------------------


def eastern(moment: datetime | None) -> str:
    """A moment as the report states times: in the desk's business hours' zone, labelled ("Dec 7, 2026 09:30 ET")."""
    if moment is None:
        return "—"
    local = moment.astimezone(EASTERN)
    return f"{local:%b} {local.day}, {local.year} {local:%H:%M} ET"


def duration(hours: float | None) -> str:
    if hours is None:
        return "—"
    return f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.1f} days"


def change(now: int, before: int | None) -> str | None:
    if before is None:
        return None
    delta = now - before
    return "same as previous" if delta == 0 else f"{delta:+d} vs previous"


def shortened(text: str, limit: int = SUBJECT_SHOWN) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def report_link(report: CaseReport, portal_url: str) -> str:
    """The portal's page of this report; a range of dates asked for (no cadence) is named by its days."""
    period = report.period
    query = {"account": report.account_id}
    if period.cadence:
        query |= {"period": period.cadence, "periodStart": period.first_day.isoformat()}
    else:
        query |= {"periodStart": period.first_day.isoformat(), "periodEnd": period.last_day.isoformat()}
    return f"{portal_url.rstrip('/')}/reports?{urlencode(query)}"


def case_link(portal_url: str, case_number: str) -> str:
    return f"{portal_url.rstrip('/')}/cases/{case_number}"


def figures(report: CaseReport) -> list[tuple[str, int, str | None]]:
    """The summary's counts: (label, count, change against the previous period or None)."""
    counts, previous = report.summary.counts, report.summary.previous
    return [
        ("Opened", counts.opened, change(counts.opened, previous.opened if previous else None)),
        ("Closed", counts.closed, change(counts.closed, previous.closed if previous else None)),
        ("Open at the end", counts.open_at_end, change(counts.open_at_end, previous.open_at_end if previous else None)),
    ]


def first_responses_line(report: CaseReport) -> str:
    responses = report.summary.first_responses
    if not responses.measured or responses.share is None:
        return "no first response was due"
    return f"{round(responses.share * 100)}% ({responses.within_target} of {responses.measured})"


def median_line(report: CaseReport) -> str:
    median = report.summary.median_hours_to_close
    return "none closed" if median is None else duration(median)


def preheader(report: CaseReport) -> str:
    counts = report.summary.counts
    return f"{counts.opened} opened, {counts.closed} closed, {counts.open_at_end} open at the end of the period."


def sections(report: CaseReport) -> list[Section]:
    return [
        Section(
            "Open at the end of the period",
            "No case was open at the end of the period.",
            report.open_at_end,
            [
                Column("Priority", lambda case: case.priority),
                Column("Status", _status),
                Column("Age (business days)", lambda case: "—" if case.age_business_days is None else str(case.age_business_days)),
                Column("Owner", lambda case: case.owner_id or "unassigned"),
                Column("Next automated action", _next_action),
            ],
        ),
        Section(
            "Opened in the period",
            "No case was opened in the period.",
            report.opened,
            [
                Column("Type", lambda case: case.case_type),
                Column("Priority", lambda case: case.priority),
                Column("Status now", _status),
                Column("Opened at", lambda case: eastern(case.created_at)),
            ],
        ),
        Section(
            "Closed in the period",
            "No case was closed in the period.",
            report.closed,
            [
                Column("Sub status", lambda case: case.sub_status or "—"),
                Column("Closed at", lambda case: eastern(case.closed_at)),
                Column("Time to close", lambda case: duration(case.hours_to_close)),
            ],
        ),
    ]


def more_line(hidden: int, delivery: Delivery) -> str:
    where = "in the attached CSV" if delivery.csv_attached else "on the report's page in the portal (the CSV was too large to attach)"
    return f"and {hidden} more {where}"


def chart_caption(chart: list[ChartBar]) -> str:
    opened, closed = sum(bar.opened for bar in chart), sum(bar.closed for bar in chart)
    return (
        f"Cases opened and closed per period, from {chart[0].label} to this period ({chart[-1].label}): "
        f"{opened} opened and {closed} closed in all."
    )


def footer_line(report: CaseReport, delivery: Delivery) -> str:
    return f"You receive this because {delivery.recipient} is on the {one_line(report.account_name)} case report subscription."


def _is_empty(report: CaseReport) -> bool:
    return not (report.open_at_end or report.opened or report.closed)


def _status(case: ReportCase) -> str:
    return f"{case.status} ({case.sub_status})" if case.sub_status else case.status


def _next_action(case: ReportCase) -> str:
    action = automated_action(case)
    if action is None:
        return "none"
    description, due = action
    return f"{description}, due {eastern(due)}" if due else description


def _title(report: CaseReport) -> str:
    return f"{one_line(report.account_name)} case report"


def _subtitle(report: CaseReport) -> str:
    return f"{sentence(report.period.label)} · generated {eastern(report.generated_at)}"


# --- plain text -----------------------------------------------------------------------------------------------


def report_text(report: CaseReport, delivery: Delivery) -> str:
    lines = [_title(report), _subtitle(report), "", "Summary"]
    for label, count, versus in figures(report):
        lines.append(f"- {label}: {count}" + (f" ({versus})" if versus else ""))
    lines += [
        f"- First responses within target: {first_responses_line(report)}",
        f"- Median time to close: {median_line(report)}",
        "",
    ]
    if report.chart:
        lines += ["Opened and closed per period", chart_caption(report.chart)]
        lines += [f"- {bar.label}: {bar.opened} opened, {bar.closed} closed" for bar in report.chart]
        lines.append("")
    if _is_empty(report):
        lines += [EMPTY_PERIOD, ""]
    else:
        for section in sections(report):
            lines += _text_section(section, delivery)
    lines += [
        f"View the report in the portal: {report_link(report, delivery.portal_url)}",
        "",
        footer_line(report, delivery),
        f"Unsubscribe from this report: {delivery.unsubscribe_url}",
        "",
        DESK,
        "",
    ]
    return "\n".join(lines)


def _text_section(section: Section, delivery: Delivery) -> list[str]:
    lines = [f"{section.title} ({len(section.cases)})"]
    if not section.cases:
        return [*lines, section.empty, ""]
    for case in section.cases[:ROWS_SHOWN]:
        lines.append(f"- {case.case_number}: {shortened(case.subject)}")
        lines.append("  " + "; ".join(f"{column.header}: {one_line(column.cell(case))}" for column in section.columns))
    if len(section.cases) > ROWS_SHOWN:
        lines.append(more_line(len(section.cases) - ROWS_SHOWN, delivery))
    return [*lines, ""]


# --- HTML -----------------------------------------------------------------------------------------------------


def report_html(report: CaseReport, delivery: Delivery) -> str:
    e = escape
    parts = [
        f'<h1 style="{FONT}font-size:21px;line-height:28px;font-weight:bold;color:#111827;margin:0 0 4px 0;">{e(_title(report))}</h1>',
        f'<p style="{MUTED}margin:0 0 8px 0;">{e(_subtitle(report))}</p>',
        _html_summary(report),
    ]
    if report.chart:
        parts.append(_html_chart(report.chart))
    if _is_empty(report):
        parts.append(f'<p style="{TEXT}margin:24px 0 0 0;">{e(EMPTY_PERIOD)}</p>')
    else:
        parts += [_html_section(section, delivery) for section in sections(report)]
    parts += [
        button(report_link(report, delivery.portal_url), "View the report in the portal"),
        f'<p style="{MUTED}margin:0 0 20px 0;">{e(footer_line(report, delivery))} '
        f'<a href="{e(delivery.unsubscribe_url)}" style="color:{BUTTON};text-decoration:underline;">Unsubscribe from this report</a></p>',
        f'<p style="{TEXT}margin:0;">{e(DESK)}</p>',
    ]
    return document(title=f"{_title(report)}, {report.period.label}", preheader=preheader(report), body="\n".join(parts))


def _html_summary(report: CaseReport) -> str:
    e = escape
    tiles = "".join(
        f'<td width="33%" valign="top" style="padding:12px;border:1px solid {HEADER_ROW};">'
        f'<div style="{MUTED}">{e(label)}</div>'
        f'<div style="{FONT}font-size:26px;line-height:32px;font-weight:bold;color:#111827;">{count}</div>'
        + (f'<div style="{MUTED}">{e(versus)}</div>' if versus else "")
        + "</td>"
        for label, count, versus in figures(report)
    )
    facts = (
        f'<p style="{TEXT}margin:12px 0 0 0;">First responses within target: <strong>{e(first_responses_line(report))}</strong></p>'
        f'<p style="{TEXT}margin:4px 0 0 0;">Median time to close: <strong>{e(median_line(report))}</strong></p>'
    )
    return f'<h2 style="{HEADING}">Summary</h2>\n{layout_table(f"<tr>{tiles}</tr>")}\n{facts}'


def _html_chart(chart: list[ChartBar]) -> str:
    e = escape
    peak = max((max(bar.opened, bar.closed) for bar in chart), default=0)
    header = (
        f'<tr bgcolor="{HEADER_ROW}"><th scope="col" align="left" width="90">Period</th>'
        f'<th scope="col" align="left">Opened</th><th scope="col" align="left">Closed</th></tr>'
    )
    rows = "".join(
        f'<tr><th scope="row" align="left" style="font-weight:{"bold" if index == len(chart) - 1 else "normal"};">{e(bar.label)}</th>'
        f"<td>{_bar(bar.opened, peak, OPENED_BAR)}</td><td>{_bar(bar.closed, peak, CLOSED_BAR)}</td></tr>"
        for index, bar in enumerate(chart)
    )
    caption = f'<caption style="{MUTED}text-align:left;padding:0 0 8px 0;">{e(chart_caption(chart))}</caption>'
    return f'<h2 style="{HEADING}">Opened and closed per period</h2>\n{data_table(caption + header + rows)}'


def _bar(count: int, peak: int, colour: str) -> str:
    """A bar as a coloured cell whose width is the count's share of the chart's largest, then the count as text."""
    number = f'<td style="{SMALL}padding:0 0 0 6px;">{count}</td>'
    if count == 0 or peak == 0:
        return layout_table(f"<tr>{number}</tr>", width="")
    width = max(2, round(BAR_MAX_PX * count / peak))
    cell = (
        f'<td width="{width}" height="14" bgcolor="{colour}" '
        f'style="width:{width}px;height:14px;background-color:{colour};font-size:1px;line-height:1px;">&nbsp;</td>'
    )
    return layout_table(f"<tr>{cell}{number}</tr>", width="")


def _html_section(section: Section, delivery: Delivery) -> str:
    e = escape
    heading = f'<h2 style="{HEADING}">{e(section.title)} ({len(section.cases)})</h2>'
    if not section.cases:
        return f'{heading}\n<p style="{TEXT}margin:0;">{e(section.empty)}</p>'
    headers = ["Case", "Subject", *(column.header for column in section.columns)]
    header = f'<tr bgcolor="{HEADER_ROW}">' + "".join(f'<th scope="col" align="left">{e(name)}</th>' for name in headers) + "</tr>"
    rows = "\n".join(_html_row(case, section, delivery, striped=index % 2 == 1) for index, case in enumerate(section.cases[:ROWS_SHOWN]))
    more = ""
    if len(section.cases) > ROWS_SHOWN:
        more = f'\n<p style="{MUTED}margin:8px 0 0 0;">{e(more_line(len(section.cases) - ROWS_SHOWN, delivery))}</p>'
    return f"{heading}\n{data_table(header + chr(10) + rows)}{more}"


def _html_row(case: ReportCase, section: Section, delivery: Delivery, *, striped: bool) -> str:
    e = escape
    link = e(case_link(delivery.portal_url, case.case_number))
    cells = "".join(f"<td>{e(one_line(column.cell(case)))}</td>" for column in section.columns)
    return (
        f'<tr valign="top"{STRIPED if striped else ""}><th scope="row" align="left" style="font-weight:normal;white-space:nowrap;">'
        f'<a href="{link}" style="color:{BUTTON};">{e(case.case_number)}</a></th><td>{e(shortened(case.subject))}</td>{cells}</tr>'
    )


# --- the confirmation (double opt-in) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Confirmation:
    account_name: str
    cadence_label: str  # "weekly", "bi-weekly": as the reader should read it
    requested_by_name: str
    confirm_url: str

    @property
    def subject(self) -> str:
        return one_line(f"Confirm to receive {self.account_name}'s {self.cadence_label} case report")

    @property
    def request(self) -> str:
        return one_line(f"{self.requested_by_name} asked to send {self.account_name}'s {self.cadence_label} case report to this address.")


CONFIRMATION_IGNORE = "If you did not expect this, ignore this email; nothing will be sent."


def confirmation_text(confirmation: Confirmation) -> str:
    return "\n".join(
        [confirmation.request, "", f"Confirm to receive it: {confirmation.confirm_url}", "", CONFIRMATION_IGNORE, "", DESK, ""]
    )


def confirmation_html(confirmation: Confirmation) -> str:
    e = escape
    body = "\n".join(
        [
            f'<p style="{TEXT}margin:0 0 12px 0;">{e(confirmation.request)}</p>',
            button(confirmation.confirm_url, "Confirm to receive it"),
            f'<p style="{TEXT}margin:0 0 20px 0;">{e(CONFIRMATION_IGNORE)}</p>',
            f'<p style="{TEXT}margin:0;">{e(DESK)}</p>',
        ]
    )
    return document(title=confirmation.subject, preheader=confirmation.request, body=body)


# --- the pieces both emails use -------------------------------------------------------------------------------


def data_table(rows: str) -> str:
    return f'<table width="100%" cellpadding="6" cellspacing="0" border="0" style="border-collapse:collapse;{SMALL}">{rows}</table>'


def button(link: str, label: str) -> str:
    """The link as a button-like cell, then its address in text (for a client that shows neither)."""
    return shared_button(link, label, margin="28px 0 8px 0")


def document(*, title: str, preheader: str, body: str) -> str:
    return shared_document(title=title, preheader=preheader, banner=DESK, body=body, card_px=CARD_PX, outlook_fonts=True)
