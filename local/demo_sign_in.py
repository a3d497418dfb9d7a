"""The demo users as real users of the local stack's Cognito user pool (in moto). Support staff (and the Testing
Department's user) are created at start as an administrator creates them (email, groups, no invitation) with a random
password set permanent; the
customers' contacts are created by the directory API (local/demo_directory.py onboard_demo_directory), and each
accepts their invitation here: signs in with the temporary password from the outbox and chooses a new one (the
NEW_PASSWORD_REQUIRED challenge). Then everyone signs in with USER_PASSWORD_AUTH for real ID tokens, refreshed
with REFRESH_TOKEN_AUTH. moto makes up each user's `sub` (it ignores one given), so the directory is given the
staff's (user_ids)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import boto3

from functions.directory.logic.sign_in import strong_password
from local.demo_directory import DEMO_USERS, DemoUser
from local.outbox import invitation_password

log = logging.getLogger("local.sign_in")


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

    def create_staff(self) -> DemoSignIn:
        for role, user in self.users.items():
            if user.account_id:
                continue  # a customer's contact: the directory API creates and invites them
            attributes = {"email": user.email, "email_verified": "true"}
            created = self._cognito.admin_create_user(
                UserPoolId=self.user_pool_id,
                Username=user.email,
                UserAttributes=[{"Name": name, "Value": value} for name, value in attributes.items()],
                MessageAction="SUPPRESS",  # the password is set below; nobody is to be invited
            )["User"]
            password = strong_password()
            self._cognito.admin_set_user_password(UserPoolId=self.user_pool_id, Username=user.email, Password=password, Permanent=True)
            for group in user.groups:
                self._cognito.admin_add_user_to_group(UserPoolId=self.user_pool_id, Username=user.email, GroupName=group.value)
            self.logins[role] = DemoLogin(user.email, password, _sub(created["Attributes"]))
        return self

    def accept_invitations(self) -> DemoSignIn:
        """Each contact signs in for the first time with the temporary password of their invitation (the local
        outbox has it) and chooses a new password, as a person does."""
        for role, user in self.users.items():
            if not user.account_id:
                continue
            parameters = {"USERNAME": user.email, "PASSWORD": invitation_password(user.email)}
            challenge = self._cognito.initiate_auth(ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=parameters)
            if challenge.get("ChallengeName") != "NEW_PASSWORD_REQUIRED":
                raise RuntimeError(f"demo user {role!r}: expected the first sign-in's challenge, got {challenge.get('ChallengeName')}")
            password = strong_password()
            self._cognito.respond_to_auth_challenge(
                ClientId=self.client_id,
                ChallengeName="NEW_PASSWORD_REQUIRED",
                Session=challenge["Session"],
                ChallengeResponses={"USERNAME": user.email, "NEW_PASSWORD": password},
            )
            found = self._cognito.admin_get_user(UserPoolId=self.user_pool_id, Username=user.email)
            self.logins[role] = DemoLogin(user.email, password, _sub(found["UserAttributes"]))
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


def _sub(attributes: list[dict[str, str]]) -> str:
    return next(attribute["Value"] for attribute in attributes if attribute["Name"] == "sub")
