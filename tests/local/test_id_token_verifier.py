"""The local Cognito authorizer's checks, one by one, on tokens signed here with a key pair of the test's own
(its JWKS served over HTTP): what moto will not issue, such as an expired token. The same checks against
moto's real tokens run in test_local_stack.py."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from local.tokens import CognitoAuthorizer, jwks_url
from tests.local.token_issuer import AUDIENCE, ISSUER, POOL_ID, new_key, token_issuer


@pytest.fixture(scope="module")
def issuer():
    with token_issuer() as running:
        yield running


@pytest.fixture
def authorizer(issuer):
    return issuer.authorizer()


def test_a_valid_id_token_gives_its_claims_as_a_rest_apis_authorizer_does(issuer, authorizer):
    claims = authorizer.claims_for(issuer.token())
    assert claims["sub"] == "4f1c0d7e-1111-2222-3333-444455556666"
    assert claims["cognito:groups"] == "customer-contacts,mac-contacts"  # lists flattened to a string
    assert (claims["custom:account_id"], claims["custom:contact_id"]) == ("acme", "c-alice")
    assert claims["email_verified"] == "true" and claims["token_use"] == "id"
    assert all(isinstance(value, str) for value in claims.values())
    assert authorizer.claims_for(f"Bearer {issuer.token()}")["sub"] == claims["sub"]
    assert authorizer.claims_for(f"bearer   {issuer.token()}  ")["sub"] == claims["sub"]
    assert authorizer.claims_for(f"{issuer.token()} trailing") is None  # the header is the token, nothing else


def test_an_expired_token_is_refused(issuer, authorizer):
    now = int(time.time())
    assert authorizer.claims_for(issuer.token(iat=now - 7200, exp=now - 1)) is None
    assert authorizer.claims_for(issuer.token(iat=now - 7200, exp=now + 60)) is not None


def test_a_token_issued_in_the_future_is_refused(issuer, authorizer):
    assert authorizer.claims_for(issuer.token(iat=int(time.time()) + 600)) is None


@pytest.mark.parametrize(
    "overrides",
    [
        {"aud": "another-app-client"},
        {"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool"},
        {"iss": "http://127.0.0.1:5050/us-east-1_TestPool"},
        {"token_use": "access"},
        {"exp": None},
        {"aud": None},
        {"token_use": None},
    ],
    ids=["other audience", "other pool", "emulator url as issuer", "access token", "no exp", "no aud", "no token_use"],
)
def test_a_token_with_the_wrong_claims_is_refused(issuer, authorizer, overrides):
    assert authorizer.claims_for(issuer.token(**overrides)) is None


def test_a_token_signed_with_another_key_under_the_pools_kid_is_refused(issuer, authorizer):
    assert authorizer.claims_for(issuer.token(key=new_key())) is None


def test_a_changed_payload_or_signature_is_refused(issuer, authorizer):
    header, payload, signature = issuer.token().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["custom:account_id"] = "globex"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert authorizer.claims_for(f"{header}.{forged}.{signature}") is None
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    assert authorizer.claims_for(f"{header}.{payload}.{flipped}") is None


def test_unsigned_or_symmetric_or_unknown_key_tokens_are_refused(issuer, authorizer):
    claims = issuer.claims()
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": "test-key"})
    # The classic confusion attack: HMAC keyed with the public key, hoping the verifier takes the header's alg.
    public_pem = issuer.key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT', 'kid': 'test-key'})}.{_b64(claims)}"
    mac = base64.urlsafe_b64encode(hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
    unknown_kid = issuer.token(headers={"kid": "another-key"})
    no_kid = jwt.encode(claims, issuer.key, algorithm="RS256")
    for token in (unsigned, f"{signing_input}.{mac}", unknown_kid, no_kid, "not-a-token", "a.b.c"):
        assert authorizer.claims_for(token) is None, token


@pytest.mark.parametrize("header", [None, "", "Bearer ", "   "])
def test_no_token_is_refused_without_fetching_keys(header):
    authorizer = CognitoAuthorizer("http://127.0.0.1:9/unreachable", ISSUER, AUDIENCE)
    assert authorizer.claims_for(header) is None


def test_the_jwks_is_fetched_once_and_kept(issuer):
    authorizer = issuer.authorizer()
    before = issuer.jwks_requests
    for _ in range(5):
        assert authorizer.claims_for(issuer.token()) is not None
    assert authorizer.claims_for(issuer.token(headers={"kid": "another-key"})) is None  # an unknown kid fetches nothing
    assert issuer.jwks_requests == before + 1


def test_the_jwks_url_is_under_the_emulators_endpoint():
    assert jwks_url("http://127.0.0.1:5050/", POOL_ID) == f"http://127.0.0.1:5050/{POOL_ID}/.well-known/jwks.json"


def _b64(part: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()
