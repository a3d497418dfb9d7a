"""`dss login`, `dss logout`, `dss whoami`: signing in with the desk's Cognito user pool and the saved
credentials (top-level commands, registered by dss_cli/main.py; the sign-in itself is dss_cli/signin.py)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

import typer

from dss_cli.api import ApiClient, refuse_token_over_plain_http
from dss_cli.cognito import CognitoClient
from dss_cli.commands.common import connection_of, note
from dss_cli.config import config_file, forget_login, normalize_api, save_login, saved_login
from dss_cli.errors import ApiError, ConfigError
from dss_cli.signin import (
    AuthenticatorSetup,
    SignInError,
    fetch_sign_in_config,
    save_signed_in,
    sign_in,
    sign_out,
    to_iso,
    token_claims,
    utc_now,
)

TOTP_CODE = re.compile(r"^\d{6}$")
SETUP_CODE_ATTEMPTS = 3  # typing the new authenticator's first code


def login(
    ctx: typer.Context,
    api: Annotated[
        str | None, typer.Option("--api", help="The API URL, e.g. the stack's ApiUrl output (default: dss --api, DSS_API).")
    ] = None,
    email: Annotated[str | None, typer.Option("--email", help="Your email address (asked if not given).")] = None,
    password: Annotated[
        str | None,
        typer.Option(
            "--password", envvar="DSS_PASSWORD", show_envvar=True, help="For scripts; asked (hidden) if not given. Prefer DSS_PASSWORD."
        ),
    ] = None,
    new_password: Annotated[
        str | None, typer.Option("--new-password", help="At your first sign-in: the password replacing the temporary one (else asked).")
    ] = None,
    totp_code: Annotated[
        str | None,
        typer.Option(
            "--totp-code",
            help="The 6-digit code of your authenticator app (else asked); when dss sets the app up, the new entry's first code.",
        ),
    ] = None,
    token: Annotated[
        str | None, typer.Option("--token", help="Save this ID token instead of signing in (automation; it is not renewed).")
    ] = None,
    verify: Annotated[bool, typer.Option(help="With --token: check the token with one request before saving it.")] = True,
) -> None:
    """Sign in with your email and password; later commands use (and renew) the saved sign-in."""
    api = api or connection_of(ctx).api or typer.prompt("API URL")
    api = normalize_api(api)
    refuse_token_over_plain_http(api)
    if token is not None:
        _save_token(api, token.strip(), verify)
        return
    email = (email or typer.prompt("Email")).strip()
    config = fetch_sign_in_config(api)
    password = password if password is not None else typer.prompt("Password", hide_input=True)

    def ask_new_password() -> str:
        if new_password is not None:
            return new_password
        note("Your password is temporary (first sign-in): choose your own.")
        chosen: str = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
        return chosen

    codes_asked = 0

    def ask_totp_code() -> str:
        nonlocal codes_asked
        if totp_code is not None:
            code = totp_code.strip()
        else:
            if codes_asked:
                note("That code did not match: enter the one your authenticator shows now (a new one every 30 seconds).")
            code = typer.prompt("Authenticator code").strip()
            for _ in range(2):  # a typo is asked again
                if TOTP_CODE.match(code):
                    break
                code = typer.prompt("The code is 6 digits; authenticator code").strip()
        codes_asked += 1
        if not TOTP_CODE.match(code):
            raise SignInError("the authenticator code is 6 digits: run dss login again with the current code")
        return code

    with CognitoClient(config) as client:
        tokens, answered = sign_in(
            client,
            email,
            password,
            new_password=ask_new_password,
            totp_code=ask_totp_code,
            set_up_authenticator=show_authenticator_setup,
            code_attempts=1 if totp_code is not None else SETUP_CODE_ATTEMPTS,
        )
    if new_password is not None and "NEW_PASSWORD_REQUIRED" not in answered:
        note("--new-password was not needed (your password is not temporary) and was not used.")
    path, saved = save_signed_in(api, config, email, tokens, utc_now())
    claims = token_claims(tokens.id_token)
    if "MFA_SETUP" in answered:
        note("Your authenticator app is set up: sign-ins ask for its code from now on (dss login --totp-code, or asked).")
    note(f"Signed in to {api} as {email} ({', '.join(groups_of(claims)) or 'no role'}); saved to {path}.")
    note(f"The sign-in renews itself before it expires ({saved['expiresAt']}) until you run dss logout.")


def show_authenticator_setup(setup: AuthenticatorSetup) -> None:
    """MFA_SETUP: what to add to an authenticator app (on the terminal, stderr; never saved)."""
    note("Your account requires an authenticator app (TOTP). Add an entry to yours (Google Authenticator, Microsoft")
    note("Authenticator, 1Password, ...) with this secret key (time-based, 6 digits, every 30 seconds):")
    note(f"  {setup.secret}")
    note("or with this URI (paste it, or make it a QR code):")
    note(f"  {setup.uri}")
    note("then enter the 6-digit code it shows.")


def _save_token(api: str, token: str, verify: bool) -> None:
    if verify:
        with ApiClient(api, token) as client:
            try:
                client.list_cases(limit=1)
            except ApiError as error:
                if error.status in (401, 403):
                    raise
    path = save_login(api, token)
    note(f"Saved to {path}")


def logout() -> None:
    """Sign out at Cognito (every sign-in of yours ends) and forget the saved API URL and tokens."""
    try:
        saved = saved_login()
    except ConfigError:
        saved = None  # unreadable: forgotten all the same
    if saved:
        sign_out(saved, note)
    note(f"Removed {config_file()}" if forget_login() else "Nothing saved.")


def whoami(ctx: typer.Context) -> None:
    """Who the next command acts as: the API, the user, roles and account from the ID token, its expiry."""
    credentials = connection_of(ctx).credentials()
    claims = token_claims(credentials.token)
    lines = [("API", credentials.api)]
    if claims:
        lines.append(("User", str(claims.get("email") or claims.get("cognito:username") or claims.get("sub") or "?")))
        lines.append(("Roles", ", ".join(groups_of(claims)) or "none"))
        if account := claims.get("custom:account_id"):
            contact = claims.get("custom:contact_id")
            lines.append(("Account", f"{account} (contact {contact})" if contact else str(account)))
        if isinstance(exp := claims.get("exp"), int | float):
            lines.append(("Expires", describe_expiry(datetime.fromtimestamp(exp, utc_now().tzinfo), utc_now())))
    else:
        lines.append(("Token", credentials.token[:6] + "…" if len(credentials.token) > 10 else "…"))
    lines.append(("From", credentials.source))
    width = max(len(label) for label, _ in lines)
    typer.echo("\n".join(f"{label:<{width}}  {value}" for label, value in lines))


def groups_of(claims: dict[str, Any]) -> list[str]:
    """`cognito:groups`: a list in the token (a comma-joined string as API Gateway hands it on)."""
    groups = claims.get("cognito:groups") or []
    return sorted(groups.split(",") if isinstance(groups, str) else map(str, groups))


def describe_expiry(expires_at: datetime, now: datetime) -> str:
    minutes = int((expires_at - now).total_seconds() // 60)
    return f"{to_iso(expires_at)} ({f'in {minutes} min' if minutes >= 0 else 'expired'})"
