"""Signing in to the portal where the user pool requires an authenticator app (as the prod stage's does): a newly
invited contact chooses a password, sets up TOTP from the secret key the page shows and lands signed in, then signs in
again with the app's code; wrong codes show at the code field; a step that expired starts the sign-in again; a
forgotten password is reset with the emailed code.

The local stack's pool has optional MFA (local/provision.py): this module's stack requires it, and its moto checks
TOTP codes (MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP; otherwise it takes any 6 digits). What moto does of these flows is
in tests/unit/test_dss_cli_sign_in.py: one secret for every user, MFA_SETUP asked only right after NEW_PASSWORD_REQUIRED,
then SOFTWARE_TOKEN_MFA at every sign-in."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import struct
import time
from urllib.parse import parse_qs, unquote, urlsplit

import boto3
import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import accessible
from tests.local.stack_process import LocalStack

pytestmark = pytest.mark.slow

ACCOUNT = {"accountId": "umbrella", "name": "Umbrella Support", "region": "north-america"}
NEW_PASSWORD = "Chosen-passw0rd-2026"
CODE_LABEL = "Code from your authenticator app"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    running = LocalStack(tmp_path_factory.mktemp("mfa-stack"))
    try:
        with pytest.MonkeyPatch.context() as environment:
            environment.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")  # the stack's moto inherits it
            running.start()
        require_authenticator(running)
        assert running.request("POST", "/accounts", role="engineer", json=ACCOUNT).status_code == 201
        yield running
    finally:
        running.stop()


def require_authenticator(stack: LocalStack) -> None:
    """MFA required, TOTP only, as infra/components/identity.py makes the prod stage's pool."""
    cognito = stack.session["cognito"]
    idp = boto3.client("cognito-idp", endpoint_url=stack.session["aws"], region_name=cognito["region"],
                       aws_access_key_id="local", aws_secret_access_key="local")  # fmt: skip
    idp.set_user_pool_mfa_config(UserPoolId=cognito["userPoolId"], SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="ON")


def invite(stack: LocalStack, contact_id: str, name: str, email: str) -> str:
    """An engineer adds a contact; the temporary password of their invitation, from the local outbox."""
    contact = {"contactId": contact_id, "name": name, "email": email, "macAuthorized": False}
    added = stack.request("POST", f"/accounts/{ACCOUNT['accountId']}/contacts", role="engineer", json=contact)
    assert added.status_code == 201, added.text
    mail = stack.request("GET", "/_local/outbox", params={"to": email}).json()["items"]
    return re.search(r"^Temporary password: (\S+)", mail[-1]["text"], re.MULTILINE).group(1)


