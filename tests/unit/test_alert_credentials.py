"""The monitoring intake's credentials: routing keys (PagerDuty-shaped, MAC'd under the master secret) and
Standard Webhooks secrets and signatures."""

import base64
import re
import string
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from functions.alerts.logic.credentials import (
    BASE32_ALPHABET,
    MAX_GENERATION,
    RoutingKeyClaim,
    is_integration_id,
    mint_routing_key,
    new_integration_id,
    read_routing_key,
    sign_webhook,
    verify_webhook,
    webhook_secret,
)

MASTER = bytes(range(32))
OTHER_MASTER = bytes(range(1, 33))
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
NOW_SECONDS = int(NOW.timestamp())
TOLERANCE = timedelta(seconds=300)

integration_ids = st.text(alphabet=BASE32_ALPHABET, min_size=10, max_size=10)
generations = st.integers(min_value=0, max_value=MAX_GENERATION)
masters = st.binary(min_size=32, max_size=64)
key_characters = string.ascii_lowercase + string.digits
msg_ids = st.from_regex(r"msg_[A-Za-z0-9_-]{1,40}", fullmatch=True)
bodies = st.binary(max_size=2048)
skews = st.integers(min_value=-300, max_value=300)


def headers_for(msg_id: str, timestamp: int | str, signature: str) -> dict[str, str]:
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp), "webhook-signature": signature}


# --- routing keys ---


@given(master=masters, integration_id=integration_ids, generation=generations)
def test_a_minted_key_reads_back_as_its_integration_and_generation(master, integration_id, generation):
    key = mint_routing_key(master, integration_id, generation)
    assert read_routing_key(master, key) == RoutingKeyClaim(integration_id=integration_id, generation=generation)


@given(integration_id=integration_ids, generation=generations)
def test_keys_are_32_lowercase_letters_and_digits_as_pagerduty_s_are(integration_id, generation):
    assert re.fullmatch(r"[a-z0-9]{32}", mint_routing_key(MASTER, integration_id, generation))


@given(integration_id=integration_ids, generation=generations, position=st.integers(0, 31), replacement=st.sampled_from(key_characters))
def test_any_single_character_change_reads_as_none(integration_id, generation, position, replacement):
    key = mint_routing_key(MASTER, integration_id, generation)
    assume(key[position] != replacement)
    assert read_routing_key(MASTER, key[:position] + replacement + key[position + 1 :]) is None


@given(integration_id=integration_ids, generation=generations)
def test_a_key_minted_under_another_master_reads_as_none(integration_id, generation):
    assert read_routing_key(MASTER, mint_routing_key(OTHER_MASTER, integration_id, generation)) is None


@given(integration_id=integration_ids, generation=generations)
def test_the_key_names_its_generation_so_a_rotation_changes_it(integration_id, generation):
    other = (generation + 1) % (MAX_GENERATION + 1)
    assert mint_routing_key(MASTER, integration_id, generation) != mint_routing_key(MASTER, integration_id, other)


@given(anything=st.one_of(st.text(), st.text(alphabet=key_characters, min_size=32, max_size=32), st.binary(), st.integers(), st.none()))
def test_anything_else_reads_as_none_without_raising(anything):
    assert read_routing_key(MASTER, anything) is None


@pytest.mark.parametrize(
    "variant",
    [
        lambda key: key.upper(),  # case is part of the key
        lambda key: key + "a",
        lambda key: key[:-1],
        lambda key: " " + key[1:],
        lambda key: key[:31] + "é",  # non-ASCII must not reach compare_digest as str
        lambda key: key[:12] + "0" * 20,
    ],
)
def test_near_misses_read_as_none(variant):
    key = mint_routing_key(MASTER, "abcdefghij", 7)
    assert read_routing_key(MASTER, variant(key)) is None


@pytest.mark.parametrize(
    ("integration_id", "generation"),
    [
        ("ABCDEFGHIJ", 0),
        ("abcdefghi", 0),
        ("abcdefghij0", 0),
        ("abcdefgh01", 0),
        ("abcdefghij", -1),
        ("abcdefghij", 1024),
        ("abcdefghij", True),
    ],
)
def test_minting_refuses_ids_and_generations_outside_the_layout(integration_id, generation):
    with pytest.raises(ValueError):
        mint_routing_key(MASTER, integration_id, generation)


