"""Contacts through the real directory API handler under moto, Cognito and SES included: staff and account
administrators add them (a Cognito user, its groups, an invitation with a temporary password), the recommended and
hard maximums, disabling, every change audited and announced, the sign-in saga finished by a retry whichever step
failed, and the IVR PIN's lockout."""

from __future__ import annotations

import boto3
import pytest

from bench.aws_calls import count_aws_calls  # at collection: before any client exists
from functions.directory.dal.contact_repository import ContactRepository
from functions.directory.logic.dependencies import dependencies
from functions.directory.models.records import IdentityUnavailable
from local.outbox import invitation_password, sent_mail

NEW = {"name": "Dana Dispatcher", "email": "dana@acme.example", "phone": "+1 317 555 0101", "macAuthorized": True}


def directory(local_aws, method, path, *, user="engineer", body=None, headers=None, claims=None):
    return local_aws.call(method, path, user=user, body=body, headers=headers, api="directory", claims=claims)


def cognito_user(local_aws, email):
    return boto3.client("cognito-idp").admin_get_user(UserPoolId=local_aws.resources.user_pool_id, Username=email)


def first_sign_in(local_aws, email, password, new_password="Chosen-Password-1"):
    cognito = boto3.client("cognito-idp")
    client_id = local_aws.resources.user_pool_client_id
    challenge = cognito.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": email, "PASSWORD": password}
    )
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    return cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": new_password},
    )["AuthenticationResult"]


def claims_of(contact_id, account_id="acme", user_id=None):
    return {
        "sub": user_id or f"u-{contact_id}",
        "cognito:groups": "customer-contacts",
        "custom:account_id": account_id,
        "custom:contact_id": contact_id,
    }


def test_an_engineer_adds_a_contact_who_is_invited_and_signs_in_with_the_invitation_password(local_aws):
    added = directory(local_aws, "POST", "/accounts/acme/contacts", body={**NEW, "contactId": "c-dana"})

    assert added.status == 201, added
    assert added.headers["location"] == "/accounts/acme/contacts/c-dana"
    assert added.body["status"] == "invited" and added.body["signInReady"] is True and added.body["warnings"] == []
    user = cognito_user(local_aws, "dana@acme.example")
    attributes = {attribute["Name"]: attribute["Value"] for attribute in user["UserAttributes"]}
    assert attributes["custom:account_id"] == "acme" and attributes["custom:contact_id"] == "c-dana"
    groups = boto3.client("cognito-idp").admin_list_groups_for_user(
        UserPoolId=local_aws.resources.user_pool_id, Username="dana@acme.example"
    )
    assert {group["GroupName"] for group in groups["Groups"]} == {"customer-contacts", "mac-contacts"}
    tokens = first_sign_in(local_aws, "dana@acme.example", invitation_password("dana@acme.example"))
    assert tokens["IdToken"]
    # The directory learns of the first sign-in when the contact is next read.
    assert directory(local_aws, "GET", "/accounts/acme/contacts/c-dana").body["status"] == "active"


def test_the_invitation_says_how_to_sign_in_and_never_reaches_the_bus(local_aws):
    directory(local_aws, "POST", "/accounts/acme/contacts", body=NEW)
    invitation = sent_mail(to="dana@acme.example")[-1]
    password = invitation_password("dana@acme.example")

    assert "Acme Contact Centers" in invitation["subject"]
    assert "Email: dana@acme.example" in invitation["text"] and password in invitation["html"]
    assert all(password not in str(event) for event in local_aws.published_events())


def test_the_sixth_active_contact_is_added_with_a_warning_and_the_event_counts_them(local_aws):
    # The demo account has three contacts.
    for name in ("erik", "fay"):
        assert (
            directory(local_aws, "POST", "/accounts/acme/contacts", body={"name": name, "email": f"{name}@acme.example"}).body["warnings"]
            == []
        )
    sixth = directory(local_aws, "POST", "/accounts/acme/contacts", body={"name": "Gus", "email": "gus@acme.example"})

    assert sixth.status == 201
    assert "6 active contacts" in sixth.body["warnings"][0] and "fewer than five" in sixth.body["warnings"][0]
    added = [event["detail"] for event in local_aws.published_events() if event["detail-type"] == "ContactAdded"]
    assert [(detail["activeContacts"], detail["recommendedMaxContacts"]) for detail in added] == [(4, 5), (5, 5), (6, 5)]


