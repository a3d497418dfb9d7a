"""The monitoring intake's credentials (the monitoring alerts spec, Intake): routing keys and webhook secrets, both
derived from one master secret so that nothing secret is stored and checking one reads no database.

Routing key: 32 characters of RFC 4648 base32 in lowercase (`a-z`, `2-7`), the length and alphabet of
PagerDuty's integration keys, so senders that check them accept ours:

    chars  0-9   integration id    10 base32 chars, 50 random bits (`new_integration_id`)
    chars 10-11  generation        2 base32 chars, 10 bits big-endian: 0..1023; rotation mints the next
    chars 12-31  MAC               the first 100 bits of HMAC-SHA256(master, ROUTING_KEY_LABEL + chars 0-11)

Webhook secret of an (integration, generation): `whsec_` + base64 of HMAC-SHA256(master, WEBHOOK_SECRET_LABEL +
integration id + generation chars), 32 bytes, as Standard Webhooks formats a symmetric secret. The labels
keep the two derivations independent: neither a routing key nor a webhook secret tells anything of the other.

Webhooks are verified as https://www.standardwebhooks.com/ specifies: `webhook-id`, `webhook-timestamp`
(unix seconds), `webhook-signature` (space-separated `v1,<base64 HMAC-SHA256 of id.timestamp.body>`, several
during a rotation). Nothing here raises on what a sender sends; the API answers one 401 for every refusal,
and the verdict's reason is for the log only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

BASE32_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
INTEGRATION_ID_LENGTH = 10
GENERATION_LENGTH = 2
MAX_GENERATION = 32**GENERATION_LENGTH - 1  # 1023
ROUTING_KEY_LENGTH = 32
# 100 bits: forging a key means guessing a MAC online, one request per guess (the master never leaves the
# secret store, so there is no offline attack, and a birthday bound does not apply to forging a given key).
# At a million guesses a second, a 50 % chance takes ~2e16 years; NIST SP 800-38B deems 64 bits enough for
# most uses against guessing.
MAC_LENGTH = ROUTING_KEY_LENGTH - INTEGRATION_ID_LENGTH - GENERATION_LENGTH  # 20 chars x 5 bits
MIN_MASTER_BYTES = 32
ROUTING_KEY_LABEL = b"dss-alerts routing-key v1\x00"
WEBHOOK_SECRET_LABEL = b"dss-alerts webhook-secret v1\x00"
WEBHOOK_SECRET_PREFIX = "whsec_"
WEBHOOK_SIGNATURE_VERSION = "v1"
DEFAULT_WEBHOOK_TOLERANCE = timedelta(seconds=300)

_INTEGRATION_ID = re.compile(rf"[{BASE32_ALPHABET}]{{{INTEGRATION_ID_LENGTH}}}")
_ROUTING_KEY = re.compile(rf"[{BASE32_ALPHABET}]{{{ROUTING_KEY_LENGTH}}}")
# Whole unix seconds, as the spec says; 12 digits reach the year 33658, and bound int() on hostile input.
_UNIX_SECONDS = re.compile(r"[0-9]{1,12}")
# Printable ASCII without spaces or `.`: the spec asks ids free of `.`, which delimits the signed content.
_WEBHOOK_ID = re.compile(r"[\x21-\x2d\x2f-\x7e]{1,255}")


@dataclass(frozen=True)
class RoutingKeyClaim:
    """What a well-signed routing key says: the integration, and the key generation it was minted in."""

    integration_id: str
    generation: int


@dataclass(frozen=True)
class WebhookVerdict:
    """Whether a webhook is authentic; `reason` says why not, for the log (the caller gets one 401)."""

    ok: bool
    reason: str | None = None


def new_integration_id() -> str:
    return "".join(secrets.choice(BASE32_ALPHABET) for _ in range(INTEGRATION_ID_LENGTH))


def is_integration_id(text: object) -> bool:
    return isinstance(text, str) and _INTEGRATION_ID.fullmatch(text) is not None


def mint_routing_key(master: bytes, integration_id: str, generation: int) -> str:
    """The routing key of an integration's key generation; raises ValueError for an id or generation
    outside the layout, or a master shorter than 32 bytes (our own mistakes, not a sender's)."""
    _check_master(master)
    signed = _checked_integration_id(integration_id) + _encode_generation(_checked_generation(generation))
    return signed + _routing_key_mac(master, signed)


def read_routing_key(master: bytes, routing_key: object) -> RoutingKeyClaim | None:
    """The integration and generation a routing key names, if it is well formed and its MAC is the master's;
    None for anything else. Never raises for any routing key (the one exception: a master under 32 bytes)."""
    _check_master(master)
    if not isinstance(routing_key, str) or _ROUTING_KEY.fullmatch(routing_key) is None:
        return None
    signed, mac = routing_key[:-MAC_LENGTH], routing_key[-MAC_LENGTH:]
    if not hmac.compare_digest(mac.encode(), _routing_key_mac(master, signed).encode()):
        return None
    integration_id, generation = signed[:INTEGRATION_ID_LENGTH], signed[INTEGRATION_ID_LENGTH:]
    return RoutingKeyClaim(integration_id=integration_id, generation=_decode_generation(generation))


def webhook_secret(master: bytes, integration_id: str, generation: int) -> str:
    """The Standard Webhooks secret (`whsec_<base64 of 32 bytes>`) of an integration's key generation."""
    _check_master(master)
    named = _checked_integration_id(integration_id) + _encode_generation(_checked_generation(generation))
    message = WEBHOOK_SECRET_LABEL + named.encode()
    return WEBHOOK_SECRET_PREFIX + base64.b64encode(hmac.digest(master, message, hashlib.sha256)).decode()


def sign_webhook(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` entry (`v1,<base64>`) a sender holding `secret` sends; `timestamp` is the
    `webhook-timestamp` header's unix seconds. Raises ValueError for a secret that is not base64."""
    key = _secret_bytes(secret)
    if key is None:
        raise ValueError("secret must be whsec_ followed by base64")
    return f"{WEBHOOK_SIGNATURE_VERSION},{base64.b64encode(_webhook_mac(key, msg_id, str(timestamp), body)).decode()}"


def verify_webhook(
    secrets: Sequence[str],
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
    tolerance: timedelta = DEFAULT_WEBHOOK_TOLERANCE,
) -> WebhookVerdict:
    """Whether any `v1` signature of the `webhook-signature` header is the HMAC of `id.timestamp.body`
    under any of `secrets` (the current and, during a rotation, the previous generation's), with the
    timestamp within ±`tolerance` of `now` (an aware datetime). `body` is the raw body, as received."""
    msg_id, timestamp, signatures = (_header(headers, name) for name in ("webhook-id", "webhook-timestamp", "webhook-signature"))
    if msg_id is None or timestamp is None or signatures is None:
        return WebhookVerdict(False, "missing webhook-id, webhook-timestamp or webhook-signature")
    if _WEBHOOK_ID.fullmatch(msg_id) is None:
        return WebhookVerdict(False, "webhook-id is not 1-255 printable characters without spaces or dots")
    if _UNIX_SECONDS.fullmatch(timestamp) is None:
        return WebhookVerdict(False, "webhook-timestamp is not unix seconds")
    skew = int(timestamp) - now.timestamp()
    if skew < -tolerance.total_seconds():
        return WebhookVerdict(False, "webhook-timestamp too old")
    if skew > tolerance.total_seconds():
        return WebhookVerdict(False, "webhook-timestamp too new")
    offered = [signature for signature in (_v1_signature(entry) for entry in signatures.split()) if signature is not None]
    if not offered:
        return WebhookVerdict(False, "no well-formed v1 signature")
    keys = [key for key in (_secret_bytes(secret) for secret in secrets) if key is not None]
    if not keys:
        return WebhookVerdict(False, "no usable secret for the integration")
    expected = [_webhook_mac(key, msg_id, timestamp, body) for key in keys]
    if any(hmac.compare_digest(signature, mac) for signature in offered for mac in expected):
        return WebhookVerdict(True)
    return WebhookVerdict(False, "no signature matches")


def _check_master(master: bytes) -> None:
    if not isinstance(master, bytes) or len(master) < MIN_MASTER_BYTES:
        raise ValueError(f"the master secret must be at least {MIN_MASTER_BYTES} random bytes")


def _checked_integration_id(integration_id: str) -> str:
    if not is_integration_id(integration_id):
        raise ValueError(f"integration id must be {INTEGRATION_ID_LENGTH} characters of {BASE32_ALPHABET!r} (new_integration_id)")
    return integration_id


def _checked_generation(generation: int) -> int:
    if isinstance(generation, bool) or not isinstance(generation, int) or not 0 <= generation <= MAX_GENERATION:
        raise ValueError(f"generation must be an integer from 0 to {MAX_GENERATION}")
    return generation


def _encode_generation(generation: int) -> str:
    return BASE32_ALPHABET[generation >> 5] + BASE32_ALPHABET[generation & 31]


def _decode_generation(chars: str) -> int:
    return BASE32_ALPHABET.index(chars[0]) << 5 | BASE32_ALPHABET.index(chars[1])


def _routing_key_mac(master: bytes, signed: str) -> str:
    digest = hmac.digest(master, ROUTING_KEY_LABEL + signed.encode(), hashlib.sha256)
    # 15 bytes encode to 24 base32 chars without padding; the first 20 are the digest's first 100 bits.
    return base64.b32encode(digest[:15]).decode().lower()[:MAC_LENGTH]


def _webhook_mac(key: bytes, msg_id: str, timestamp: str, body: bytes) -> bytes:
    return hmac.digest(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256)


def _secret_bytes(secret: object) -> bytes | None:
    if not isinstance(secret, str):
        return None
    encoded = secret.removeprefix(WEBHOOK_SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    return key or None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """The header's value whatever its case (HTTP names are case-insensitive; API Gateway keeps the sender's)."""
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == name:
            return value if isinstance(value, str) and value else None
    return None


def _v1_signature(entry: str) -> bytes | None:
    version, _, encoded = entry.partition(",")
    if version != WEBHOOK_SIGNATURE_VERSION:
        return None  # another scheme (v1a is asymmetric), not ours to check
    try:
        signature = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    return signature if len(signature) == hashlib.sha256().digest_size else None
