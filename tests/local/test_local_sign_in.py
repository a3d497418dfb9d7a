"""Signing in on the local stack for real, over HTTP: moto's Cognito issues the demo users' ID tokens, the local
API Gateway checks them as the Cognito authorizer does (signature against the pool's JWKS, issuer, audience,
expiry, token_use), and the demo directory knows the staff by the subs the pool gave them. What moto will not
issue (an expired token) is covered in test_id_token_verifier.py."""

from __future__ import annotations

import base64
import json
import time

import boto3
import jwt
import pytest
import requests

from local.demo_directory import EXAMPLE_SUPPORT_CASE
from tests.local.test_local_clock import eventually

pytestmark = pytest.mark.slow

UNAUTHORIZED = {"error": "unauthorized", "message": "Sign in and send your ID token in the Authorization header."}
ADMIN_CASE = {"caseType": "Admin", "subject": "Portal login", "description": "Locked out"}


def cognito(stack):
    aws = stack.session["aws"]
    return boto3.client("cognito-idp", endpoint_url=aws, region_name="us-east-1", aws_access_key_id="local", aws_secret_access_key="local")


def sign_in(stack, role: str, client_id: str | None = None) -> dict:
    user, client_id = stack.session["users"][role], client_id or stack.session["cognito"]["userPoolClientId"]
    parameters = {"USERNAME": user["email"], "PASSWORD": user["password"]}
    answer = cognito(stack).initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=parameters)
    return answer["AuthenticationResult"]


def payload(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def get_cases(stack, token: str) -> requests.Response:
    return stack.request("GET", "/cases", headers={"Authorization": token}, params={"view": "my-open"})


def assert_refused(response: requests.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.json() == UNAUTHORIZED


def test_a_demo_token_is_a_cognito_id_token_and_the_api_acts_as_its_sub(local_stack):
    token, pool = local_stack.token("customer_mac"), local_stack.session["cognito"]
    claims = payload(token)
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert claims["iss"] == f"https://cognito-idp.us-east-1.amazonaws.com/{pool['userPoolId']}"
    assert (claims["aud"], claims["token_use"], claims["email"]) == (pool["userPoolClientId"], "id", "bob@acme.example")
    assert sorted(claims["cognito:groups"]) == ["customer-contacts", "mac-contacts"]
    assert (claims["custom:account_id"], claims["custom:contact_id"]) == ("acme", "c-bob")
    assert claims["exp"] - claims["iat"] == 3600
    # The signature holds against the keys moto publishes for the pool, checked here without the local API.
    jwks = requests.get(f"{local_stack.session['aws']}/{pool['userPoolId']}/.well-known/jwks.json", timeout=10).json()
    keys = jwt.PyJWKSet.from_dict(jwks)
    jwt.decode(token, keys[jwt.get_unverified_header(token)["kid"]], algorithms=["RS256"], audience=pool["userPoolClientId"])

    created = local_stack.request("POST", "/cases", role="customer_mac", json=ADMIN_CASE)
    assert created.status_code == 201, created.text
    assert (created.json()["openedBy"], created.json()["contactId"]) == (claims["sub"], "c-bob")


def test_the_session_users_sign_in_with_their_passwords_and_the_api_takes_their_tokens(local_stack):
    number = local_stack.request("POST", "/cases", role="customer", json=ADMIN_CASE).json()["caseNumber"]
    for role in local_stack.session["users"]:
        result = sign_in(local_stack, role)
        bearer = {"Authorization": f"Bearer {result['IdToken']}"}
        response = local_stack.request("GET", f"/cases/{number}", headers=bearer)
        # acme's contacts and the staff see acme's case; globex's contact is told it does not exist; the Testing
        # Department works with Windows updates only.
        expected = {"other_customer": 404, "testing": 403}.get(role, 200)
        assert response.status_code == expected, (role, response.text)
        if role == "testing":
            assert local_stack.request("GET", "/maintenance/windows-updates", headers=bearer).status_code == 200
        assert payload(result["IdToken"])["sub"] == payload(local_stack.token(role))["sub"]

    user = local_stack.session["users"]["customer"]
    with pytest.raises(cognito(local_stack).exceptions.NotAuthorizedException):
        cognito(local_stack).initiate_auth(
            ClientId=local_stack.session["cognito"]["userPoolClientId"],
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user["email"], "PASSWORD": user["password"] + "x"},
        )


def test_a_token_whose_signature_or_payload_was_altered_is_refused(local_stack):
    token = local_stack.token("customer")
    assert get_cases(local_stack, token).status_code == 200
    header, body, signature = token.split(".")
    flipped = signature[:20] + ("A" if signature[20] != "A" else "B") + signature[21:]
    assert_refused(get_cases(local_stack, f"{header}.{body}.{flipped}"))
    claims = payload(token) | {"custom:account_id": "globex", "custom:contact_id": "c-gina"}
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert_refused(get_cases(local_stack, f"{header}.{forged}.{signature}"))


def test_a_token_for_another_app_client_is_refused(local_stack):
    pool_id = local_stack.session["cognito"]["userPoolId"]
    other = cognito(local_stack).create_user_pool_client(
        UserPoolId=pool_id, ClientName="another-app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    token = sign_in(local_stack, "customer", client_id=other)["IdToken"]
    assert payload(token)["aud"] == other  # same pool, same user, same signing key: only the audience differs
    assert_refused(get_cases(local_stack, token))


def test_an_access_token_is_not_an_id_token(local_stack):
    access_token = sign_in(local_stack, "customer")["AccessToken"]
    assert payload(access_token)["token_use"] == "access"
    assert_refused(get_cases(local_stack, access_token))


def test_the_directory_knows_the_staff_by_their_pool_subs(local_stack):
    """The owner and the region's managers are emailed: their STAFF# and REGION# items hold the subs the
    pool gave Erin and Mike, not the in-process tests' fixed ids."""
    number = local_stack.request("POST", "/cases", role="customer", json=EXAMPLE_SUPPORT_CASE).json()["caseNumber"]
    erin = payload(local_stack.token("engineer"))["sub"]
    owned = local_stack.request("PATCH", f"/cases/{number}", role="engineer", json={"ownerId": erin})
    assert owned.status_code == 200 and owned.json()["ownerId"] == erin, owned.text
    assert local_stack.request("POST", f"/cases/{number}/updates", role="customer", json={"text": "More logs."}).status_code == 201
    escalated = local_stack.request("POST", f"/cases/{number}/escalations", role="customer", json={"kind": "management", "reason": "Slow."})
    assert escalated.status_code == 200, escalated.text

    for address in ("erin@support.example", "mike@support.example"):

        def case_mail(to: str = address) -> list[dict]:
            outbox = local_stack.request("GET", "/_local/outbox", params={"to": to}).json()["items"]
            return [mail for mail in outbox if f"Case {number}:" in mail["subject"]]

        eventually(case_mail, bool, f"mail to {address} about case {number}")


def test_the_session_file_gets_fresh_tokens_while_the_stack_runs(new_stack):
    stack = new_stack(options=("--token-refresh-minutes", "0.02")).start()  # every 1.2 s
    first = stack.session["tokens"]
    deadline = time.monotonic() + 20
    while (fresh := stack.session["tokens"]) == first:
        assert time.monotonic() < deadline, "the session file's tokens were never renewed"
        time.sleep(0.2)
    assert set(fresh) == set(first)
    assert all(payload(fresh[role])["sub"] == payload(first[role])["sub"] for role in first)
    assert get_cases(stack, fresh["customer"]).status_code == 200
    assert stack.session["users"] and stack.session["cognito"]  # the rest of the file is kept
