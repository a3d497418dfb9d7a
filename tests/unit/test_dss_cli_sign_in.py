"""dss CLI: signing in with Cognito's JSON API (dss_cli/cognito.py, dss_cli/signin.py) against moto's Cognito in
server mode on loopback, over real HTTP: the password flow and its challenges (a new password, a TOTP code), the
refusals as one clear line, renewing the saved sign-in near its expiry, signing out; then `dss login`, `whoami`
and `logout` themselves (the API's GET /sign-in stood in for: tests/local covers it over the local stack)."""

from __future__ import annotations

import json
import os
import re
import stat
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from typer.testing import CliRunner

from dss_cli.cognito import CognitoClient, CognitoError, SignInConfig, Tokens
from dss_cli.config import config_file
from dss_cli.errors import InsecureApiUrl
from dss_cli.main import app
from dss_cli.signin import SignInError, fresh_login, save_signed_in, sign_in, sign_out, to_iso, token_claims
from tests.support.moto_server import moto_server

API = "http://127.0.0.1:3999"  # never reached: GET /sign-in is stood in for
PASSWORD = "Alice-passw0rd-1"
POLICY = {"MinimumLength": 12, "RequireLowercase": True, "RequireUppercase": True, "RequireNumbers": True, "RequireSymbols": True}


def never() -> str:
    raise AssertionError("asked for something Cognito did not want")


@pytest.fixture(scope="module")
def cognito_endpoint():
    with moto_server() as url:
        yield url


