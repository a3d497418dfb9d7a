"""The case report's emails as raw MIME, as SES SendRawEmail takes them (docs/architecture.md, "Case reports"): the
report to one recipient (each recipient gets a message of their own, with their own unsubscribe link), and the
double opt-in confirmation an address outside the account's contacts gets before any report.

A report is multipart/mixed: multipart/alternative (plain text, then HTML; the layout is report_email_layout.py)
and the CSV of every case (report_csv.py) as a `text/csv; charset=utf-8` attachment. It carries `List-Unsubscribe`
and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): mailbox providers show an unsubscribe
button that POSTs to the link, and Gmail and Yahoo require it of bulk senders.

SES refuses a message over 10 MB. The body is bounded (50 cases per table); the CSV grows with the account, so a
CSV over CSV_ATTACHED_AT_MOST is not attached (base64 adds a third) and the body sends the reader to the portal's
report page, which has it."""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.policy import SMTP

from functions.reports.logic.report_csv import csv_file_name
from functions.reports.logic.report_email_layout import (
    Confirmation,
    Delivery,
    confirmation_html,
    confirmation_text,
    report_html,
    report_text,
)
from functions.reports.models.report import CaseReport
from functions.shared.email_html import one_line

CSV_ATTACHED_AT_MOST = 4_000_000  # bytes: about 5.4 MB once in base64, with the body well under SES's 10 MB
# Headers set raw (the unsubscribe link) are written as they are: the default refolding would turn a link longer
# than a line into RFC 2047 encoded words, which no client decodes back into a link.
POLICY = SMTP.clone(refold_source="none")
HEADER_LINE_AT_MOST = 998  # RFC 5322
LINK_CHARACTERS = re.compile(r"[!-;=?-~]+")  # printable ASCII without spaces, "<" and ">"


def report_subject(report: CaseReport) -> str:
    """The numbers in the subject: "Acme — case report, week of Nov 30–Dec 6, 2026: 7 opened, 5 closed, 12 open"."""
    counts = report.summary.counts
    return one_line(
        f"{report.account_name} — case report, {report.period.label}: "
        f"{counts.opened} opened, {counts.closed} closed, {counts.open_at_end} open"
    )


def report_message(
    report: CaseReport,
    *,
    sender: str,
    recipient: str,
    portal_url: str,
    unsubscribe_url: str,
    one_click_unsubscribe_url: str | None = None,
    csv_bytes: bytes,
) -> bytes:
    """The report to one recipient: `sender` is the From header as written ("Name <address>"), `recipient` an address,
    `csv_bytes` report_csv(report) (built once for all recipients). `unsubscribe_url` is the page a person opens (the
    footer's link); `one_click_unsubscribe_url` what a mail client POSTs to (RFC 8058's List-Unsubscribe), by default
    the same."""
    attached = len(csv_bytes) <= CSV_ATTACHED_AT_MOST
    delivery = Delivery(recipient=recipient, portal_url=portal_url, unsubscribe_url=unsubscribe_url, csv_attached=attached)
    message = _message(sender, recipient, report_subject(report), report_text(report, delivery), report_html(report, delivery))
    unsubscribe = f"<{_link(one_click_unsubscribe_url or unsubscribe_url)}>"
    if len("List-Unsubscribe: ") + len(unsubscribe) > HEADER_LINE_AT_MOST:
        raise ValueError("the unsubscribe link is too long for one header line")
    message.set_raw("List-Unsubscribe", unsubscribe)
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if attached:
        message.add_attachment(csv_bytes, maintype="text", subtype="csv", filename=csv_file_name(report), params={"charset": "utf-8"})
    return bytes(message)


def confirmation_message(
    *,
    account_name: str,
    cadence_label: str,
    sender: str,
    recipient: str,
    confirm_url: str,
    requested_by_name: str,
) -> bytes:
    """The double opt-in email: who asked to send which report here, the link that confirms, and that ignoring it
    sends nothing. `cadence_label` as the reader should read it ("weekly", "bi-weekly")."""
    confirmation = Confirmation(
        account_name=account_name, cadence_label=cadence_label, requested_by_name=requested_by_name, confirm_url=confirm_url
    )
    message = _message(sender, recipient, confirmation.subject, confirmation_text(confirmation), confirmation_html(confirmation))
    return bytes(message)


def _message(sender: str, recipient: str, subject: str, text: str, html: str) -> EmailMessage:
    message = EmailMessage(policy=POLICY)
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def _link(url: str) -> str:
    """A link written into a header raw must not break the header (a line break would start a new one)."""
    if not LINK_CHARACTERS.fullmatch(url):
        raise ValueError("the unsubscribe link must be printable ASCII without spaces or angle brackets")
    return url