def test_over_the_hard_maximum_a_contact_is_refused_and_nothing_is_written(local_aws):
    assert directory(local_aws, "PATCH", "/accounts/acme", body={"hardMaxContacts": 5, "recommendedMaxContacts": 4}).status == 200
    directory(local_aws, "POST", "/accounts/acme/contacts", body={"name": "Erik", "email": "erik@acme.example"})
    directory(local_aws, "POST", "/accounts/acme/contacts", body={"name": "Fay", "email": "fay@acme.example"})
    items = local_aws.item_count()

    refused = directory(local_aws, "POST", "/accounts/acme/contacts", body={"name": "Gus", "email": "gus@acme.example"})

    assert refused.status == 409 and refused.body["error"] == "contact_limit_reached" and "5 active contacts" in refused.body["message"]
    assert local_aws.item_count() == items and sent_mail(to="gus@acme.example") == []


def test_an_email_address_belongs_to_one_contact(local_aws):
    directory(local_aws, "POST", "/accounts/acme/contacts", body=NEW)
    again = directory(local_aws, "POST", "/accounts/globex/contacts", body={**NEW, "name": "Dana Elsewhere"})

    assert again.status == 409 and again.body["field"] == "email" and "of this account" not in again.body["message"]


def test_another_accounts_customer_gets_404_on_every_contact_route(local_aws):
    directory(local_aws, "POST", "/accounts/acme/contacts", body={**NEW, "contactId": "c-dana"})
    routes = [
        ("GET", "/accounts/acme/contacts", None),
        ("POST", "/accounts/acme/contacts", {"name": "Mallory", "email": "mallory@globex.example"}),
        ("GET", "/accounts/acme/contacts/c-dana", None),
        ("PATCH", "/accounts/acme/contacts/c-dana", {"name": "Dana D."}),
        ("POST", "/accounts/acme/contacts/c-dana/disable", None),
        ("POST", "/accounts/acme/contacts/c-dana/enable", None),
        ("POST", "/accounts/acme/contacts/c-dana/resend-invitation", None),
        ("PUT", "/accounts/acme/contacts/c-dana/pin", {"pin": "4821"}),
        ("POST", "/accounts/acme/contacts/c-dana/pin/verify", {"pin": "4821"}),
        ("POST", "/accounts/acme/contacts/c-dana/pin/unlock", None),
    ]
    for method, path, body in routes:
        answer = directory(local_aws, method, path, user="other_customer", body=body)
        assert answer.status == 404, (method, path, answer)
    assert directory(local_aws, "GET", "/accounts/acme/contacts/c-dana").body["name"] == "Dana Dispatcher"


def test_a_contact_who_is_not_an_administrator_reads_names_and_roles_only_and_changes_nothing(local_aws):
    directory(local_aws, "POST", "/accounts/acme/contacts", body={**NEW, "contactId": "c-dana"})

    listed = directory(local_aws, "GET", "/accounts/acme/contacts", user="customer")
    dana = next(item for item in listed.body["items"] if item["contactId"] == "c-dana")
    assert dana["name"] == "Dana Dispatcher" and dana["macAuthorized"] is True
    assert dana["email"] is None and dana["phone"] is None and dana["status"] is None
    assert (
        directory(local_aws, "POST", "/accounts/acme/contacts", user="customer", body={"name": "X", "email": "x@acme.example"}).status
        == 403
    )
    assert directory(local_aws, "PATCH", "/accounts/acme/contacts/c-dana", user="customer", body={"name": "D"}).status == 403
    assert directory(local_aws, "POST", "/accounts/acme/contacts/c-dana/disable", user="customer").status == 403


def test_an_account_administrator_manages_their_accounts_contacts_but_not_the_administrator_role(local_aws):
    directory(local_aws, "POST", "/accounts/acme/contacts", body={**NEW, "contactId": "c-dana", "accountAdministrator": True})
    dana = claims_of("c-dana")

    added = directory(
        local_aws, "POST", "/accounts/acme/contacts", claims=dana, body={"name": "Hal", "email": "hal@acme.example", "contactId": "c-hal"}
    )
    assert added.status == 201, added
    assert directory(local_aws, "PATCH", "/accounts/acme/contacts/c-hal", claims=dana, body={"accountAdministrator": True}).status == 403
    assert (
        directory(
            local_aws,
            "POST",
            "/accounts/acme/contacts",
            claims=dana,
            body={"name": "Ivy", "email": "ivy@acme.example", "accountAdministrator": True},
        ).status
        == 403
    )
    assert directory(local_aws, "POST", "/accounts/acme/contacts/c-dana/disable", claims=dana).status == 409
    assert directory(local_aws, "POST", "/accounts/acme/contacts/c-hal/disable", claims=dana).status == 200
    assert (
        directory(local_aws, "POST", "/accounts/globex/contacts", claims=dana, body={"name": "Z", "email": "z@globex.example"}).status
        == 404
    )


