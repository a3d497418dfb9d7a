"""The demo users as real users of the local stack's Cognito user pool (in moto): created at start as an
administrator creates them (email, the tenant attributes, groups, no invitation) with a random password set
permanent, then signed in with USER_PASSWORD_AUTH for real ID tokens, refreshed with REFRESH_TOKEN_AUTH.
moto makes up each user's `sub` (it ignores one given), so the directory is seeded with those (user_ids)."""

from __future__ import annotations

import logging
import secrets
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass

import boto3

from functions.shared.auth import ACCOUNT_CLAIM, CONTACT_CLAIM
from local.demo_directory import DEMO_USERS, DemoUser

# Symbols the pool's policy counts that need no quoting in a shell.
PASSWORD_SYMBOLS = "-_."
PASSWORD_LENGTH = 20

log = logging.getLogger("local.sign_in")


def strong_password(length: int = PASSWORD_LENGTH) -> str:
    """Random, and meeting the pool's policy: lower and upper case, a digit and a symbol."""
    classes = (string.ascii_lowercase, string.ascii_uppercase, string.digits, PASSWORD_SYMBOLS)
    alphabet = "".join(classes)
    while True:
        # A letter first, so the password never reads as a command-line option.
        password = secrets.choice(string.ascii_letters) + "".join(secrets.choice(alphabet) for _ in range(length - 1))
        if all(any(char in chars for char in password) for chars in classes):
            return password


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    sub: str  # the user pool's id of the user: the `sub` of its tokens


class DemoSignIn:
    def __init__(self, user_pool_id: str, client_id: str, users: dict[str, DemoUser] = DEMO_USERS):
        self.user_pool_id, self.client_id, self.users = user_pool_id, client_id, users
        self.logins: dict[str, DemoLogin] = {}  # role -> its user's sign-in
        self._refresh_tokens: dict[str, str] = {}
        self._cognito = boto3.client("cognito-idp")

    def create_users(self) -> DemoSignIn:
        for role, user in self.users.items():
            attributes = {"email": user.email, "email_verified": "true"}
            if user.account_id and user.contact_id:
                attributes |= {ACCOUNT_CLAIM: user.account_id, CONTACT_CLAIM: user.contact_id}
            created = self._cognito.admin_create_user(
                UserPoolId=self.user_pool_id,
                Username=user.email,
                UserAttributes=[{"Name": name, "Value": value} for name, value in attributes.items()],
                MessageAction="SUPPRESS",  # the password is set below; nobody is to be invited
            )["User"]
            sub = next(attribute["Value"] for attribute in created["Attributes"] if attribute["Name"] == "sub")
            password = strong_password()
            self._cognito.admin_set_user_password(UserPoolId=self.user_pool_id, Username=user.email, Password=password, Permanent=True)
            for group in user.groups:
                self._cognito.admin_add_user_to_group(UserPoolId=self.user_pool_id, Username=user.email, GroupName=group.value)
            self.logins[role] = DemoLogin(user.email, password, sub)
        return self

    def user_ids(self) -> dict[str, str]:
        """The directory's fixed user id of each demo user -> the `sub` the API sees."""
        return {self.users[role].user_id: login.sub for role, login in self.logins.items()}

    def credentials(self) -> dict[str, dict[str, str]]:
        """role -> what signs that user in (the session file's `users`)."""
        return {role: {"email": login.email, "password": login.password} for role, login in self.logins.items()}

    def sign_in(self) -> dict[str, str]:
        """role -> a new ID token, by password."""
        tokens = {}
        for role, login in self.logins.items():
            parameters = {"USERNAME": login.email, "PASSWORD": login.password}
            result = self._authenticate("USER_PASSWORD_AUTH", parameters, role)
            self._refresh_tokens[role] = result["RefreshToken"]
            tokens[role] = result["IdToken"]
        return tokens

    def refresh(self) -> dict[str, str]:
        """role -> a new ID token, from the refresh token of the last sign-in (as a client renews its session)."""
        return {
            role: self._authenticate("REFRESH_TOKEN_AUTH", {"REFRESH_TOKEN": refresh_token}, role)["IdToken"]
            for role, refresh_token in self._refresh_tokens.items()
        }

    def _authenticate(self, flow: str, parameters: dict[str, str], role: str) -> dict:
        answer = self._cognito.initiate_auth(ClientId=self.client_id, AuthFlow=flow, AuthParameters=parameters)
        if "AuthenticationResult" not in answer:  # e.g. NEW_PASSWORD_REQUIRED: the password was not set permanent
            raise RuntimeError(f"demo user {role!r} got the {answer.get('ChallengeName')} challenge instead of tokens")
        return answer["AuthenticationResult"]


class TokenRefresher:
    """ID tokens last an hour: every `interval_seconds` this hands fresh ones to `publish` (the session file)."""

    def __init__(self, sign_in: DemoSignIn, interval_seconds: float, publish: Callable[[dict[str, str]], None]):
        self.sign_in, self.interval_seconds, self.publish = sign_in, interval_seconds, publish
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="token-refresher", daemon=True)

    def start(self) -> TokenRefresher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_seconds):
            try:
                self.publish(self.sign_in.refresh())
            except Exception:
                log.exception("local sign-in: refreshing the demo users' ID tokens failed")