def totp(secret: str, at: float) -> str:
    """RFC 6238 (HMAC-SHA1, 30 s, 6 digits) of a base32 secret, as an authenticator app computes it."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(int.from_bytes(digest[offset : offset + 4], 'big') & 0x7FFFFFFF) % 10**6:06d}"


def wrong_code(secret: str) -> str:
    return f"{(int(totp(secret, time.time())) + 1) % 10**6:06d}"


def sign_in_with_password(page: Page, stack: LocalStack, email: str, password: str) -> None:
    page.goto(f"{stack.portal}/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def choose_new_password(page: Page) -> None:
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()


def refuses_a_wrong_code(page: Page, secret: str, button: str) -> None:
    field = page.get_by_label(CODE_LABEL)
    field.fill(wrong_code(secret))
    page.get_by_role("button", name=button, exact=True).click()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("That code did not match"))
    expect(field).to_be_focused()


def enter_current_code(page: Page, secret: str, button: str) -> None:
    """Submits the app's code of now; once more if the 30-second step turned meanwhile (moto takes the current step's
    code only), so a code computed just before the turn does not fail the test."""
    signed_in = page.get_by_role("button", name="Sign out")
    for _ in range(2):
        step = int(time.time() // 30)
        page.get_by_label(CODE_LABEL).fill(totp(secret, time.time()))
        page.get_by_role("button", name=button, exact=True).click()
        expect(signed_in.or_(page.get_by_text("That code did not match"))).to_be_visible()
        if signed_in.is_visible() or int(time.time() // 30) == step:
            break
    expect(signed_in).to_be_visible()


def test_a_new_contact_sets_up_an_authenticator_app_then_signs_in_with_its_codes(page: Page, stack):
    email = "nina@umbrella.example"
    sign_in_with_password(page, stack, email, invite(stack, "c-nina", "Nina New", email))
    accessible(page, "sign-in-new-password")
    choose_new_password(page)

    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_focused()
    key = page.get_by_role("figure", name="Secret key")
    grouped = key.locator("code").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})*( [A-Z2-7]{1,3})?", grouped), grouped
    secret = grouped.replace(" ", "")
    uri = urlsplit(page.get_by_role("link", name="open the key in your authenticator app").get_attribute("href"))
    assert (uri.scheme, uri.netloc, unquote(uri.path)) == ("otpauth", "totp", f"/Case desk:{email}")
    assert parse_qs(uri.query) == {"secret": [secret], "issuer": ["Case desk"], "algorithm": ["SHA1"], "digits": ["6"],
                                   "period": ["30"]}  # fmt: skip
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.portal)
    key.get_by_role("button", name="Copy key").click()
    expect(page.get_by_role("status").filter(has_text="Secret key copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    accessible(page, "sign-in-mfa-setup")

    refuses_a_wrong_code(page, secret, "Verify and sign in")
    accessible(page, "sign-in-mfa-setup-wrong-code")
    enter_current_code(page, secret, "Verify and sign in")
    expect(page.get_by_text(email)).to_be_visible()
    accessible(page, "case-list-after-mfa-setup")

    # From now on every sign-in asks for the app's code.
    page.get_by_role("button", name="Sign out").click()
    sign_in_with_password(page, stack, email, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Enter your authenticator code")).to_be_focused()
    accessible(page, "sign-in-mfa-code")
    refuses_a_wrong_code(page, secret, "Verify")
    accessible(page, "sign-in-mfa-code-wrong-code")
    enter_current_code(page, secret, "Verify")


def test_an_expired_step_starts_the_sign_in_again_with_the_new_password_kept(page: Page, stack):
    email = "omar@umbrella.example"
    sign_in_with_password(page, stack, email, invite(stack, "c-omar", "Omar Late", email))
    choose_new_password(page)
    expect(page.get_by_role("figure", name="Secret key")).to_be_visible()

    # Cognito's challenge sessions last 3 minutes and moto's never end: Cognito's answer to a late code stands in.
    def expired(route: Route) -> None:
        if route.request.method == "POST" and route.request.headers.get("x-amz-target", "").endswith(".VerifySoftwareToken"):
            refusal = {"__type": "NotAuthorizedException", "message": "Invalid session for the user, session is expired."}
            route.fulfill(status=400, headers={"Access-Control-Allow-Origin": "*"}, content_type="application/x-amz-json-1.1",
                          body=json.dumps(refusal))  # fmt: skip
        else:
            route.fallback()

    page.route(f"{stack.session['aws']}/", expired)
    page.get_by_label(CODE_LABEL).fill("123456")
    page.get_by_role("button", name="Verify and sign in").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This sign-in expired")
    expect(alert).to_contain_text("Your new password is saved: sign in with it.")
    expect(page.get_by_role("heading", name="Sign in")).to_be_focused()
    expect(page.get_by_label("Email")).to_have_value(email)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    accessible(page, "sign-in-started-again")

    page.unroute_all()
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # moto asks MFA_SETUP only right after NEW_PASSWORD_REQUIRED (Cognito would ask it here again): signed in.
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_contact_who_forgot_their_password_resets_it_with_the_emailed_code(page: Page, stack):
    email = stack.session["users"]["other_customer"]["email"]
    page.goto(f"{stack.portal}/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Forgot password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_focused()
    expect(page.get_by_label("Email")).to_have_value(email)
    accessible(page, "forgot-password")

    def is_forgot_password(response) -> bool:
        request = response.request
        return request.method == "POST" and request.headers.get("x-amz-target", "").endswith(".ForgotPassword")

    with page.expect_response(is_forgot_password) as sent:
        page.get_by_role("button", name="Send code").click()
    # moto emails nothing: it hands the code back in a header of its own.
    emailed = sent.value.all_headers()["x-moto-forgot-password-confirmation-code"]
    expect(page.get_by_role("status").filter(has_text="We sent a code to")).to_be_visible()
    code = page.get_by_label("Code from the email")
    expect(code).to_be_focused()

    code.fill("moto-confirmation-code:000000")  # moto checks only codes of its own form; any other passes
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(code).to_have_accessible_description(re.compile("That code has expired"))
    accessible(page, "forgot-password-wrong-code")

    code.fill(emailed)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status").filter(has_text="Your password is changed")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value(email)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
