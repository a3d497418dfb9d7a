"""An ID token issuer of the tests' own, for what moto's Cognito will not issue (an expired token, another
algorithm, another key): an RSA key pair made here, its JWKS served over real HTTP, tokens signed with PyJWT."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from local.tokens import CognitoAuthorizer

POOL_ID = "us-east-1_TestPool"
ISSUER = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL_ID}"
AUDIENCE = "test-app-client"
KID = "test-key"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class TokenIssuer:
    def __init__(self, jwks_url: str, key: rsa.RSAPrivateKey):
        self.jwks_url, self.key = jwks_url, key
        self.jwks_requests = 0

    def authorizer(self) -> CognitoAuthorizer:
        return CognitoAuthorizer(self.jwks_url, ISSUER, AUDIENCE)

    def claims(self, **overrides: object) -> dict:
        """An ID token's claims as Cognito writes them (moto's shape), for a customer of acme."""
        now = int(time.time())
        claims = {
            "iss": ISSUER, "sub": "4f1c0d7e-1111-2222-3333-444455556666", "aud": AUDIENCE, "token_use": "id",
            "iat": now, "auth_time": now, "exp": now + 3600, "email": "alice@acme.example", "email_verified": True,
            "custom:account_id": "acme", "custom:contact_id": "c-alice", "cognito:groups": ["customer-contacts", "mac-contacts"],
        }  # fmt: skip
        claims.update(overrides)
        return {name: value for name, value in claims.items() if value is not None}

    def token(self, *, key: rsa.RSAPrivateKey | None = None, headers: dict | None = None, **overrides: object) -> str:
        return jwt.encode(self.claims(**overrides), key or self.key, algorithm="RS256", headers={"kid": KID, **(headers or {})})


@contextmanager
def token_issuer() -> Iterator[TokenIssuer]:
    """A fresh key pair and its JWKS at http://127.0.0.1:<free port>/<pool>/.well-known/jwks.json."""
    key = new_key()
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwks = json.dumps({"keys": [{**public, "kid": KID, "alg": "RS256", "use": "sig"}]})
    issuer: TokenIssuer | None = None

    def app(environ, start_response):
        assert issuer is not None
        if Request(environ).path != f"/{POOL_ID}/.well-known/jwks.json":
            return Response("not found", status=404)(environ, start_response)
        issuer.jwks_requests += 1
        return Response(jwks, content_type="application/json")(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    issuer = TokenIssuer(f"http://127.0.0.1:{server.port}/{POOL_ID}/.well-known/jwks.json", key)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield issuer
    finally:
        server.shutdown()
        thread.join(timeout=5)
