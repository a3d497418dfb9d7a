"""How the local API Gateway authenticates a request. CognitoAuthorizer does what the stack's Cognito user pool
authorizer does: it verifies the ID token in the `Authorization` header (RS256 against the pool's JWKS,
issuer, audience, expiry, `token_use`) and hands the Lambda its claims. DevTokens is the in-process stand-in
for the fuzz tier (tests/fuzz), which runs this API adapter with no user pool to sign in to."""

from __future__ import annotations

import secrets
import threading
import urllib.request
from typing import Protocol

import jwt

from local.demo_directory import DEMO_USERS, DemoUser

# What an ID token must carry for the checks below to mean anything.
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "token_use"]
JWKS_TIMEOUT_SECONDS = 10


class Authorizer(Protocol):
    def claims_for(self, authorization: str | None) -> dict | None:
        """The claims the Lambda gets for an `Authorization` header, or None: API Gateway answers 401."""
        ...


def bearer_token(authorization: str | None) -> str:
    """`<token>` or `Bearer <token>` (Cognito's authorizer takes the header as is; `Bearer ` is a local courtesy)."""
    header = (authorization or "").strip()
    scheme, _, rest = header.partition(" ")
    return rest.strip() if scheme.lower() == "bearer" else header


def jwks_url(endpoint: str, user_pool_id: str) -> str:
    """Where a pool publishes its signing keys (on moto: under its endpoint, not cognito-idp's host)."""
    return f"{endpoint.rstrip('/')}/{user_pool_id}/.well-known/jwks.json"


class CognitoAuthorizer:
    # Against moto this proves a token came from the emulator, no more: moto signs with a key its package ships.
    def __init__(self, jwks_url: str, issuer: str, audience: str):
        self.jwks_url, self.issuer, self.audience = jwks_url, issuer, audience
        self._keys: jwt.PyJWKSet | None = None
        self._lock = threading.Lock()

    def keys(self) -> jwt.PyJWKSet:
        """The pool's JWKS, fetched on first use and kept (a pool's keys do not change while the stack runs)."""
        with self._lock:
            if self._keys is None:
                with urllib.request.urlopen(self.jwks_url, timeout=JWKS_TIMEOUT_SECONDS) as response:  # noqa: S310 (the emulator's URL)
                    self._keys = jwt.PyJWKSet.from_json(response.read().decode("utf-8"))
            return self._keys

    def claims_for(self, authorization: str | None) -> dict | None:
        token = bearer_token(authorization)
        if not token:
            return None
        keys = self.keys()  # outside the try: an unreachable JWKS is our failure (500), not the caller's
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            if not isinstance(kid, str):
                return None
            key = keys[kid]
            claims = jwt.decode(
                token, key, algorithms=["RS256"], audience=self.audience, issuer=self.issuer, options={"require": REQUIRED_CLAIMS}
            )
        except (jwt.PyJWTError, KeyError):
            return None
        if claims.get("token_use") != "id":  # an access token is not an identity
            return None
        return {name: as_claim_string(value) for name, value in claims.items()}


def as_claim_string(value: object) -> str:
    """A REST API's Cognito authorizer hands every claim to the Lambda as a string, lists comma-joined
    (functions/shared/auth.py reads groups either way)."""
    if isinstance(value, list):
        return ",".join(map(str, value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class DevTokens:
    """A random token per demo user that stands for that user's claims (DemoUser.claims), for in-process tests."""

    def __init__(self, users: dict[str, DemoUser] = DEMO_USERS):
        self.by_role = {role: secrets.token_urlsafe(24) for role in users}
        self._claims = {self.by_role[role]: user.claims() for role, user in users.items()}

    def claims_for(self, authorization: str | None) -> dict | None:
        claims = self._claims.get(bearer_token(authorization))
        return dict(claims) if claims else None
