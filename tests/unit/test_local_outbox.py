"""The local outbox lists what a recipient's mail client shows of each email, attachments included: a report's
CSV arrives byte for byte (its byte order mark, which a spreadsheet needs to read UTF-8, and its CRLF rows)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import SMTP

import boto3
import pytest
from moto import mock_aws

from local.outbox import sent_mail

SENDER = "reports@support.example"
CSV = "\ufeffcase,opened,title\r\nC-1,2026-03-02,Café — 日本\r\n"


@pytest.fixture
def ses() -> Iterator[object]:
    with mock_aws():
        client = boto3.client("ses", region_name="us-east-1")
        client.verify_email_identity(EmailAddress=SENDER)
        yield client


def report_email() -> EmailMessage:
    message = EmailMessage(policy=SMTP)  # as the product's mailers build theirs
    message["From"] = f"Support reports <{SENDER}>"
    message["To"] = "Alice Example <alice@acme.example>"
    message["Subject"] = "Weekly report — Acme"
    message["List-Unsubscribe"] = "<https://desk.example/unsubscribe?token=abc>"
    message.set_content("Your weekly report is attached. Café.\n")
    message.add_alternative("<p>Your weekly report is attached. Café.</p>\n", subtype="html")
    message.add_attachment(CSV.encode(), maintype="text", subtype="csv", filename="acme-2026-W10.csv")
    message.add_attachment(b"%PDF-1.7\x00\xff", maintype="application", subtype="pdf", filename="acme.pdf")
    return message


def test_the_outbox_lists_a_reports_attachments_and_its_unsubscribe_header(ses):
    ses.send_raw_email(Source=SENDER, RawMessage={"Data": report_email().as_bytes()})

    (mail,) = sent_mail("alice@acme.example")

    assert mail["from"] == f"Support reports <{SENDER}>"
    assert mail["to"] == ["alice@acme.example"]
    assert mail["subject"] == "Weekly report — Acme"
    assert mail["text"] == "Your weekly report is attached. Café.\r\n"
    assert mail["html"] == "<p>Your weekly report is attached. Café.</p>\r\n"
    assert mail["listUnsubscribe"] == "<https://desk.example/unsubscribe?token=abc>"
    csv, pdf = mail["attachments"]
    assert csv == {"fileName": "acme-2026-W10.csv", "contentType": "text/csv", "size": len(CSV.encode()), "content": CSV}
    assert csv["content"].startswith("\ufeffcase,") and csv["content"].count("\r\n") == 2
    assert pdf == {"fileName": "acme.pdf", "contentType": "application/pdf", "size": 10, "content": None}
    assert json.loads(json.dumps(mail)) == mail  # GET /_local/outbox serves it as JSON, BOM and all


def test_an_email_without_attachments_lists_none(ses):
    message = EmailMessage(policy=SMTP)
    message["From"], message["To"], message["Subject"] = SENDER, "bob@acme.example", "Case C-2 updated"
    message.set_content("Plain only.\n")
    ses.send_raw_email(Source=SENDER, RawMessage={"Data": message.as_bytes()})

    (mail,) = sent_mail("bob@acme.example")

    assert mail["attachments"] == [] and mail["listUnsubscribe"] is None and mail["html"] is None
