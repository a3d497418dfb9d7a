"""Opaque pagination tokens bound to the caller and the listing they came from.

A token is the DynamoDB LastEvaluatedKey plus the caller and listing scope, signed with HMAC-SHA256
(stdlib: no library offers this small a thing). Another caller's token, a token from another view or a
tampered token is refused, so a page key never crosses tenants even if the key schema would allow it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

from functions.shared.environment import per_environment
from functions.shared.errors import BadRequest


class PageTokenCodec:
    def __init__(self, key: bytes):
        self._key = key

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()

    def encode(self, last_key: dict, *, scope: str) -> str:
        payload = json.dumps({"s": scope, "k": last_key}, separators=(",", ":"), sort_keys=True).encode()
        return _b64(payload) + "." + _b64(self._sign(payload))

    def decode(self, token: str, *, scope: str) -> dict:
        refused = BadRequest(
            "nextToken is not valid for this listing; start again without nextToken.", field="nextToken", code="invalid_next_token"
        )
        try:
            payload_part, signature_part = token.split(".", 1)
            payload, signature = _unb64(payload_part), _unb64(signature_part)
        except (ValueError, binascii.Error):
            raise refused from None
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise refused
        body = json.loads(payload)
        if body.get("s") != scope or not isinstance(body.get("k"), dict):
            raise refused
        return body["k"]


@per_environment
def page_tokens() -> PageTokenCodec:
    """The API's one codec. Its key is fetched when a listing first has a next page (or is given a token),
    so a cold start does not pay for it."""
    from functions.shared.dal.secrets import secret_bytes
    from functions.shared.settings import api_settings

    return PageTokenCodec(secret_bytes(api_settings().page_token_secret_arn))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
