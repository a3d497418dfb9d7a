"""Invitations sent through SES: plain text and HTML in one SendRawEmail (what SES sends anyway; the local
outbox reads both parts). The directory sends them itself, not through the bus: the text carries a temporary
password, which must never sit in an event."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr

from botocore.exceptions import BotoCoreError, ClientError

from functions.directory.models.records import IdentityUnavailable
from functions.shared.dal.aws import client

SENDER_NAME = "Dedicated Support Services"


class SesInvitations:
    def __init__(self, sender_email: str) -> None:
        self.sender = formataddr((SENDER_NAME, sender_email))

    def send(self, to_name: str, to_address: str, subject: str, text: str, html: str) -> None:
        message = EmailMessage(policy=SMTP)
        message["From"] = self.sender
        message["To"] = formataddr((to_name, to_address))
        message["Subject"] = subject
        message["Auto-Submitted"] = "auto-generated"
        message["X-Auto-Response-Suppress"] = "All"
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        try:
            client("ses").send_raw_email(Source=self.sender, RawMessage={"Data": message.as_bytes()})
        except (BotoCoreError, ClientError) as error:
            raise IdentityUnavailable(f"SES did not send the invitation: {error}") from error
