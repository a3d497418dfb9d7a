"""Signing in with the desk's Cognito user pool, keeping the sign-in fresh, and signing out.

`dss login --api URL --email E` asks the API where to sign in (GET /sign-in), signs in with USER_PASSWORD_AUTH
(answering NEW_PASSWORD_REQUIRED on a first sign-in, MFA_SETUP when the pool requires an authenticator the user has
not set up yet, and SOFTWARE_TOKEN_MFA when the user has one) and saves the API, that configuration, the ID, access
and refresh tokens and the ID token's expiry in the config file (readable by the user only). Every later command
that takes its token from there first renews the ID token with REFRESH_TOKEN_AUTH when it expires within 15 minutes
(`fresh_login`), and saves it. `dss logout` signs the user out at Cognito (GlobalSignOut) and forgets the file.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import requests

from dss_cli.api import TIMEOUT, refuse_token_over_plain_http
from dss_cli.cognito import (
    MFA_SETUP,
    NEW_PASSWORD_REQUIRED,
    SOFTWARE_TOKEN_MFA,
    Challenge,
    CognitoClient,
    CognitoError,
    SignInConfig,
    Tokens,
)
from dss_cli.config import config_file, normalize_api, write_private_json
from dss_cli.errors import ApiError, CliError, NetworkError
from dss_cli.transport import API_RETRY, describe_network_error, new_session

SIGN_IN_PATH = "/sign-in"
# An ID token this close to its expiry is renewed before a command uses it (they last an hour).
REFRESH_MARGIN = timedelta(minutes=15)
MAX_CHALLENGES = 4  # e.g. a new password, then setting up an authenticator
# What an authenticator app shows the entry as, and what Cognito names the user's authenticator.
AUTHENTICATOR_ISSUER = "Dedicated Support Services"
AUTHENTICATOR_DEVICE = "dss"
# Cognito's refusals of an authenticator's code while setting it up (VerifySoftwareToken).
WRONG_SETUP_CODE = frozenset({"CodeMismatchException", "EnableSoftwareTokenMFAException"})


class SignInError(CliError):
    """Signing in, renewing the sign-in or signing out failed in a way the user must act on."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def token_claims(token: str) -> dict[str, Any]:
    """A JWT's claims, decoded but not verified (the API verifies; this is for display and expiry); {} if it is
    not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return {}
    return claims if isinstance(claims, dict) else {}


def expiry_of(tokens: Tokens, now: datetime) -> datetime:
    """When the ID token expires: its `exp`, else the lifetime Cognito announced."""
    exp = token_claims(tokens.id_token).get("exp")
    return datetime.fromtimestamp(exp, UTC) if isinstance(exp, int | float) else now + timedelta(seconds=tokens.expires_in)


def fetch_sign_in_config(api: str) -> SignInConfig:
    """GET <api>/sign-in: public, no token."""
    refuse_token_over_plain_http(api)
    url = f"{api.rstrip('/')}{SIGN_IN_PATH}"
    with new_session(retry=API_RETRY.new(total=2)) as session:
        try:
            response = session.get(url, headers={"Accept": "application/json"}, timeout=TIMEOUT)
        except requests.RequestException as error:
            raise NetworkError(describe_network_error(error, url)) from None
    if response.status_code == 404:
        raise SignInError(
            f"{api} has no {SIGN_IN_PATH}: is it the API's URL (the stack's ApiUrl)? An API without sign-in takes "
            "`dss login --api URL --token TOKEN`"
        )
    if response.status_code != 200:
        raise ApiError.from_response(response)
    try:
        data = response.json()
    except ValueError:
        data = None
    return SignInConfig.from_json(data, f"the answer of GET {url}")


@dataclass(frozen=True)
class AuthenticatorSetup:
    """MFA_SETUP: the new TOTP secret (base32) to add to an authenticator app, and the same as an otpauth:// URI."""

    secret: str
    uri: str


def otpauth_uri(secret: str, email: str, issuer: str = AUTHENTICATOR_ISSUER) -> str:
    """The Key URI Format authenticator apps read (from a QR code or pasted): TOTP, SHA-1, 6 digits, 30 s (Cognito's)."""
    label = f"{quote(issuer, safe='')}:{quote(email, safe='@')}"
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": 6, "period": 30}, quote_via=quote)
    return f"otpauth://totp/{label}?{query}"