def test_disabling_a_contact_disables_their_user_and_is_audited_and_announced(local_aws):
    directory(local_aws, "POST", "/accounts/acme/contacts", body={**NEW, "contactId": "c-dana"})

    disabled = directory(local_aws, "POST", "/accounts/acme/contacts/c-dana/disable")

    assert disabled.status == 200 and disabled.body["status"] == "disabled" and disabled.body["disabledAt"]
    assert cognito_user(local_aws, "dana@acme.example")["Enabled"] is False
    history = directory(local_aws, "GET", "/accounts/acme/history").body["items"]
    assert history[-1]["action"] == "contact disabled" and history[-1]["contactId"] == "c-dana"
    assert history[-1]["changes"][0]["field"] == "status" and history[-1]["changes"][0]["to"] == "disabled"
    changed = [event["detail"] for event in local_aws.published_events() if event["detail-type"] == "ContactChanged"]
    assert changed[-1]["changedFields"][0] == "status" and changed[-1]["status"] == "disabled"
    enabled = directory(local_aws, "POST", "/accounts/acme/contacts/c-dana/enable")
    assert enabled.body["status"] == "invited" and cognito_user(local_aws, "dana@acme.example")["Enabled"] is True


def test_revoking_mac_authorization_removes_the_users_mac_group(local_aws):
    directory(local_aws, "POST", "/accounts/acme/contacts", body={**NEW, "contactId": "c-dana"})

    changed = directory(local_aws, "PATCH", "/accounts/acme/contacts/c-dana", body={"macAuthorized": False})

    assert changed.status == 200 and changed.body["macAuthorized"] is False and changed.body["warnings"] == []
    groups = boto3.client("cognito-idp").admin_list_groups_for_user(
        UserPoolId=local_aws.resources.user_pool_id, Username="dana@acme.example"
    )
    assert [group["GroupName"] for group in groups["Groups"]] == ["customer-contacts"]


class FailsOnce:
    """The real collaborator, whose `method` fails the first time it is called."""

    def __init__(self, real, method):
        self.real, self.method, self.failed = real, method, False

    def __getattr__(self, name):
        attribute = getattr(self.real, name)
        if name != self.method or self.failed:
            return attribute

        def fail(*args, **kwargs):
            self.failed = True
            raise IdentityUnavailable(f"{name} failed once")

        return fail


@pytest.mark.parametrize(
    ("collaborator", "method"),
    [("identity", "create_user"), ("identity", "set_groups"), ("invitations", "send"), ("store", "mark_sign_in_ready")],
)
def test_the_sign_in_saga_is_finished_by_a_retry_whichever_step_failed(local_aws, collaborator, method):
    deps = dependencies()
    if collaborator == "store":
        deps.contacts = FailsOnce(ContactRepository(local_aws.resources.table_name), method)
    else:
        deps.sign_in = type(deps.sign_in)(**{**deps.sign_in.__dict__, collaborator: FailsOnce(getattr(deps.sign_in, collaborator), method)})
    key = {"Idempotency-Key": f"add-dana-{method}"}

    first = directory(local_aws, "POST", "/accounts/acme/contacts", body=NEW, headers=key)
    assert first.status == 201 and first.body["signInReady"] is False and "not ready" in first.body["warnings"][0]
    retry = directory(local_aws, "POST", "/accounts/acme/contacts", body=NEW, headers=key)

    assert retry.status == 201 and retry.headers["idempotent-replayed"] == "true"
    assert retry.body["signInReady"] is True and retry.body["warnings"] == [], retry
    assert retry.body["contactId"] == first.body["contactId"]
    users = boto3.client("cognito-idp").list_users(UserPoolId=local_aws.resources.user_pool_id, Filter='email = "dana@acme.example"')
    assert len(users["Users"]) == 1
    assert first_sign_in(local_aws, "dana@acme.example", invitation_password("dana@acme.example"))["IdToken"]


