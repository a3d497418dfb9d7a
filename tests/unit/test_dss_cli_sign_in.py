"""dss CLI: signing in with Cognito's JSON API (dss_cli/cognito.py, dss_cli/signin.py) against moto's Cognito in
server mode on loopback, over real HTTP: the password flow and its challenges (a new password, a TOTP code, setting
up an authenticator where the pool requires one), the refusals as one clear line, renewing the saved sign-in near its
expiry, signing out; then `dss login`, `whoami` and `logout` themselves (the API's GET /sign-in stood in for:
tests/local covers it over the local stack)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import stat
import struct
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from typer.testing import CliRunner

from dss_cli.cognito import CognitoClient, CognitoError, SignInConfig, Tokens
from dss_cli.config import config_file
from dss_cli.errors import InsecureApiUrl
from dss_cli.main import app
from dss_cli.signin import (
    AuthenticatorSetup,
    SignInError,
    fresh_login,
    otpauth_uri,
    save_signed_in,
    sign_in,
    sign_out,
    to_iso,
    token_claims,
)
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

        def require_authenticator(self) -> None:
            """MFA required, TOTP only, as the prod stage's pool (infra/components/identity.py)."""
            idp.set_user_pool_mfa_config(UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="ON")

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


# --- MFA_SETUP: a pool that requires an authenticator (the prod stage's) --------------------------------------------
# What moto 5.2.5 does of it (moto/cognitoidp/models.py): it asks MFA_SETUP after NEW_PASSWORD_REQUIRED when the pool's
# MFA is ON, answers AssociateSoftwareToken and VerifySoftwareToken with a Session, takes RespondToAuthChallenge
# MFA_SETUP in the session VerifySoftwareToken gave, and then asks SOFTWARE_TOKEN_MFA at every sign-in. It checks codes
# (RFC 6238, no window) only with MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true, which these tests set. What it does not
# do: every user gets the same secret; a confirmed user without an authenticator signs in with no MFA_SETUP (Cognito
# asks it at InitiateAuth too); it ignores MFA_SETUP's ChallengeResponses; MFAS_CAN_SETUP is a list, not Cognito's
# JSON text (the stub client below stands in for that).