def sign_in(
    client: CognitoClient,
    email: str,
    password: str,
    *,
    new_password: Callable[[], str],
    totp_code: Callable[[], str],
    set_up_authenticator: Callable[[AuthenticatorSetup], None] | None = None,
    code_attempts: int = 1,
) -> tuple[Tokens, list[str]]:
    """USER_PASSWORD_AUTH, then each challenge Cognito asks: the tokens and the challenges answered.
    `new_password` and `totp_code` are asked only when Cognito wants them; `set_up_authenticator` is shown the new
    secret when the pool requires an authenticator the user has not set up (MFA_SETUP), whose first code is then
    asked up to `code_attempts` times."""
    answered: list[str] = []
    username, password_changed = email, False
    try:
        outcome = client.password_auth(email, password)
        while isinstance(outcome, Challenge):
            if len(answered) == MAX_CHALLENGES:
                raise SignInError(f"Cognito kept asking for challenges signing in {email} ({', '.join(answered)}); ask your administrator")
            challenge, username = outcome, outcome.username(username)
            answered.append(challenge.name)
            if challenge.name == MFA_SETUP:
                outcome = _set_up_authenticator(client, challenge, email, username, totp_code, set_up_authenticator, code_attempts)
            else:
                outcome = client.respond(challenge, _answer(challenge, username, new_password, totp_code))
            password_changed = password_changed or challenge.name == NEW_PASSWORD_REQUIRED
    except CognitoError as error:
        raise _after_new_password(explain(error, email), password_changed) from None
    except SignInError as error:
        raise _after_new_password(error, password_changed) from None
    return outcome, answered


def _answer(challenge: Challenge, username: str, new_password: Callable[[], str], totp_code: Callable[[], str]) -> dict[str, str]:
    if challenge.name == NEW_PASSWORD_REQUIRED:
        return {"USERNAME": username, "NEW_PASSWORD": new_password()}
    if challenge.name == SOFTWARE_TOKEN_MFA:
        return {"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": totp_code()}
    raise SignInError(f"Cognito asks for the {challenge.name} challenge, which dss cannot answer; ask your administrator")


def _set_up_authenticator(
    client: CognitoClient,
    challenge: Challenge,
    email: str,
    username: str,
    totp_code: Callable[[], str],
    show: Callable[[AuthenticatorSetup], None] | None,
    attempts: int,
) -> Tokens | Challenge:
    """MFA_SETUP with the challenge's session: AssociateSoftwareToken (a new secret, shown), VerifySoftwareToken with the
    authenticator's first code, then RespondToAuthChallenge MFA_SETUP in the session VerifySoftwareToken gave."""
    offered = challenge.parameters.get("MFAS_CAN_SETUP")  # a list, or its JSON text (Cognito: '["SOFTWARE_TOKEN_MFA"]')
    if show is None or (offered and SOFTWARE_TOKEN_MFA not in str(offered)):
        what = f" ({offered})" if offered else ""
        raise SignInError(
            f"{email} must set up multi-factor authentication{what} before signing in, which dss cannot do here; ask your administrator"
        )
    secret, session = client.associate_software_token(challenge.session)
    show(AuthenticatorSetup(secret, otpauth_uri(secret, email)))
    for attempt in range(1, max(attempts, 1) + 1):
        try:
            session = client.verify_software_token(session, totp_code(), AUTHENTICATOR_DEVICE)
            break
        except CognitoError as error:
            if error.code not in WRONG_SETUP_CODE:
                raise
            if attempt >= attempts:
                raise SignInError(
                    f"the authenticator's code did not match for {email}: remove this entry from your authenticator app, run "
                    "dss login again and add the new secret it shows"
                ) from None
    return client.respond(Challenge(MFA_SETUP, session, challenge.parameters), {"USERNAME": username})


def _after_new_password(error: CliError, password_changed: bool) -> CliError:
    """A sign-in that fails after Cognito took the new password says so: the temporary one no longer works."""
    if not password_changed:
        return error
    suffix = " (Cognito has already taken your new password: sign in with it next time.)"
    if isinstance(error, CognitoError):
        return CognitoError(error.code, error.message.rstrip() + suffix, error.status)
    return SignInError(str(error) + suffix)


# What the person at the terminal should do about each refusal of a sign-in.
REFUSALS = {
    "NotAuthorizedException": "sign-in refused for {email}: {message}",
    "UserNotFoundException": "no user {email} in this desk's user pool: check the email address",
    "InvalidPasswordException": "the new password was refused: {message} Choose another one and run dss login again",
    "CodeMismatchException": "wrong authenticator code for {email}: run dss login again with the current code",
    "ExpiredCodeException": "the authenticator code expired: run dss login again with the current code",
    "PasswordResetRequiredException": "the password of {email} must be reset: ask your administrator",
    "UserNotConfirmedException": "{email} is not confirmed yet: ask your administrator",
    "TooManyRequestsException": "too many sign-in attempts: wait a minute, then try again",
    "TooManyFailedAttemptsException": "too many failed attempts for {email}: wait a few minutes, then try again",
    "LimitExceededException": "too many attempts for {email}: wait a few minutes, then try again",
    "InvalidParameterException": "Cognito refused the sign-in for {email}: {message}",
}


