"""The operator's script for support staff (infra/add_staff.py) against the product's resources in moto: the
Cognito user with the role's group and a temporary password, and the staff entry the directory refers to."""

from __future__ import annotations

import re

import boto3

from functions.shared.dal.directory import StaffItem, staff_key
from infra.add_staff import main


def test_an_operator_adds_a_manager_who_signs_in_with_the_temporary_password_and_manages_a_region(local_aws, capsys):
    pool, client_id = local_aws.resources.user_pool_id, local_aws.resources.user_pool_client_id
    arguments = ["--user-pool-id", pool, "--table-name", local_aws.resources.table_name, "--email", "mia@support.example"]
    assert main([*arguments, "--name", "Mia Manager", "--role", "support-managers", "--region", "emea"]) == 0

    printed = capsys.readouterr().out
    user_id = re.search(r"user id (\S+)", printed).group(1)
    password = re.search(r"^Temporary password: (\S+)", printed, re.MULTILINE).group(1)
    staff = StaffItem.get(*staff_key(user_id))
    assert (staff.name, staff.email, staff.role, staff.region) == ("Mia Manager", "mia@support.example", "support-managers", "emea")
    cognito = boto3.client("cognito-idp")
    groups = cognito.admin_list_groups_for_user(UserPoolId=pool, Username="mia@support.example")["Groups"]
    assert [group["GroupName"] for group in groups] == ["support-managers"]
    auth = {"USERNAME": "mia@support.example", "PASSWORD": password}
    assert (
        cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=auth)["ChallengeName"]
        == "NEW_PASSWORD_REQUIRED"
    )

    region = local_aws.call("PUT", "/regions/emea", user="manager", api="directory", body={"managerUserIds": [user_id]})
    assert region.status == 200 and region.body["managerUserIds"] == [user_id]

    # Run again (e.g. to change the region): the entry follows, no second user, no new password.
    assert main([*arguments, "--name", "Mia Manager", "--role", "support-managers", "--region", "north-america"]) == 0
    assert "Temporary password" not in capsys.readouterr().out
    assert StaffItem.get(*staff_key(user_id)).region == "north-america"