def test_a_short_master_is_a_deployment_error_not_a_bad_key():
    with pytest.raises(ValueError, match="32 random bytes"):
        mint_routing_key(b"short", "abcdefghij", 0)
    with pytest.raises(ValueError, match="32 random bytes"):
        read_routing_key(b"short", "a" * 32)


def test_new_integration_ids_fit_the_layout_and_differ():
    ids = {new_integration_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(is_integration_id(integration_id) for integration_id in ids)


# --- webhook secrets ---


@given(master=masters, integration_id=integration_ids, generation=generations)
def test_webhook_secrets_are_standard_webhooks_secrets_of_32_bytes_and_stable(master, integration_id, generation):
    secret = webhook_secret(master, integration_id, generation)
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert webhook_secret(master, integration_id, generation) == secret


@given(integration_id=integration_ids, other_id=integration_ids, generation=generations, other_generation=generations)
def test_webhook_secrets_differ_per_integration_generation_and_master(integration_id, other_id, generation, other_generation):
    assume((integration_id, generation) != (other_id, other_generation))
    secret = webhook_secret(MASTER, integration_id, generation)
    assert secret != webhook_secret(MASTER, other_id, other_generation)
    assert secret != webhook_secret(OTHER_MASTER, integration_id, generation)


def test_the_webhook_secret_is_not_the_routing_key_s_mac():
    key = mint_routing_key(MASTER, "abcdefghij", 3)
    decoded = base64.b64decode(webhook_secret(MASTER, "abcdefghij", 3).removeprefix("whsec_"))
    assert base64.b32encode(decoded[:15]).decode().lower()[:20] != key[12:]


# --- Standard Webhooks signatures ---

# The Standard Webhooks reference test vector: standard-webhooks/standard-webhooks,
# libraries/python/tests/test_webhooks.py, test_sign_function (the same values in its other libraries' tests).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_reference_vector_signs_and_verifies():
    assert sign_webhook(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE
    at = datetime.fromtimestamp(VECTOR_TIMESTAMP, UTC)
    verdict = verify_webhook([VECTOR_SECRET], headers_for(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_SIGNATURE), VECTOR_BODY, at)
    assert verdict.ok and verdict.reason is None


def test_the_reference_vector_s_altered_signature_fails():
    # The reference tests' "invalid signature": the vector's with its last character changed.
    at = datetime.fromtimestamp(VECTOR_TIMESTAMP, UTC)
    forged = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="
    assert not verify_webhook([VECTOR_SECRET], headers_for(VECTOR_ID, VECTOR_TIMESTAMP, forged), VECTOR_BODY, at).ok


@given(integration_id=integration_ids, generation=generations, msg_id=msg_ids, body=bodies, skew=skews)
def test_what_sign_webhook_signs_verifies(integration_id, generation, msg_id, body, skew):
    secret = webhook_secret(MASTER, integration_id, generation)
    timestamp = NOW_SECONDS + skew
    headers = headers_for(msg_id, timestamp, sign_webhook(secret, msg_id, timestamp, body))
    assert verify_webhook([secret], headers, body, NOW).ok


@given(msg_id=msg_ids, body=bodies)
def test_rotation_two_secrets_and_two_signatures(msg_id, body):
    old, new = webhook_secret(MASTER, "abcdefghij", 4), webhook_secret(MASTER, "abcdefghij", 5)
    old_signature, new_signature = (sign_webhook(secret, msg_id, NOW_SECONDS, body) for secret in (old, new))
    both = headers_for(msg_id, NOW_SECONDS, f"{old_signature} {new_signature}")
    # A sender signing with both passes whichever secret we still hold, and either alone passes while both are held.
    assert verify_webhook([new], both, body, NOW).ok
    assert verify_webhook([old], both, body, NOW).ok
    assert verify_webhook([new, old], headers_for(msg_id, NOW_SECONDS, old_signature), body, NOW).ok
    assert verify_webhook([old, new], headers_for(msg_id, NOW_SECONDS, new_signature), body, NOW).ok
    # Once the old secret is dropped, its signature alone no longer passes.
    assert not verify_webhook([new], headers_for(msg_id, NOW_SECONDS, old_signature), body, NOW).ok


def test_other_schemes_and_unknown_versions_are_skipped_not_refused():
    secret = webhook_secret(MASTER, "abcdefghij", 0)
    signature = sign_webhook(secret, "msg_1", NOW_SECONDS, b"{}")
    asymmetric = "v1a," + base64.b64encode(b"x" * 64).decode()
    header = f"v2,{signature[3:]} {asymmetric}  {signature}"
    assert verify_webhook([secret], headers_for("msg_1", NOW_SECONDS, header), b"{}", NOW).ok


@given(msg_id=msg_ids, body=bodies, flip=st.integers(min_value=0))
def test_a_tampered_body_fails(msg_id, body, flip):
    assume(body)
    secret = webhook_secret(MASTER, "abcdefghij", 0)
    headers = headers_for(msg_id, NOW_SECONDS, sign_webhook(secret, msg_id, NOW_SECONDS, body))
    position = flip % len(body)
    tampered = body[:position] + bytes([body[position] ^ 1]) + body[position + 1 :]
    verdict = verify_webhook([secret], headers, tampered, NOW)
    assert not verdict.ok and verdict.reason == "no signature matches"


@given(msg_id=msg_ids, other_id=msg_ids, body=bodies)
def test_a_tampered_id_fails(msg_id, other_id, body):
    assume(msg_id != other_id)
    secret = webhook_secret(MASTER, "abcdefghij", 0)
    signature = sign_webhook(secret, msg_id, NOW_SECONDS, body)
    assert not verify_webhook([secret], headers_for(other_id, NOW_SECONDS, signature), body, NOW).ok


@given(msg_id=msg_ids, body=bodies, shift=skews.filter(lambda skew: skew != 0))
def test_a_tampered_timestamp_fails(msg_id, body, shift):
    secret = webhook_secret(MASTER, "abcdefghij", 0)
    signature = sign_webhook(secret, msg_id, NOW_SECONDS, body)
    assert not verify_webhook([secret], headers_for(msg_id, NOW_SECONDS + shift, signature), body, NOW).ok


def test_a_signature_under_another_secret_fails():
    body = b'{"event_action": "trigger"}'
    signature = sign_webhook(webhook_secret(OTHER_MASTER, "abcdefghij", 0), "msg_1", NOW_SECONDS, body)
    assert not verify_webhook([webhook_secret(MASTER, "abcdefghij", 0)], headers_for("msg_1", NOW_SECONDS, signature), body, NOW).ok


@pytest.mark.parametrize(
    ("skew", "ok", "reason"),
    [(-300, True, None), (300, True, None), (-301, False, "webhook-timestamp too old"), (301, False, "webhook-timestamp too new")],
)
def test_the_timestamp_must_be_within_300_seconds_either_way(skew, ok, reason):
    secret = webhook_secret(MASTER, "abcdefghij", 0)
    timestamp = NOW_SECONDS + skew
    verdict = verify_webhook([secret], headers_for("msg_1", timestamp, sign_webhook(secret, "msg_1", timestamp, b"{}")), b"{}", NOW)
    assert (verdict.ok, verdict.reason) == (ok, reason)


def test_the_tolerance_can_be_narrowed():
    secret = webhook_secret(MASTER, "abcdefghij", 0)
    timestamp = NOW_SECONDS - 61
    headers = headers_for("msg_1", timestamp, sign_webhook(secret, "msg_1", timestamp, b"{}"))
    assert verify_webhook([secret], headers, b"{}", NOW).ok
    assert not verify_webhook([secret], headers, b"{}", NOW, tolerance=timedelta(seconds=60)).ok


def test_header_names_are_case_insensitive():
    secret = webhook_secret(MASTER, "abcdefghij", 0)
    signature = sign_webhook(secret, "msg_1", NOW_SECONDS, b"{}")
    headers = {"Webhook-Id": "msg_1", "WEBHOOK-TIMESTAMP": str(NOW_SECONDS), "webhook-Signature": signature}
    assert verify_webhook([secret], headers, b"{}", NOW).ok


def test_a_secret_without_the_whsec_prefix_is_the_same_secret():
    secret = webhook_secret(MASTER, "abcdefghij", 0)
    signature = sign_webhook(secret, "msg_1", NOW_SECONDS, b"{}")
    assert verify_webhook([secret.removeprefix("whsec_")], headers_for("msg_1", NOW_SECONDS, signature), b"{}", NOW).ok


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "missing webhook-id, webhook-timestamp or webhook-signature"),
        ({"webhook-id": "msg_1", "webhook-timestamp": str(NOW_SECONDS)}, "missing webhook-id, webhook-timestamp or webhook-signature"),
        (headers_for("", NOW_SECONDS, "v1,x"), "missing webhook-id, webhook-timestamp or webhook-signature"),
        (headers_for("msg.1", NOW_SECONDS, "v1,x"), "webhook-id is not 1-255 printable characters without spaces or dots"),
        (headers_for("msg 1", NOW_SECONDS, "v1,x"), "webhook-id is not 1-255 printable characters without spaces or dots"),
        (headers_for("m" * 256, NOW_SECONDS, "v1,x"), "webhook-id is not 1-255 printable characters without spaces or dots"),
        (headers_for("msg_1", "1.7e9", "v1,x"), "webhook-timestamp is not unix seconds"),
        (headers_for("msg_1", f" {NOW_SECONDS}", "v1,x"), "webhook-timestamp is not unix seconds"),
        (headers_for("msg_1", "-1", "v1,x"), "webhook-timestamp is not unix seconds"),
        (headers_for("msg_1", "١٧٧٢٤٦٣٦٠٠", "v1,x"), "webhook-timestamp is not unix seconds"),  # digits, not ASCII ones
        (headers_for("msg_1", "9" * 13, "v1,x"), "webhook-timestamp is not unix seconds"),
        (headers_for("msg_1", "9" * 12, "v1,x"), "webhook-timestamp too new"),
        (headers_for("msg_1", NOW_SECONDS, "v1,"), "no well-formed v1 signature"),
        (headers_for("msg_1", NOW_SECONDS, "v1"), "no well-formed v1 signature"),
        (headers_for("msg_1", NOW_SECONDS, "v1,not base64!"), "no well-formed v1 signature"),
        (headers_for("msg_1", NOW_SECONDS, "v1," + base64.b64encode(b"x" * 31).decode()), "no well-formed v1 signature"),
        (headers_for("msg_1", NOW_SECONDS, "v1a," + base64.b64encode(b"x" * 64).decode()), "no well-formed v1 signature"),
        (headers_for("msg_1", NOW_SECONDS, "   "), "no well-formed v1 signature"),
    ],
)
def test_malformed_headers_are_refused_with_a_reason(headers, reason):
    verdict = verify_webhook([webhook_secret(MASTER, "abcdefghij", 0)], headers, b"{}", NOW)
    assert (verdict.ok, verdict.reason) == (False, reason)