def explain(error: CognitoError, email: str) -> CognitoError:
    template = REFUSALS.get(error.code)
    if template is None:
        return error
    message = error.message.rstrip()
    message = message if message.endswith((".", "!", "?")) else f"{message}."
    return CognitoError(error.code, template.format(email=email, message=message), error.status)


# --- the saved sign-in (the config file) ---------------------------------------------------------------


def save_signed_in(api: str, config: SignInConfig, email: str, tokens: Tokens, now: datetime) -> tuple[Path, dict[str, Any]]:
    """The config file: `token` is the ID token (what every command sends), as a `dss login --token` saves it."""
    saved = {
        "api": normalize_api(api),
        "email": email,
        "signIn": config.to_json(),
        "token": tokens.id_token,
        "accessToken": tokens.access_token,
        "refreshToken": tokens.refresh_token,
        "expiresAt": to_iso(expiry_of(tokens, now)),
    }
    path = config_file()
    write_private_json(path, saved)
    return path, saved


def saved_expiry(saved: dict[str, Any]) -> datetime | None:
    try:
        return from_iso(str(saved["expiresAt"]))
    except (KeyError, ValueError):
        return None


def signed_in_config(saved: dict[str, Any]) -> SignInConfig:
    return SignInConfig.from_json(saved.get("signIn"), f"the sign-in saved in {config_file()}")


def sign_in_again(saved: dict[str, Any]) -> str:
    api, email = saved.get("api") or "URL", saved.get("email") or "EMAIL"
    return f"sign in again with dss login --api {api} --email {email}"


def fresh_login(saved: dict[str, Any], note: Callable[[str], None], now: datetime | None = None) -> dict[str, Any]:
    """The saved sign-in with an ID token good for more than REFRESH_MARGIN: renewed with REFRESH_TOKEN_AUTH (and
    saved) when it is not. A refused refresh (expired, revoked, signed out) says to sign in again; an unreachable
    Cognito leaves a still-valid token in use."""
    now = now or utc_now()
    expires_at = saved_expiry(saved)
    if not saved.get("refreshToken") or (expires_at is not None and expires_at - now > REFRESH_MARGIN):
        return saved
    try:
        with CognitoClient(signed_in_config(saved)) as client:
            tokens = client.refresh(str(saved["refreshToken"]))
    except CognitoError as error:
        if error.code == "NotAuthorizedException":
            raise SignInError(f"your sign-in has expired or was revoked ({error.message.rstrip('.')}): {sign_in_again(saved)}") from None
        raise
    except NetworkError as error:
        if expires_at is not None and expires_at > now:
            note(f"Could not renew your sign-in ({error}); using the current token, which expires at {to_iso(expires_at)}.")
            return saved
        raise
    refreshed = {
        **saved,
        "token": tokens.id_token,
        "accessToken": tokens.access_token,
        "refreshToken": tokens.refresh_token or saved["refreshToken"],
        "expiresAt": to_iso(expiry_of(tokens, now)),
    }
    write_private_json(config_file(), refreshed)
    return refreshed


def sign_out(saved: dict[str, Any], note: Callable[[str], None], now: datetime | None = None) -> None:
    """GlobalSignOut with the saved access token (renewed first if it has expired), so the saved refresh token,
    and every other one of the user's, stops working. A sign-in that is already dead is no error."""
    if not saved.get("accessToken") or not saved.get("signIn"):
        return
    now = now or utc_now()
    try:
        current = fresh_login(saved, note, now)
        with CognitoClient(signed_in_config(current)) as client:
            client.global_sign_out(str(current["accessToken"]))
    except SignInError:
        note("Your sign-in had already expired or was revoked at Cognito.")
    except CognitoError as error:
        if error.code != "NotAuthorizedException":
            note(f"Could not sign out at Cognito: {error.one_line()}")
        else:
            note("Your sign-in had already expired or was revoked at Cognito.")
    except NetworkError as error:
        note(f"Could not reach Cognito to sign out ({error}); your refresh token stays valid until it expires.")
    else:
        note(f"Signed out of Cognito: every sign-in of {saved.get('email') or 'this user'} has ended.")
