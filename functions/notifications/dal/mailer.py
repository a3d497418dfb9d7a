"""Sending email through SES.

SendRawEmail with a multipart/alternative message (plain text and HTML): it is what SES sends anyway,
and it keeps both parts inspectable in the emulator (moto records SendEmail's HTML body only)."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr

from botocore.exceptions import BotoCoreError, ClientError

from functions.notifications.models.notifications import Email, NotificationDelayed
from functions.shared.dal.aws import client


class SesMailer:
    def __init__(self, sender_name: str, sender_email: str):
        self.sender = formataddr((sender_name, sender_email))

    def send(self, email: Email) -> str:
        message = EmailMessage(policy=SMTP)
        message["From"] = self.sender
        message["To"] = formataddr((email.to_name, email.to_address))
        message["Subject"] = email.subject
        message.set_content(email.text)
        message.add_alternative(email.html, subtype="html")
        try:
            return client("ses").send_raw_email(Source=self.sender, RawMessage={"Data": message.as_bytes()})["MessageId"]
        except (BotoCoreError, ClientError) as error:
            raise NotificationDelayed(f"SES did not send: {error}") from error
