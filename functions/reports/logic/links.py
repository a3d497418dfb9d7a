"""The signed links a recipient acts through without signing in (docs/architecture.md, "Case reports"): confirming
an address added to a subscription (double opt-in; valid 14 days) and unsubscribing (every report carries it; never
expires). A link names the subscription, the address and what it does, signed with HMAC-SHA256 under the reports'
key (stdlib, as the page tokens: no library offers this small a thing); a tampered or expired link is refused."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import quote

from functions.shared.errors import BadRequest

CONFIRMATION_VALID_FOR = timedelta(days=14)
SIGNATURE_BYTES = 16


class LinkPurpose(StrEnum):
    CONFIRM = "confirm"
    UNSUBSCRIBE = "unsubscribe"


@dataclass(frozen=True)
class RecipientLink:
    subscription_id: str
    email: str
    purpose: LinkPurpose


class RecipientLinks:
    def __init__(self, key: bytes, portal_url: str):
        self._key, self.portal_url = key, portal_url.rstrip("/")

    def token(self, link: RecipientLink, now: datetime) -> str:
        expires = int((now + CONFIRMATION_VALID_FOR).timestamp()) if link.purpose is LinkPurpose.CONFIRM else 0
        payload = json.dumps(
            {"s": link.subscription_id, "e": link.email, "p": link.purpose.value, "x": expires}, separators=(",", ":")
        ).encode()
        return f"{_b64(payload)}.{_b64(self._sign(payload))}"

    def page_url(self, link: RecipientLink, now: datetime) -> str:
        """The portal's page that confirms or unsubscribes (a person clicks it)."""
        return f"{self.portal_url}/reports/{link.purpose.value}?token={quote(self.token(link, now))}"

    def one_click_url(self, link: RecipientLink, now: datetime) -> str:
        """The API's one-click unsubscribe (RFC 8058: the mail client POSTs to it), through the portal's /api."""
        return f"{self.portal_url}/api/report-subscriptions/{link.purpose.value}?token={quote(self.token(link, now))}"

    def read(self, token: str, purpose: LinkPurpose, now: datetime) -> RecipientLink:
        refused = BadRequest(
            "This link is not valid (it was changed or cut short); open the link from the email again.", field="token", code="invalid_link"
        )
        try:
            payload_part, signature_part = token.split(".", 1)
            payload, signature = _unb64(payload_part), _unb64(signature_part)
            body = json.loads(payload)
        except (ValueError, binascii.Error):
            raise refused from None
        if not hmac.compare_digest(signature, self._sign(payload)) or body.get("p") != purpose.value:
            raise refused
        if body["x"] and now.timestamp() > body["x"]:
            raise BadRequest(
                "This confirmation link has expired; ask your account's administrator or your support team to add the address again.",
                field="token",
                code="link_expired",
            )
        return RecipientLink(subscription_id=body["s"], email=body["e"], purpose=purpose)

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:SIGNATURE_BYTES]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