@pytest.fixture
def pool(cognito_endpoint):
    """A user pool like the stack's (email names, password policy, optional TOTP, a client without a secret)."""
    idp = boto3.client("cognito-idp", endpoint_url=cognito_endpoint, region_name="us-east-1")
    pool_id = idp.create_user_pool(PoolName="dss-test", UsernameAttributes=["email"], Policies={"PasswordPolicy": POLICY})["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="OPTIONAL")
    idp.create_group(UserPoolId=pool_id, GroupName="customer-contacts")
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="dss-api", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    config = SignInConfig(pool_id, client_id, "us-east-1", f"{cognito_endpoint}/")

    class Pool:
        def __init__(self):
            self.idp, self.config = idp, config

        def user(self, email: str, password: str = PASSWORD, *, temporary: bool = False) -> str:
            attributes = {"email": email, "email_verified": "true", "custom:account_id": "acme", "custom:contact_id": "c-" + email[:4]}
            idp.admin_create_user(
                UserPoolId=pool_id,
                Username=email,
                TemporaryPassword=password,
                MessageAction="SUPPRESS",
                UserAttributes=[{"Name": name, "Value": value} for name, value in attributes.items()],
            )
            if not temporary:
                idp.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=password, Permanent=True)
            idp.admin_add_user_to_group(UserPoolId=pool_id, Username=email, GroupName="customer-contacts")
            return email

        def with_authenticator(self, email: str) -> None:
            """The user has set up an authenticator app (moto accepts any 6 digits as its code)."""
            access = idp.initiate_auth(
                ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD}
            )["AuthenticationResult"]["AccessToken"]
            idp.associate_software_token(AccessToken=access)
            idp.verify_software_token(AccessToken=access, UserCode="123456")
            idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})

        def refreshes(self, refresh_token: str) -> bool:
            try:
                idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh_token})
            except idp.exceptions.NotAuthorizedException:
                return False
            return True

    return Pool()


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("DSS_CONFIG_DIR", str(tmp_path / "config"))
    for name in ("DSS_API", "DSS_TOKEN", "DSS_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def signed_in(pool, email: str, password: str = PASSWORD) -> Tokens:
    with CognitoClient(pool.config) as client:
        tokens, answered = sign_in(client, email, password, new_password=never, totp_code=never)
    assert answered == []
    return tokens


# --- the Cognito JSON client ---------------------------------------------------------------------------


def test_a_password_sign_in_gets_the_id_token_and_a_refresh_renews_it(pool):
    tokens = signed_in(pool, pool.user("alice@acme.example"))

    claims = token_claims(tokens.id_token)
    assert (claims["email"], claims["token_use"], claims["aud"]) == ("alice@acme.example", "id", pool.config.client_id)
    assert claims["cognito:groups"] == ["customer-contacts"] and claims["custom:account_id"] == "acme"
    assert token_claims(tokens.access_token)["token_use"] == "access" and tokens.refresh_token
    with CognitoClient(pool.config) as client:
        renewed = client.refresh(tokens.refresh_token)
    assert renewed.id_token != tokens.id_token and renewed.refresh_token is None  # the refresh token stays the same
    assert token_claims(renewed.id_token)["sub"] == claims["sub"]


def test_a_wrong_password_or_an_unknown_user_is_one_clear_line(pool):
    email = pool.user("alice@acme.example")
    with CognitoClient(pool.config) as client:
        with pytest.raises(CognitoError) as wrong:
            sign_in(client, email, PASSWORD + "x", new_password=never, totp_code=never)
        with pytest.raises(CognitoError) as unknown:
            sign_in(client, "nobody@acme.example", PASSWORD, new_password=never, totp_code=never)
    assert wrong.value.one_line() == "sign-in refused for alice@acme.example: Incorrect username or password. (NotAuthorizedException)"
    # Real Cognito answers NotAuthorizedException here too (the client prevents user existence errors); moto tells.
    assert unknown.value.one_line().startswith("no user nobody@acme.example in this desk's user pool")


def test_a_first_sign_in_sets_a_new_password_then_the_new_one_signs_in(pool):
    email, asked = pool.user("nina@acme.example", "Temp-passw0rd-9", temporary=True), []

    def new_password() -> str:
        asked.append(1)
        return "Nina-chosen-passw0rd"

    with CognitoClient(pool.config) as client:
        with pytest.raises(CognitoError, match=r"^the new password was refused: .*Choose another one") as weak:
            sign_in(client, email, "Temp-passw0rd-9", new_password=lambda: "short", totp_code=never)
        assert weak.value.code == "InvalidPasswordException"
        tokens, answered = sign_in(client, email, "Temp-passw0rd-9", new_password=new_password, totp_code=never)
    assert answered == ["NEW_PASSWORD_REQUIRED"] and asked == [1]
    assert token_claims(tokens.id_token)["email"] == email
    assert signed_in(pool, email, "Nina-chosen-passw0rd").id_token


def test_a_user_with_an_authenticator_is_asked_for_the_code(pool):
    email = pool.user("tom@acme.example")
    pool.with_authenticator(email)
    with CognitoClient(pool.config) as client:
        tokens, answered = sign_in(client, email, PASSWORD, new_password=never, totp_code=lambda: "654321")
    assert answered == ["SOFTWARE_TOKEN_MFA"] and token_claims(tokens.id_token)["email"] == email


def test_a_password_never_goes_over_plain_http_to_another_host(pool, monkeypatch):
    monkeypatch.setattr("requests.Session.request", lambda *args, **kwargs: pytest.fail("a request was sent"))
    for endpoint in ("http://cognito-idp.us-east-1.amazonaws.com/", "http://10.0.0.5:5050/"):
        with pytest.raises(InsecureApiUrl, match="^refusing to send your password over plain http://"):
            CognitoClient(SignInConfig("p", "c", "us-east-1", endpoint))


# --- the saved sign-in: renewed near its expiry, signed out ------------------------------------------------


def saved_sign_in(pool, email: str, expires_in: timedelta | None = None) -> dict:
    tokens = signed_in(pool, email)
    _, saved = save_signed_in(API, pool.config, email, tokens, datetime.now(UTC))
    if expires_in is not None:
        saved["expiresAt"] = to_iso(datetime.now(UTC) + expires_in)
    return saved


def test_the_sign_in_is_saved_privately_and_renewed_within_15_minutes_of_expiry(pool):
    saved = saved_sign_in(pool, pool.user("alice@acme.example"))
    assert stat.S_IMODE(os.stat(config_file()).st_mode) == 0o600
    assert json.loads(config_file().read_text()) == saved
    assert set(saved) == {"api", "email", "signIn", "token", "accessToken", "refreshToken", "expiresAt"}
    assert saved["signIn"] == pool.config.to_json()
    assert saved["expiresAt"] == to_iso(datetime.fromtimestamp(token_claims(saved["token"])["exp"], UTC))

    notes = []
    assert fresh_login({**saved, "expiresAt": to_iso(datetime.now(UTC) + timedelta(minutes=16))}, notes.append)["token"] == saved["token"]
    near = {**saved, "expiresAt": to_iso(datetime.now(UTC) + timedelta(minutes=14))}
    renewed = fresh_login(near, notes.append)
    assert renewed["token"] != saved["token"] and renewed["refreshToken"] == saved["refreshToken"]
    assert renewed["expiresAt"] > near["expiresAt"] and json.loads(config_file().read_text()) == renewed
    assert notes == []


def test_a_refused_refresh_says_to_sign_in_again(pool):
    email = pool.user("alice@acme.example")
    saved = saved_sign_in(pool, email, expires_in=timedelta(minutes=5))
    pool.idp.admin_user_global_sign_out(UserPoolId=pool.config.user_pool_id, Username=email)
    with pytest.raises(SignInError, match=rf"expired or was revoked .*sign in again with dss login --api {API} --email {email}$"):
        fresh_login(saved, print)


def test_signing_out_ends_the_refresh_token_and_an_ended_sign_in_is_no_error(pool):
    email = pool.user("alice@acme.example")
    saved, notes = saved_sign_in(pool, email), []
    sign_out(saved, notes.append)
    assert notes == [f"Signed out of Cognito: every sign-in of {email} has ended."]
    assert not pool.refreshes(saved["refreshToken"])

    notes.clear()
    sign_out({**saved, "expiresAt": to_iso(datetime.now(UTC) - timedelta(minutes=1))}, notes.append)  # expired, and revoked
    assert notes == ["Your sign-in had already expired or was revoked at Cognito."]


# --- the commands ------------------------------------------------------------------------------------------


@pytest.fixture
def cli(pool, monkeypatch):
    monkeypatch.setattr("dss_cli.commands.login.fetch_sign_in_config", lambda api: pool.config)
    runner = CliRunner()

    def run(*args: str, input: str | None = None, expect: int = 0):
        result = runner.invoke(app, list(args), input=input)
        assert result.exit_code == expect, (result.stdout, result.stderr)
        return result

    return run


def test_dss_login_asks_for_what_it_needs_and_whoami_shows_the_user(cli, pool):
    email = pool.user("nina@acme.example", "Temp-passw0rd-9", temporary=True)
    # The password, then the new one twice (hidden prompts), as a person types them.
    result = cli("login", "--api", API, "--email", email, input="Temp-passw0rd-9\nNina-chosen-passw0rd\nNina-chosen-passw0rd\n")
    assert "Your password is temporary" in result.stderr and f"Signed in to {API} as {email} (customer-contacts)" in result.stderr
    assert "Temp-passw0rd-9" not in result.output and "Nina-chosen-passw0rd" not in result.output

    shown = cli("whoami").stdout
    assert f"User     {email}" in shown and "Roles    customer-contacts" in shown and "Account  acme (contact c-nina)" in shown
    assert re.search(r"Expires  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in 5\d min\)", shown) and str(config_file()) in shown

    cli("logout")
    assert not config_file().exists()
    assert cli("logout").stderr == "Nothing saved.\n"


def test_dss_login_takes_a_totp_code_and_refuses_a_malformed_one(cli, pool):
    email = pool.user("tom@acme.example")
    pool.with_authenticator(email)
    refused = cli("login", "--api", API, "--email", email, "--password", PASSWORD, "--totp-code", "12345", expect=1)
    assert refused.stderr == "Error: the authenticator code is 6 digits: run dss login again with the current code\n"
    assert not config_file().exists()
    cli("login", "--api", API, "--email", email, "--password", PASSWORD, input="123456\n")
    assert json.loads(config_file().read_text())["email"] == email


def test_a_wrong_password_saves_nothing(cli, pool):
    email = pool.user("alice@acme.example")
    refused = cli("login", "--api", API, "--email", email, "--password", "Wrong-passw0rd-1", expect=1)
    assert refused.stderr == f"Error: sign-in refused for {email}: Incorrect username or password. (NotAuthorizedException)\n"
    assert not config_file().exists()
