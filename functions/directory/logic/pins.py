"""The IVR PIN's hash. A PIN has a few thousand likely values, so hashing alone would not protect it: it is
first keyed with HMAC-SHA256 under a key held outside the table (Secrets Manager), then stretched with scrypt
(N=2^17, r=8, p=1) under a salt of its own. Whoever reads the table without the key cannot test PINs."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from functions.shared.errors import ValidationFailed

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
SCRYPT_MAXMEM = 2**28  # N=2^17, r=8 needs 128 MiB; hashlib's default cap (32 MiB) would refuse it
SALT_BYTES, DIGEST_BYTES = 16, 32


def pin_digest(key: bytes, pin: str, salt: bytes) -> bytes:
    keyed = hmac.new(key, pin.encode(), hashlib.sha256).digest()
    return hashlib.scrypt(keyed, salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=SCRYPT_MAXMEM, dklen=DIGEST_BYTES)


def new_pin_hash(key: bytes, pin: str) -> tuple[bytes, bytes]:
    """(digest, salt) of a PIN the caller may choose."""
    if len(set(pin)) == 1 or pin in "01234567890" or pin in "09876543210":
        raise ValidationFailed("Choose a PIN that is not one digit repeated or a run like 1234.", field="pin")
    salt = secrets.token_bytes(SALT_BYTES)
    return pin_digest(key, pin, salt), salt


def pin_matches(key: bytes, pin: str, digest: bytes, salt: bytes) -> bool:
    return hmac.compare_digest(pin_digest(key, pin, salt), digest)
