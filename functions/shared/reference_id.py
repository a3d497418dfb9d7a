"""Reference IDs: the token every email about a case carries, so that a reply can be tied back to the
case (the guide: "An Email originated from a Case includes a special Reference ID").

`ref:` + the first 80 bits of HMAC-SHA256(key, case number), base32: unguessable without the key (so
nobody can thread mail into a case they merely know the number of), the same on every email of a case
(nothing to store), and letters and digits only, which survive mail clients and subject rewriting.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

PREFIX = "ref:"
LENGTH = 16  # base32 characters, 5 bits each


class ReferenceIds:
    def __init__(self, key: bytes):
        self._key = key

    def reference_id(self, case_number: str) -> str:
        digest = hmac.new(self._key, case_number.encode(), hashlib.sha256).digest()
        return PREFIX + base64.b32encode(digest).decode()[:LENGTH]

    def verify_reference_id(self, case_number: str, ref: str) -> bool:
        """Whether `ref` is this case's Reference ID (prefix and letters in any case, as typed back)."""
        text = ref.strip()
        if text[: len(PREFIX)].lower() != PREFIX:
            return False
        candidate = (PREFIX + text[len(PREFIX) :].upper()).encode()
        return hmac.compare_digest(candidate, self.reference_id(case_number).encode())
