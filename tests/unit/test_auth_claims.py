import pytest

from functions.shared.auth import Group, caller_from_claims
from functions.shared.errors import Unauthorized

BASE = {"sub": "u-1", "custom:account_id": "acme", "custom:contact_id": "c-1"}


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("customer-contacts", {Group.CUSTOMER}),
        ("customer-contacts,mac-contacts", {Group.CUSTOMER, Group.CUSTOMER_MAC}),
        ("[customer-contacts mac-contacts]", {Group.CUSTOMER, Group.CUSTOMER_MAC}),
        (["engineers"], {Group.ENGINEER}),
        ("engineers,unknown-group", {Group.ENGINEER}),
    ],
)
def test_groups_in_every_shape_api_gateway_sends(raw, expected):
    assert caller_from_claims({**BASE, "cognito:groups": raw}).groups == expected


def test_staff_roles():
    engineer = caller_from_claims({"sub": "u-e", "cognito:groups": "engineers"})
    assert engineer.is_staff and engineer.account_id is None and engineer.role == "engineers"
    assert caller_from_claims({"sub": "u-m", "cognito:groups": "support-managers"}).role == "support-managers"


def test_mac_authorization_comes_from_the_group():
    assert caller_from_claims({**BASE, "cognito:groups": "customer-contacts,mac-contacts"}).is_mac_authorized
    assert not caller_from_claims({**BASE, "cognito:groups": "customer-contacts"}).is_mac_authorized


@pytest.mark.parametrize(
    "claims",
    [
        None,
        {},
        {"cognito:groups": "engineers"},
        {"sub": "u-1"},
        {"sub": "u-1", "cognito:groups": "customer-contacts"},
        {"sub": "u-1", "cognito:groups": "customer-contacts", "custom:account_id": "acme"},
        {**BASE, "cognito:groups": "nobody"},
    ],
)
def test_incomplete_identities_are_refused(claims):
    with pytest.raises(Unauthorized):
        caller_from_claims(claims)