def test_without_a_usable_secret_nothing_passes():
    signature = sign_webhook(VECTOR_SECRET, "msg_1", NOW_SECONDS, b"{}")
    for secrets in ([], ["whsec_"], ["whsec_not base64!"]):
        verdict = verify_webhook(secrets, headers_for("msg_1", NOW_SECONDS, signature), b"{}", NOW)
        assert (verdict.ok, verdict.reason) == (False, "no usable secret for the integration")


header_names = st.sampled_from(["webhook-id", "Webhook-Timestamp", "webhook-signature", "content-type", "WEBHOOK-SIGNATURE"])
header_values = st.one_of(
    st.text(),
    st.from_regex(r"[0-9]{1,14}", fullmatch=True),
    st.lists(st.from_regex(r"v1a?,[A-Za-z0-9+/=]{0,50}", fullmatch=True)).map(" ".join),
)


@given(headers=st.dictionaries(st.one_of(header_names, st.text()), header_values), body=bodies, secrets=st.lists(st.text(), max_size=3))
def test_malformed_headers_and_secrets_never_raise(headers, body, secrets):
    verdict = verify_webhook([*secrets, VECTOR_SECRET], headers, body, NOW)
    assert not verdict.ok and verdict.reason


def test_sign_webhook_refuses_a_secret_that_is_not_base64():
    with pytest.raises(ValueError, match="base64"):
        sign_webhook("whsec_not base64!", "msg_1", NOW_SECONDS, b"{}")
