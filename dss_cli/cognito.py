"""Cognito's user-pool sign-in as plain JSON over HTTPS, no AWS SDK: InitiateAuth, RespondToAuthChallenge,
AssociateSoftwareToken and VerifySoftwareToken (with a challenge's Session) and GlobalSignOut are unsigned calls (a
POST to the pool's regional endpoint, the operation in `X-Amz-Target`), made with the app client's id only. Where to
post them comes from the API's GET /sign-in (SignInConfig)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from dss_cli.api import TIMEOUT, is_loopback
from dss_cli.errors import CliError, InsecureApiUrl, NetworkError
from dss_cli.transport import API_RETRY, NO_RETRY, describe_network_error, new_session

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
CONTENT_TYPE = "application/x-amz-json-1.1"
NEW_PASSWORD_REQUIRED = "NEW_PASSWORD_REQUIRED"
SOFTWARE_TOKEN_MFA = "SOFTWARE_TOKEN_MFA"
MFA_SETUP = "MFA_SETUP"


class CognitoError(CliError):
    """Cognito refused a call: its error type (`NotAuthorizedException`, …) and message."""

    def __init__(self, code: str, message: str, status: int | None = None):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status

    def one_line(self) -> str:
        return f"{self.message.rstrip()} ({self.code})"


@dataclass(frozen=True)
class SignInConfig:
    """The API's GET /sign-in: the user pool, its app client, the region and the endpoint to post to."""

    user_pool_id: str
    client_id: str
    region: str
    endpoint: str

    @classmethod
    def from_json(cls, data: Any, where: str) -> SignInConfig:
        fields = {"user_pool_id": "userPoolId", "client_id": "clientId", "region": "region", "endpoint": "endpoint"}
        if not isinstance(data, dict) or not all(isinstance(data.get(key), str) and data[key] for key in fields.values()):
            raise CognitoError(
                "bad_sign_in_configuration", f"{where} is not a sign-in configuration (userPoolId, clientId, region, endpoint)"
            )
        return cls(**{name: data[key] for name, key in fields.items()})

    def to_json(self) -> dict[str, str]:
        return {"userPoolId": self.user_pool_id, "clientId": self.client_id, "region": self.region, "endpoint": self.endpoint}


@dataclass(frozen=True)
class Tokens:
    """AuthenticationResult: the ID token (the API's `Authorization`), the access token (GlobalSignOut), the
    refresh token (none when refreshing: the one signed in with stays valid) and the access token's lifetime."""

    id_token: str
    access_token: str
    refresh_token: str | None
    expires_in: int


@dataclass(frozen=True)
class Challenge:
    """What Cognito asks before it issues tokens (a new password, a TOTP code), and the session to answer in."""

    name: str
    session: str
    parameters: dict[str, Any]

    def username(self, email: str) -> str:
        """The user name to answer with: Cognito's own name for the user (USER_ID_FOR_SRP: a challenge's answer takes
        the user's name, not an alias such as the email), else the email signed in with (moto gives no
        USER_ID_FOR_SRP, and its ID token then names the user by what the answer said)."""
        value = self.parameters.get("USER_ID_FOR_SRP")
        return value if isinstance(value, str) and value else email


def refuse_password_over_plain_http(endpoint: str) -> None:
    """A password or token sent over http:// can be read on the way: plain http only to this machine (the local stack)."""
    parts = urlsplit(endpoint)
    if parts.scheme.lower() not in ("http", "https"):
        raise CognitoError("bad_sign_in_configuration", f"the sign-in endpoint {endpoint!r} is not an http(s) URL")
    if parts.scheme.lower() == "http" and not is_loopback(parts.hostname or ""):
        raise InsecureApiUrl(
            f"refusing to send your password over plain http:// to {parts.hostname or endpoint}: the sign-in endpoint must be "
            "https:// (http:// is only for 127.0.0.1, ::1 or localhost)"
        )


