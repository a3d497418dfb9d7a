from dataclasses import FrozenInstanceError, replace

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


def test_the_mac_group_authorizes_nothing_the_directory_does():
    """The claims say who the caller is; what a customer may do is the directory's word
    (functions/shared/caller_directory.py adds it), whatever groups the token still carries."""
    from_token = caller_from_claims({**BASE, "cognito:groups": "customer-contacts,mac-contacts"})
    assert not from_token.is_mac_authorized and from_token.role == "customer-contacts"
    authorized = replace(caller_from_claims({**BASE, "cognito:groups": "customer-contacts"}), mac_authorized=True)
    assert authorized.is_mac_authorized and authorized.role == "mac-contacts"


def test_a_caller_stays_frozen():
    caller = caller_from_claims({**BASE, "cognito:groups": "customer-contacts"})
    with pytest.raises(FrozenInstanceError):
        caller.mac_authorized = True  # type: ignore[misc]
    assert (caller.mac_authorized, caller.attendant_authorized, caller.account_administrator) == (False, False, False)


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


@pytest.mark.parametrize(
    "claim, value",
    [
        ("custom:account_id", "acme#c-alice"),  # a key separator: would read another tenant's items
        ("custom:account_id", "a" * 65),
        ("custom:account_id", "-acme"),
        ("custom:account_id", "acme corp"),
        ("custom:account_id", "acme\n"),
        ("custom:account_id", ["acme"]),
        ("custom:contact_id", "c-1#x"),
        ("custom:contact_id", "c/1"),
        ("custom:contact_id", "\u0430cme"),  # Cyrillic a
        ("sub", "u-1#create-case"),
    ],
)
def test_claims_that_are_not_identifiers_are_refused_before_any_key_is_made(claim, value):
    with pytest.raises(Unauthorized, match="not a valid identifier"):
        caller_from_claims({**BASE, "cognito:groups": "customer-contacts", claim: value})


def test_identifiers_up_to_64_characters_are_accepted():
    caller = caller_from_claims(
        {**BASE, "cognito:groups": "customer-contacts", "custom:account_id": "a" * 64, "custom:contact_id": "c_1.x:y-z"}
    )
    assert (caller.account_id, caller.contact_id) == ("a" * 64, "c_1.x:y-z")
    uuid = "8f14e45f-ceea-467f-a0e6-2f6e5c1b2a3d"  # a Cognito sub
    assert caller_from_claims({"sub": uuid, "cognito:groups": "engineers"}).user_id == uuid
