"""The emails the product sent through the emulated SES. moto keeps every sent message in its SES
backend (moto 5.2.5: `ses_backends[account][region].sent_messages`; SendRawEmail messages keep their
MIME source), in the process that runs moto: the local stack's and the tests'."""

from __future__ import annotations

import email
import re
from email.policy import default
from typing import TYPE_CHECKING

from moto.core import DEFAULT_ACCOUNT_ID

if TYPE_CHECKING:
    from moto.ses.models import RawMessage

REGION = "us-east-1"


def sent_mail(to: str | None = None, *, account_id: str = DEFAULT_ACCOUNT_ID, region: str = REGION) -> list[dict]:
    """Every email sent so far, oldest first, optionally only those to one address."""
    from moto.ses.models import ses_backends

    mails = [_as_dict(message) for message in ses_backends[account_id][region].sent_messages if hasattr(message, "raw_data")]
    return [mail for mail in mails if to is None or to.lower() in (address.lower() for address in mail["to"])]


def invitation_password(address: str) -> str:
    """The temporary password of the latest invitation to `address` (its line `Temporary password: <password>`)."""
    for mail in reversed(sent_mail(to=address)):
        found = re.search(r"^Temporary password: (\S+)", mail["text"] or "", re.MULTILINE)
        if found:
            return found.group(1)
    raise LookupError(f"no invitation to {address} in the outbox")


def _as_dict(message: RawMessage) -> dict:
    parsed = email.message_from_string(message.raw_data, policy=default)
    text, html = parsed.get_body(("plain",)), parsed.get_body(("html",))
    return {
        "messageId": message.id,
        "from": str(parsed["From"]),
        "to": [address.addr_spec for address in parsed["To"].addresses],
        "subject": str(parsed["Subject"]).strip(),  # a subject folded right after "Subject:" starts with the fold
        "text": text.get_content() if text else None,
        "html": html.get_content() if html else None,
    }
