"""The directory API Lambda (a DomainFunction) with a role that can do exactly what functions/directory
does: accounts (`ACCOUNT#`, their contacts' items included) and regions (`REGION#`), their listings (`ACCOUNTS`,
`REGIONS`), the contacts' email claims (`CONTACT_EMAIL#`), Idempotency-Key records and the callers' change counts. A
change's events go to the outbox under the account's key, in its own transaction. The contacts' users in the user pool
(the Admin* calls of functions/directory/dal/identity.py), their invitations through SES from the sender identity, the
IVR PINs' key. GET /sign-in hands clients the user pool and its app client (environment only)."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from functions.directory.dal.tables import ACCOUNTS_PARTITION, CONTACT_EMAIL_PREFIX, REGIONS_PARTITION
from functions.shared.dal.directory import ACCOUNT_PREFIX, REGION_PREFIX
from functions.shared.dal.idempotency import IDEMPOTENCY_PREFIX
from functions.shared.dal.rate_limit import RATE_PREFIX
from infra.components.data import Data
from infra.components.function import DomainFunction, on_keys
from infra.components.identity import Identity
from infra.components.shared import SharedRuntime
from infra.config import StageConfig

HANDLER = "functions.directory.handlers.api.lambda_handler"
COGNITO_ACTIONS = (
    "AdminCreateUser", "AdminGetUser", "AdminSetUserPassword", "AdminListGroupsForUser", "AdminAddUserToGroup",
    "AdminRemoveUserFromGroup", "AdminUpdateUserAttributes", "AdminDisableUser", "AdminEnableUser", "AdminUserGlobalSignOut",
)  # fmt: skip


class DirectoryApi(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, config: StageConfig, data: Data, shared: SharedRuntime, identity: Identity
    ) -> None:
        super().__init__(scope, construct_id)
        self.api = DomainFunction(
            self,
            "Function",
            config=config,
            name="directory API",
            description="Directory API: accounts, contacts, regions",
            handler=HANDLER,
            timeout=Duration.seconds(10),
            layer=shared.layer,
            memory_size=512,
            environment={
                "TABLE_NAME": data.table.table_name,
                "PAGE_TOKEN_SECRET_ARN": shared.page_token_secret.secret_arn,
                # GET /sign-in's public configuration (functions/shared/settings.py SignInSettings); the endpoint is
                # the region's public one, so COGNITO_ENDPOINT stays unset.
                "USER_POOL_ID": identity.user_pool.user_pool_id,
                "USER_POOL_CLIENT_ID": identity.client.user_pool_client_id,
                "USER_POOL_REGION": Stack.of(self).region,
                # The contacts' invitations (SES; PORTAL_URL, their link, is the portal's: infra/stack.py) and IVR PINs
                # (functions/shared/settings.py DirectorySettings).
                "PIN_SECRET_ARN": shared.pin_secret.secret_arn,
                "SENDER_EMAIL": config.sender_email,
            },
        )
        self.function = self.api.function
        table_arn = data.table.table_arn
        self.api.grant(
            # TransactGet/WriteItems are authorized per contained item as GetItem/PutItem.
            on_keys(
                "dynamodb:GetItem",
                table_arn,
                [f"{ACCOUNT_PREFIX}*", f"{CONTACT_EMAIL_PREFIX}*", f"{REGION_PREFIX}*", f"{IDEMPOTENCY_PREFIX}*"],
            ),
            on_keys(
                "dynamodb:PutItem",
                table_arn,
                [
                    f"{ACCOUNT_PREFIX}*", ACCOUNTS_PARTITION, f"{CONTACT_EMAIL_PREFIX}*", f"{REGION_PREFIX}*", REGIONS_PARTITION,
                    f"{IDEMPOTENCY_PREFIX}*",
                ],
            ),  # fmt: skip
            on_keys("dynamodb:DeleteItem", table_arn, [f"{CONTACT_EMAIL_PREFIX}*"]),  # a contact's old address, freed
            # A contact's sign-in marked ready and their wrong PINs counted; the callers' change counts.
            on_keys("dynamodb:UpdateItem", table_arn, [f"{ACCOUNT_PREFIX}*", f"{RATE_PREFIX}*"]),
            on_keys("dynamodb:Query", table_arn, [ACCOUNTS_PARTITION, f"{ACCOUNT_PREFIX}*", REGIONS_PARTITION]),
            iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[data.key.key_arn]),
            iam.PolicyStatement(
                actions=["secretsmanager:GetSecretValue"], resources=[shared.page_token_secret.secret_arn, shared.pin_secret.secret_arn]
            ),
            # The contacts' Cognito users, which mirror the directory (functions/directory/dal/identity.py).
            iam.PolicyStatement(
                actions=[f"cognito-idp:{action}" for action in COGNITO_ACTIONS], resources=[identity.user_pool.user_pool_arn]
            ),
            iam.PolicyStatement(
                actions=["ses:SendRawEmail"],
                resources=[Stack.of(self).format_arn(service="ses", resource="identity", resource_name=config.sender_email)],
            ),
        )