class CognitoClient:
    def __init__(self, config: SignInConfig):
        refuse_password_over_plain_http(config.endpoint)
        self.config = config
        # A password is sent once (a retry could count as a second wrong attempt); a refresh or sign-out may be repeated.
        self.session_once = new_session(retry=NO_RETRY)
        self.session = new_session(retry=API_RETRY.new(total=2))

    def __enter__(self) -> CognitoClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.close()
        self.session_once.close()

    def call(self, operation: str, body: dict[str, Any], *, retry: bool = False) -> dict[str, Any]:
        """One Cognito operation; its JSON answer, or CognitoError with Cognito's error type and message."""
        headers = {"Content-Type": CONTENT_TYPE, "X-Amz-Target": TARGET_PREFIX + operation, "Accept": "application/json"}
        session = self.session if retry else self.session_once
        try:
            response = session.post(self.config.endpoint, data=json.dumps(body), headers=headers, timeout=TIMEOUT)
        except requests.RequestException as error:
            raise NetworkError(describe_network_error(error, self.config.endpoint)) from None
        try:
            answer = response.json() if response.content else {}
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            text = " ".join(response.text.split())[:200] or response.reason or "no body"
            raise CognitoError(
                f"http_{response.status_code}", f"the sign-in endpoint answered {operation} with {text}", response.status_code
            )
        if response.status_code != 200:
            # `__type` is the error's name, sometimes namespaced (`com.amazonaws…#NotAuthorizedException`).
            kind = str(answer.get("__type") or response.headers.get("x-amzn-ErrorType") or f"http_{response.status_code}")
            code = kind.rsplit("#", 1)[-1].split(":", 1)[0]
            message = str(answer.get("message") or answer.get("Message") or code)
            raise CognitoError(code, message, response.status_code)
        return answer

    def password_auth(self, email: str, password: str) -> Tokens | Challenge:
        return self._outcome(
            self.call(
                "InitiateAuth",
                {
                    "AuthFlow": "USER_PASSWORD_AUTH",
                    "ClientId": self.config.client_id,
                    "AuthParameters": {"USERNAME": email, "PASSWORD": password},
                },
            )
        )

    def respond(self, challenge: Challenge, responses: dict[str, str]) -> Tokens | Challenge:
        body = {
            "ChallengeName": challenge.name,
            "ClientId": self.config.client_id,
            "Session": challenge.session,
            "ChallengeResponses": responses,
        }
        return self._outcome(self.call("RespondToAuthChallenge", body))

    def associate_software_token(self, session: str) -> tuple[str, str]:
        """MFA_SETUP, step 1: a new TOTP secret for the user signing in (base32), and the session to go on with."""
        answer = self.call("AssociateSoftwareToken", {"Session": session})
        secret = answer.get("SecretCode")
        if not isinstance(secret, str) or not secret:
            raise CognitoError("bad_response", "Cognito answered AssociateSoftwareToken without a secret")
        return secret, str(answer.get("Session") or session)

    def verify_software_token(self, session: str, code: str, device_name: str) -> str:
        """MFA_SETUP, step 2: the authenticator's first code proves it holds the secret; the session to answer
        MFA_SETUP in."""
        answer = self.call("VerifySoftwareToken", {"Session": session, "UserCode": code, "FriendlyDeviceName": device_name})
        if answer.get("Status") != "SUCCESS":
            raise CognitoError("EnableSoftwareTokenMFAException", "Cognito did not accept the authenticator's code")
        return str(answer.get("Session") or session)

    def refresh(self, refresh_token: str) -> Tokens:
        answer = self.call(
            "InitiateAuth",
            {"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": self.config.client_id, "AuthParameters": {"REFRESH_TOKEN": refresh_token}},
            retry=True,
        )
        outcome = self._outcome(answer)
        if isinstance(outcome, Challenge):
            raise CognitoError("UnexpectedChallenge", f"Cognito asked for {outcome.name} to refresh the sign-in")
        return outcome

    def global_sign_out(self, access_token: str) -> None:
        """Signs the user out everywhere: every refresh token Cognito issued them stops working."""
        self.call("GlobalSignOut", {"AccessToken": access_token}, retry=True)

    @staticmethod
    def _outcome(answer: dict[str, Any]) -> Tokens | Challenge:
        result = answer.get("AuthenticationResult")
        if isinstance(result, dict) and isinstance(result.get("IdToken"), str) and isinstance(result.get("AccessToken"), str):
            return Tokens(result["IdToken"], result["AccessToken"], result.get("RefreshToken"), int(result.get("ExpiresIn") or 3600))
        if isinstance(answer.get("ChallengeName"), str):
            return Challenge(answer["ChallengeName"], str(answer.get("Session") or ""), dict(answer.get("ChallengeParameters") or {}))
        raise CognitoError("bad_response", "Cognito answered with neither tokens nor a challenge")
