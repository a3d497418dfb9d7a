"""The Cognito user pool: admin-created users, tenant attributes, one group per role."""

from __future__ import annotations

import pytest

from functions.shared.auth import ACCOUNT_CLAIM, CONTACT_CLAIM, Group

pytestmark = pytest.mark.slow


def _pool(synth) -> dict:
    return synth.only("AWS::Cognito::UserPool")[1]["Properties"]


def test_users_are_created_by_the_desk_with_strong_passwords(dev):
    pool = _pool(dev)
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 12,
        "RequireLowercase": True,
        "RequireNumbers": True,
        "RequireSymbols": True,
        "RequireUppercase": True,
        "TemporaryPasswordValidityDays": 3,
    }
    assert pool["UserPoolTier"] == "PLUS"
    assert pool["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}


def test_mfa_is_optional_in_dev_and_required_in_prod(dev, prod):
    assert _pool(dev)["MfaConfiguration"] == "OPTIONAL"
    assert _pool(prod)["MfaConfiguration"] == "ON"
    assert _pool(prod)["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]


def test_custom_attributes_arrive_as_the_claims_the_handlers_read(dev):
    custom = {attribute["Name"]: attribute for attribute in _pool(dev)["Schema"] if "AttributeDataType" in attribute}
    assert {f"custom:{name}" for name in custom} == {ACCOUNT_CLAIM, CONTACT_CLAIM}
    assert all(attribute["AttributeDataType"] == "String" for attribute in custom.values())


def test_one_group_per_role(dev):
    pool_id = dev.only("AWS::Cognito::UserPool")[0]
    groups = dev.resources("AWS::Cognito::UserPoolGroup").values()
    assert sorted(group["Properties"]["GroupName"] for group in groups) == sorted(group.value for group in Group)
    assert all(group["Properties"]["UserPoolId"] == {"Ref": pool_id} for group in groups)


def test_the_app_client_cannot_write_tenant_attributes(dev):
    client = dev.only("AWS::Cognito::UserPoolClient")[1]["Properties"]
    assert client["GenerateSecret"] is False
    assert client["WriteAttributes"] == ["name"]  # custom:account_id / custom:contact_id stay admin-only
    assert set(client["ExplicitAuthFlows"]) == {"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
    assert client["PreventUserExistenceErrors"] == "ENABLED"