def test_a_pin_locks_after_five_wrong_tries_until_staff_unlock_it(local_aws):
    directory(local_aws, "POST", "/accounts/acme/contacts", body={**NEW, "contactId": "c-dana"})
    dana = claims_of("c-dana")
    pin = "/accounts/acme/contacts/c-dana/pin"

    assert directory(local_aws, "PUT", pin, claims=dana, body={"pin": "1111"}).status == 422
    assert directory(local_aws, "PUT", pin, body={"pin": "4821"}).status == 403  # only the contact sets it
    assert directory(local_aws, "PUT", pin, claims=dana, body={"pin": "4821"}).status == 204
    assert directory(local_aws, "POST", f"{pin}/verify", claims=dana, body={"pin": "4821"}).status == 403
    assert directory(local_aws, "POST", f"{pin}/verify", body={"pin": "4821"}).body == {
        "verified": True,
        "attemptsLeft": 5,
        "locked": False,
    }
    answers = [directory(local_aws, "POST", f"{pin}/verify", body={"pin": "0000"}).body for _ in range(5)]
    assert [answer["attemptsLeft"] for answer in answers] == [4, 3, 2, 1, 0] and answers[-1]["locked"] is True
    locked = directory(local_aws, "POST", f"{pin}/verify", body={"pin": "4821"})
    assert locked.status == 409 and locked.body["error"] == "pin_locked"
    contact = directory(local_aws, "GET", "/accounts/acme/contacts/c-dana").body
    assert contact["pinSet"] is True and contact["pinLocked"] is True and "pin" not in contact

    assert directory(local_aws, "POST", f"{pin}/unlock", user="customer").status == 403
    assert directory(local_aws, "POST", f"{pin}/unlock").body["pinLocked"] is False
    assert directory(local_aws, "POST", f"{pin}/verify", body={"pin": "4821"}).body["verified"] is True
    history = directory(local_aws, "GET", "/accounts/acme/history").body["items"]
    assert [entry["action"] for entry in history[-2:]] == ["contact PIN set", "contact PIN unlocked"]
    assert "4821" not in str(history)


def test_a_replayed_add_answers_the_same_and_sends_no_second_invitation(local_aws):
    key = {"Idempotency-Key": "add-dana"}
    first = directory(local_aws, "POST", "/accounts/acme/contacts", body=NEW, headers=key)
    replay = directory(local_aws, "POST", "/accounts/acme/contacts", body=NEW, headers=key)

    assert replay.body == first.body and len(sent_mail(to="dana@acme.example")) == 1


def test_resending_an_invitation_gives_a_new_working_password_until_the_contact_signs_in(local_aws):
    directory(local_aws, "POST", "/accounts/acme/contacts", body={**NEW, "contactId": "c-dana"})
    first = invitation_password("dana@acme.example")

    resent = directory(local_aws, "POST", "/accounts/acme/contacts/c-dana/resend-invitation")

    assert resent.status == 200 and invitation_password("dana@acme.example") != first
    first_sign_in(local_aws, "dana@acme.example", invitation_password("dana@acme.example"))
    again = directory(local_aws, "POST", "/accounts/acme/contacts/c-dana/resend-invitation")
    assert again.status == 409 and again.body["error"] == "already_signed_in"
    assert directory(local_aws, "GET", "/accounts/acme/contacts/c-dana").body["status"] == "active"


def test_each_contact_operation_makes_a_fixed_number_of_aws_calls(local_aws):
    """Counted budgets (docs/benchmarks.md): a staff caller, so no read of the caller's own account."""
    with count_aws_calls() as added:
        assert directory(local_aws, "POST", "/accounts/acme/contacts", body={**NEW, "contactId": "c-dana"}).status == 201
    with count_aws_calls() as listed:
        assert directory(local_aws, "GET", "/accounts/acme/contacts").status == 200
    with count_aws_calls() as disabled:
        assert directory(local_aws, "POST", "/accounts/acme/contacts/c-dana/disable").status == 200

    # Read the account and the contact, commit, mark the sign-in ready; the user, its groups, the invitation.
    assert added == {
        ("DynamoDB", "TransactGetItems"): 1, ("DynamoDB", "TransactWriteItems"): 1, ("DynamoDB", "UpdateItem"): 1,
        ("Cognito Identity Provider", "AdminCreateUser"): 1, ("Cognito Identity Provider", "AdminListGroupsForUser"): 1,
        ("Cognito Identity Provider", "AdminAddUserToGroup"): 2, ("SES", "SendRawEmail"): 1,
    }  # fmt: skip
    assert listed == {("DynamoDB", "TransactGetItems"): 1, ("DynamoDB", "Query"): 1}  # one Query a page, no Scan
    assert disabled == {
        ("DynamoDB", "TransactGetItems"): 1, ("DynamoDB", "TransactWriteItems"): 1,
        ("Cognito Identity Provider", "AdminDisableUser"): 1, ("Cognito Identity Provider", "AdminUserGlobalSignOut"): 1,
    }  # fmt: skip
