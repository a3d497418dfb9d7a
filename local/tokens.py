"""Dev tokens: the local stand-in for Cognito ID tokens. Each demo user gets a random token at start;
the local API turns it back into that user's claims, as API Gateway's Cognito authorizer does."""

from __future__ import annotations

import secrets

from local.demo_directory import DEMO_USERS, DemoUser


class DevTokens:
    def __init__(self, users: dict[str, DemoUser] = DEMO_USERS):
        self.by_role = {role: secrets.token_urlsafe(24) for role in users}
        self._claims = {self.by_role[role]: user.claims() for role, user in users.items()}

    def claims_for(self, authorization: str | None) -> dict | None:
        """Claims for an `Authorization` header holding `<token>` or `Bearer <token>`; None if unknown."""
        token = (authorization or "").strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        claims = self._claims.get(token)
        return dict(claims) if claims else None
