"""The contacts' users in the Cognito user pool, which mirrors the directory: the user (its email as the user
name, the tenant attributes the tokens carry), its groups, enabled or not. Every call is safe to repeat, so
the contact saga can be retried from any step (functions/directory/logic/sign_in.py)."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from functions.directory.models.records import IdentityTaken, IdentityUnavailable
from functions.shared.auth import ACCOUNT_CLAIM, CONTACT_CLAIM
from functions.shared.dal.aws import client


class CognitoUsers:
    def __init__(self, user_pool_id: str) -> None:
        self.user_pool_id = user_pool_id

    def create_user(self, email: str, name: str, account_id: str, contact_id: str, temporary_password: str) -> str:
        """The user with this temporary password, whether created now or by an earlier try; its `sub`. A user
        of another contact with this email is IdentityTaken."""
        attributes = {"email": email, "email_verified": "true", "name": name, ACCOUNT_CLAIM: account_id, CONTACT_CLAIM: contact_id}
        try:
            created = client("cognito-idp").admin_create_user(
                UserPoolId=self.user_pool_id,
                Username=email,
                UserAttributes=[{"Name": key, "Value": value} for key, value in attributes.items()],
                TemporaryPassword=temporary_password,
                MessageAction="SUPPRESS",  # the directory sends the invitation (through SES, with its own text)
            )["User"]
            return _attribute(created["Attributes"], "sub")
        except ClientError as error:
            if error.response["Error"]["Code"] != "UsernameExistsException":
                raise IdentityUnavailable(f"Cognito admin_create_user: {error}") from error
        except BotoCoreError as error:
            raise IdentityUnavailable(f"Cognito admin_create_user: {error}") from error
        existing = self._call("admin_get_user", Username=email)
        found = {attribute["Name"]: attribute["Value"] for attribute in existing["UserAttributes"]}
        if (found.get(ACCOUNT_CLAIM), found.get(CONTACT_CLAIM)) != (account_id, contact_id):
            raise IdentityTaken(email)
        if existing["UserStatus"] == "FORCE_CHANGE_PASSWORD":  # an earlier try created it: the new invitation's password
            self.set_temporary_password(email, temporary_password)
        return found["sub"]

    def set_temporary_password(self, email: str, temporary_password: str) -> None:
        self._call("admin_set_user_password", Username=email, Password=temporary_password, Permanent=False)

    def set_groups(self, email: str, wanted: set[str], managed: set[str]) -> None:
        """Puts the user in `wanted` and out of the other `managed` groups."""
        current = {group["GroupName"] for group in self._call("admin_list_groups_for_user", Username=email)["Groups"]}
        for group in sorted(wanted - current):
            self._call("admin_add_user_to_group", Username=email, GroupName=group)
        for group in sorted((current & managed) - wanted):
            self._call("admin_remove_user_from_group", Username=email, GroupName=group)

    def change_email(self, old_email: str, new_email: str) -> None:
        attributes = [{"Name": "email", "Value": new_email}, {"Name": "email_verified", "Value": "true"}]
        self._call("admin_update_user_attributes", Username=old_email, UserAttributes=attributes)

    def disable(self, email: str) -> None:
        """Disabled, and every refresh token revoked (ID tokens already issued live on: the API checks the directory)."""
        self._call("admin_disable_user", Username=email)
        self._call("admin_user_global_sign_out", Username=email)

    def enable(self, email: str) -> None:
        self._call("admin_enable_user", Username=email)

    def has_signed_in(self, email: str) -> bool:
        """Whether the user has chosen their own password (the first sign-in's challenge answered)."""
        return self._call("admin_get_user", Username=email)["UserStatus"] == "CONFIRMED"

    def _call(self, operation: str, **parameters: object) -> dict:
        try:
            return getattr(client("cognito-idp"), operation)(UserPoolId=self.user_pool_id, **parameters)
        except (BotoCoreError, ClientError) as error:
            raise IdentityUnavailable(f"Cognito {operation}: {error}") from error


def _attribute(attributes: list[dict[str, str]], name: str) -> str:
    return next(attribute["Value"] for attribute in attributes if attribute["Name"] == name)
