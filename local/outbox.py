"""The emails the product sent through the emulated SES. moto keeps every sent message in its SES
backend (moto 5.2.5: `ses_backends[account][region].sent_messages`; SendRawEmail messages keep their
MIME source), in the process that runs moto: the local stack's and the tests'. Each email is listed with
its attachments (a report's CSV) as a recipient's mail client would see them, so a test can check the bytes
sent: a text attachment's content is its decoded text, a UTF-8 byte order mark included."""

from __future__ import annotations

import email
import re
from email.message import EmailMessage
from email.policy import default
from typing import TYPE_CHECKING, cast

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
    # As bytes (moto keeps the source decoded from UTF-8): parsed from a str, an 8bit part's non-ASCII text
    # (the product's UTF-8 bodies and attachments) would come back mangled.
    parsed = email.message_from_bytes(message.raw_data.encode(), policy=default)
    text, html = parsed.get_body(("plain",)), parsed.get_body(("html",))
    unsubscribe = parsed["List-Unsubscribe"]
    return {
        "messageId": message.id,
        "from": str(parsed["From"]),
        "to": [address.addr_spec for address in parsed["To"].addresses],
        "subject": str(parsed["Subject"]).strip(),  # a subject folded right after "Subject:" starts with the fold
        "text": text.get_content() if text else None,
        "html": html.get_content() if html else None,
        "listUnsubscribe": str(unsubscribe) if unsubscribe is not None else None,
        "attachments": [_attachment(part) for part in parsed.iter_attachments()],
    }


def _attachment(part: EmailMessage) -> dict:
    """One attachment: its name, type, decoded size and, for text, its content. The text is decoded from the
    payload's bytes (as UTF-8 unless the part names a charset), not with the email library's ASCII default for a
    part without one, and keeps a byte order mark as U+FEFF and CRLF line ends: what a spreadsheet opens."""
    payload = cast(bytes, part.get_payload(decode=True) or b"")
    return {
        "fileName": part.get_filename(),
        "contentType": part.get_content_type(),
        "size": len(payload),
        "content": _decoded_text(payload, part.get_content_charset()) if part.get_content_maintype() == "text" else None,
    }


def _decoded_text(payload: bytes, charset: str | None) -> str:
    try:
        return payload.decode(charset or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return payload.decode("utf-8", errors="replace")
