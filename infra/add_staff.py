"""Adds a support engineer or manager to a deployed stack: their Cognito user (email as user name, the role's
group, a temporary password to change at the first sign-in) and their staff entry in the directory (what the
notifications and the regions' managers refer to). An operator runs it with AWS credentials for the stack's
account; customers' contacts are onboarded through the directory API instead (README, Onboarding a customer).

    python -m infra.add_staff --stack dss-dev --email erin@example.com --name "Erin Engineer" --role engineers --region emea
"""

from __future__ import annotations

import argparse
import sys

import boto3

from functions.directory.logic.sign_in import strong_password
from functions.shared.auth import Group
from functions.shared.dal.directory import StaffItem, staff_key
from functions.shared.dal.table import bind_models

STAFF_GROUPS = (Group.ENGINEER.value, Group.MANAGER.value)


def stack_output(stack: str, key: str) -> str:
    outputs = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]
    return next(output["OutputValue"] for output in outputs if output["OutputKey"] == key)


def add_staff(user_pool_id: str, table_name: str, *, email: str, name: str, role: str, region: str | None) -> tuple[str, str]:
    """(user id, temporary password). Adding someone already in the pool updates their staff entry only."""
    cognito = boto3.client("cognito-idp")
    password = strong_password()
    try:
        user = cognito.admin_create_user(
            UserPoolId=user_pool_id,
            Username=email,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "name", "Value": name},
            ],
            TemporaryPassword=password,
            MessageAction="SUPPRESS",  # the operator hands the temporary password over
        )["User"]
        attributes = user["Attributes"]
    except cognito.exceptions.UsernameExistsException:
        password = ""
        attributes = cognito.admin_get_user(UserPoolId=user_pool_id, Username=email)["UserAttributes"]
    user_id = next(attribute["Value"] for attribute in attributes if attribute["Name"] == "sub")
    cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=email, GroupName=role)
    bind_models(table_name, [StaffItem])
    StaffItem(*staff_key(user_id), user_id=user_id, name=name, email=email, role=role, region=region).save()
    return user_id, password


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", help="the stack's name (dss-<stage>); or give --user-pool-id and --table-name")
    parser.add_argument("--user-pool-id")
    parser.add_argument("--table-name")
    parser.add_argument("--email", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--role", required=True, choices=STAFF_GROUPS)
    parser.add_argument("--region", help="their support region, e.g. emea")
    args = parser.parse_args(argv)
    if not args.stack and not (args.user_pool_id and args.table_name):
        parser.error("give --stack, or --user-pool-id and --table-name")
    user_pool_id = args.user_pool_id or stack_output(args.stack, "UserPoolId")
    table_name = args.table_name or stack_output(args.stack, "TableName")
    user_id, password = add_staff(user_pool_id, table_name, email=args.email, name=args.name, role=args.role, region=args.region)
    print(f"{args.name} <{args.email}> is {args.role}, user id {user_id}")
    if password:
        print(f"Temporary password: {password}   (changed at the first sign-in: dss login --api <ApiUrl> --email {args.email})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
