"""Who may call the API: a Cognito user pool whose users are created by the desk (no self sign-up),
linked to a customer account and contact by custom attributes, and given roles by group."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from functions.shared.auth import Group
from infra.config import StageConfig
from infra.constants import ACCOUNT_ATTRIBUTE, COGNITO_GROUPS, CONTACT_ATTRIBUTE

GROUP_DESCRIPTIONS = {
    Group.CUSTOMER: "Customer IT contacts: open and follow their account's cases",
    Group.CUSTOMER_MAC: "Customer contacts with MAC authorization",
    Group.ENGINEER: "Support engineers",
    Group.MANAGER: "Regional support managers",
    Group.TESTING: "The Testing Department: records and validates Microsoft updates",
}


class Identity(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name=f"dss-{config.name}-users",
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            sign_in_case_sensitive=False,
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True),
                fullname=cognito.StandardAttribute(required=False, mutable=True),
            ),
            # Tenant keys: only administrators set them (the app client below cannot write them).
            custom_attributes={
                ACCOUNT_ATTRIBUTE: cognito.StringAttribute(min_len=1, max_len=64, mutable=True),
                CONTACT_ATTRIBUTE: cognito.StringAttribute(min_len=1, max_len=64, mutable=True),
            },
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            mfa=cognito.Mfa.REQUIRED if config.mfa_required else cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=config.retain_data,
            removal_policy=config.removal_policy,
        )
        if not config.mfa_required:
            Validations.of(self.user_pool).acknowledge(
                Acknowledgment(
                    id="AwsSolutions-COG2",
                    reason="Outside production MFA is optional (TOTP) so developers can sign in from the AWS CLI; "
                    "prod requires it, and threat protection (Plus plan, full function) guards every stage.",
                )
            )
        for group in COGNITO_GROUPS:
            self.user_pool.add_group(
                f"Group{group.name.title().replace('_', '')}", group_name=group.value, description=GROUP_DESCRIPTIONS[group]
            )
        self.client = self.user_pool.add_client(
            "ApiClient",
            user_pool_client_name=f"dss-{config.name}-api",
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_srp=True, user_password=True),
            disable_o_auth=True,  # no hosted UI yet: clients sign in through the Cognito API
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
            write_attributes=cognito.ClientAttributes().with_standard_attributes(fullname=True),
        )