def totp(secret: str, at: float) -> str:
    """RFC 6238 (HMAC-SHA1, 30 s, 6 digits) of a base32 secret, as an authenticator app computes it."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(int.from_bytes(digest[offset : offset + 4], 'big') & 0x7FFFFFFF) % 10**6:06d}"


def current_code(secret: str) -> str:
    """The code of now, never within 2 s of its end (moto accepts the current step only)."""
    if time.time() % 30 > 28:
        time.sleep(30 - time.time() % 30 + 0.1)
    return totp(secret, time.time())


def wrong_code(secret: str) -> str:
    return f"{(int(current_code(secret)) + 1) % 10**6:06d}"


def test_the_totp_helper_computes_rfc_6238s_test_vector():
    secret = base64.b32encode(b"12345678901234567890").decode()  # RFC 6238, appendix B: T=59 -> 94287082 (8 digits)
    assert totp(secret, 59) == "287082" and totp(secret, 1111111109) == "081804"


@pytest.fixture
def checked_codes(monkeypatch):
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")  # moto's server runs in this process


def test_a_first_sign_in_sets_a_password_then_an_authenticator_whose_code_then_signs_in(pool, checked_codes):
    pool.require_authenticator()
    email = pool.user("nina@acme.example", "Temp-passw0rd-9", temporary=True)
    shown: list[AuthenticatorSetup] = []

    def code() -> str:
        assert shown, "a code was asked before the secret was shown"
        return current_code(shown[-1].secret)

    with CognitoClient(pool.config) as client:
        tokens, answered = sign_in(
            client, email, "Temp-passw0rd-9", new_password=lambda: "Nina-chosen-passw0rd", totp_code=code, set_up_authenticator=shown.append
        )
    assert answered == ["NEW_PASSWORD_REQUIRED", "MFA_SETUP"]
    assert token_claims(tokens.id_token)["email"] == email and tokens.refresh_token
    (setup,) = shown
    assert setup.uri == otpauth_uri(setup.secret, email)
    parts = urlsplit(setup.uri)
    assert (parts.scheme, parts.netloc, parts.path) == ("otpauth", "totp", "/Dedicated%20Support%20Services:nina@acme.example")
    query = parse_qs(parts.query)
    assert query == {"secret": [setup.secret], "issuer": ["Dedicated Support Services"], "algorithm": ["SHA1"], "digits": ["6"],
                     "period": ["30"]}  # fmt: skip

    # From now on Cognito asks for the authenticator's code, and refuses a wrong one.
    with CognitoClient(pool.config) as client:
        with pytest.raises(CognitoError, match="^wrong authenticator code for nina@acme.example"):
            sign_in(client, email, "Nina-chosen-passw0rd", new_password=never, totp_code=lambda: wrong_code(setup.secret))
        again, answered = sign_in(client, email, "Nina-chosen-passw0rd", new_password=never, totp_code=lambda: current_code(setup.secret))
    assert answered == ["SOFTWARE_TOKEN_MFA"] and token_claims(again.id_token)["email"] == email


def test_a_mistyped_first_code_is_asked_again_then_gives_up_saying_what_to_do(pool, checked_codes):
    pool.require_authenticator()
    email = pool.user("tom@acme.example", "Temp-passw0rd-9", temporary=True)
    shown: list[AuthenticatorSetup] = []
    typed = iter([lambda secret: wrong_code(secret), current_code])

    with CognitoClient(pool.config) as client:
        tokens, answered = sign_in(client, email, "Temp-passw0rd-9", new_password=lambda: "Tom-chosen-passw0rd-1",
                                   totp_code=lambda: next(typed)(shown[-1].secret), set_up_authenticator=shown.append,
                                   code_attempts=3)  # fmt: skip
    assert answered == ["NEW_PASSWORD_REQUIRED", "MFA_SETUP"] and tokens.id_token

    email = pool.user("ann@acme.example", "Temp-passw0rd-9", temporary=True)
    with CognitoClient(pool.config) as client, pytest.raises(SignInError) as refused:
        sign_in(client, email, "Temp-passw0rd-9", new_password=lambda: "Ann-chosen-passw0rd-1",
                totp_code=lambda: wrong_code(shown[-1].secret), set_up_authenticator=shown.append)  # fmt: skip
    assert str(refused.value) == (
        "the authenticator's code did not match for ann@acme.example: remove this entry from your authenticator app, run dss "
        "login again and add the new secret it shows (Cognito has already taken your new password: sign in with it next time.)"
    )


class StubCognito:
    """Cognito's answers where moto's differ: MFAS_CAN_SETUP as JSON text, a USER_ID_FOR_SRP, new sessions each step."""

    def __init__(self, offered: str):
        self.offered, self.calls = offered, []

    def password_auth(self, email, password):
        from dss_cli.cognito import Challenge

        return Challenge("MFA_SETUP", "s1", {"MFAS_CAN_SETUP": self.offered, "USER_ID_FOR_SRP": "3f2a-user"})

    def associate_software_token(self, session):
        self.calls.append(("AssociateSoftwareToken", session))
        return "JBSWY3DPEHPK3PXP", "s2"

    def verify_software_token(self, session, code, device_name):
        self.calls.append(("VerifySoftwareToken", session, code, device_name))
        return "s3"

    def respond(self, challenge, responses):
        self.calls.append(("RespondToAuthChallenge", challenge.name, challenge.session, responses))
        return Tokens("id", "access", "refresh", 3600)


def test_mfa_setup_answers_in_each_steps_session_with_cognitos_user_name_and_refuses_sms_only():
    stub = StubCognito('["SOFTWARE_TOKEN_MFA"]')
    tokens, answered = sign_in(stub, "bob@acme.example", "pw", new_password=never, totp_code=lambda: "123456",
                               set_up_authenticator=lambda setup: None)  # fmt: skip
    assert answered == ["MFA_SETUP"] and tokens.id_token == "id"
    assert stub.calls == [
        ("AssociateSoftwareToken", "s1"),
        ("VerifySoftwareToken", "s2", "123456", "dss"),
        ("RespondToAuthChallenge", "MFA_SETUP", "s3", {"USERNAME": "3f2a-user"}),
    ]
    with pytest.raises(SignInError, match=r"must set up multi-factor authentication \(\[\"SMS_MFA\"\]\) before signing in"):
        sign_in(StubCognito('["SMS_MFA"]'), "bob@acme.example", "pw", new_password=never, totp_code=never,
                set_up_authenticator=lambda setup: pytest.fail("no TOTP to set up"))  # fmt: skip


def test_dss_login_shows_the_secret_and_its_uri_then_asks_the_first_code(cli, pool, checked_codes):
    """`dss login` as a person runs it: the password, the new one twice, then the authenticator's first code. moto gives
    every user the same secret (`asdfasdfasdf`), so the code typed can be computed before the secret is shown."""
    from moto.cognitoidp.models import COGNITO_TOTP_MFA_SECRET

    pool.require_authenticator()
    email = pool.user("nina@acme.example", "Temp-passw0rd-9", temporary=True)
    typed = f"Temp-passw0rd-9\nNina-chosen-passw0rd\nNina-chosen-passw0rd\n12\n{current_code(COGNITO_TOTP_MFA_SECRET)}\n"
    result = cli("login", "--api", API, "--email", email, input=typed)
    assert f"  {COGNITO_TOTP_MFA_SECRET}\n" in result.stderr
    assert f"  {otpauth_uri(COGNITO_TOTP_MFA_SECRET, email)}\n" in result.stderr
    assert "Your authenticator app is set up" in result.stderr and f"Signed in to {API} as {email}" in result.stderr
    assert json.loads(config_file().read_text())["email"] == email
    assert "Nina-chosen-passw0rd" not in result.output

    cli("logout")
    code = current_code(COGNITO_TOTP_MFA_SECRET)
    cli("login", "--api", API, "--email", email, "--password", "Nina-chosen-passw0rd", "--totp-code", code)
    assert json.loads(config_file().read_text())["email"] == email
