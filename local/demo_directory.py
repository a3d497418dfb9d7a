"""The demo tenants and users of the local stack (and of the tests): one account with several contacts,
one of them MAC-authorized, a second account, an engineer and a manager, and the support management and
support queue of each region. The local stack onboards them through the directory API (onboard_demo_directory);
the in-process tests write the directory's items directly (seed_demo_directory), which is much faster."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypedDict

from functions.shared.auth import ACCOUNT_CLAIM, CONTACT_CLAIM, GROUPS_CLAIM, Group
from functions.shared.dal.directory import AccountItem, RegionItem, StaffItem, account_key, region_key, staff_key


class DemoContact(TypedDict):
    """A contact in an account's contacts map, keyed as stored."""

    name: str
    email: str
    macAuthorized: bool


class DemoAccount(TypedDict):
    """An ACCOUNT# item's attributes (AccountItem's, after its key and account id)."""

    name: str
    region: str
    contacts: dict[str, DemoContact]  # contact id -> contact


class DemoStaff(TypedDict):
    """A STAFF# item's attributes (StaffItem's, after its key and user id)."""

    name: str
    email: str
    role: str
    region: str


class DemoRegion(TypedDict):
    """A REGION# item's attributes (RegionItem's, after its key and region)."""

    manager_user_ids: list[str]
    queue_email: str


# The case the README's walk-through and the start-up banner open (a web-form Support case).
EXAMPLE_SUPPORT_CASE = {
    "caseType": "Support", "caseSubType": "Problem", "environmentType": "Production",
    "productGroup": "PureConnect", "product": "CIC Server", "majorVersion": "2020 R1",
    "subject": "Agents cannot log in", "description": "Since this morning's Windows update",
}  # fmt: skip

DEMO_ACCOUNTS: dict[str, DemoAccount] = {
    "acme": {
        "name": "Acme Contact Centers",
        "region": "north-america",
        "contacts": {
            "c-alice": {"name": "Alice Admin", "email": "alice@acme.example", "macAuthorized": False},
            "c-bob": {"name": "Bob Builder", "email": "bob@acme.example", "macAuthorized": True},
            "c-carol": {"name": "Carol Caller", "email": "carol@acme.example", "macAuthorized": False},
        },
    },
    "globex": {
        "name": "Globex Telephony",
        "region": "emea",
        "contacts": {"c-gina": {"name": "Gina Globex", "email": "gina@globex.example", "macAuthorized": False}},
    },
}


# Support staff by user id (the Cognito `sub`, a case's ownerId), and each region's support managers and
# support queue (the REGION# item's attributes). The ids are fixed for the in-process tests; the local stack's
# Cognito makes up each user's `sub`, and seed_demo_directory maps them.
DEMO_STAFF: dict[str, DemoStaff] = {
    "u-erin": {"name": "Erin Engineer", "email": "erin@support.example", "role": Group.ENGINEER.value, "region": "north-america"},
    "u-mike": {"name": "Mike Manager", "email": "mike@support.example", "role": Group.MANAGER.value, "region": "north-america"},
    "u-emil": {"name": "Emil Manager", "email": "emil@support.example", "role": Group.MANAGER.value, "region": "emea"},
}
DEMO_REGIONS: dict[str, DemoRegion] = {
    "north-america": {"manager_user_ids": ["u-mike"], "queue_email": "na-queue@support.example"},
    "emea": {"manager_user_ids": ["u-emil"], "queue_email": "emea-queue@support.example"},
}


@dataclass(frozen=True)
class DemoUser:
    user_id: str
    email: str
    groups: tuple[Group, ...]
    account_id: str | None = None
    contact_id: str | None = None

    def claims(self) -> dict[str, str | None]:
        groups = ",".join(group.value for group in self.groups)
        claims: dict[str, str | None] = {"sub": self.user_id, "email": self.email, GROUPS_CLAIM: groups}
        if self.account_id:
            claims[ACCOUNT_CLAIM] = self.account_id
            claims[CONTACT_CLAIM] = self.contact_id
        return claims


DEMO_USERS = {
    "customer": DemoUser("u-alice", "alice@acme.example", (Group.CUSTOMER,), "acme", "c-alice"),
    "customer_mac": DemoUser("u-bob", "bob@acme.example", (Group.CUSTOMER, Group.CUSTOMER_MAC), "acme", "c-bob"),
    "colleague": DemoUser("u-carol", "carol@acme.example", (Group.CUSTOMER,), "acme", "c-carol"),
    "engineer": DemoUser("u-erin", "erin@support.example", (Group.ENGINEER,)),
    "manager": DemoUser("u-mike", "mike@support.example", (Group.MANAGER,)),
    "other_customer": DemoUser("u-gina", "gina@globex.example", (Group.CUSTOMER,), "globex", "c-gina"),
    # The Testing Department (platform updates: it records and validates Microsoft updates); neither staff nor a contact.
    "testing": DemoUser("u-tess", "tess@testing.example", (Group.TESTING,)),
}


def seed_demo_directory(user_ids: Mapping[str, str] | None = None) -> None:
    """The demo directory; `user_ids` maps the fixed ids above to the ones the API will see (the user pool's
    subs). A staff member with no sign-in (Emil) keeps his fixed id."""
    real = dict(user_ids or {})
    for account_id, account in DEMO_ACCOUNTS.items():
        AccountItem(*account_key(account_id), account_id=account_id, **account).save()
    for fixed_id, staff in DEMO_STAFF.items():
        user_id = real.get(fixed_id, fixed_id)
        StaffItem(*staff_key(user_id), user_id=user_id, **staff).save()
    for region, entry in DEMO_REGIONS.items():
        managers = [real.get(user_id, user_id) for user_id in entry["manager_user_ids"]]
        RegionItem(*region_key(region), region=region, manager_user_ids=managers, queue_email=entry["queue_email"]).save()


ApiCall = Callable[[str, str, dict], dict]  # (method, path, body) -> the answer's JSON; raises unless 2xx


def api_as(claims: dict[str, str | None], module: str = "functions.directory.handlers.api") -> ApiCall:
    """Calls a real API Lambda (the directory's unless `module` names another), as API Gateway would for a user
    with these claims."""
    import importlib
    import json

    from local.api_gateway import proxy_event
    from local.http_adapter import LambdaContext

    lambda_handler = importlib.import_module(module).lambda_handler

    def call(method: str, path: str, body: dict) -> dict:
        headers = {"Content-Type": "application/json"}
        answer = lambda_handler(
            proxy_event(method, path, claims=claims, headers=headers, body=json.dumps(body)), LambdaContext(module.split(".")[1] + "-api")
        )
        if answer["statusCode"] >= 300:
            raise RuntimeError(f"{method} {path}: {answer['statusCode']} {answer['body']}")
        return json.loads(answer["body"] or "{}")

    return call


def onboard_demo_directory(call: ApiCall, user_ids: Mapping[str, str]) -> None:
    """The demo tenants as support staff onboard a customer, through the directory API: the regions with their
    managers and queues, the accounts, their contacts (each gets a Cognito user and an invitation in the outbox).
    Staff entries are written directly (the directory has no staff API); `user_ids` maps the fixed ids to the
    pool's subs."""
    for fixed_id, staff in DEMO_STAFF.items():
        user_id = user_ids.get(fixed_id, fixed_id)
        StaffItem(*staff_key(user_id), user_id=user_id, **staff).save()
    for region, entry in DEMO_REGIONS.items():
        managers = [user_ids.get(user_id, user_id) for user_id in entry["manager_user_ids"]]
        call("PUT", f"/regions/{region}", {"managerUserIds": managers, "queueEmail": entry["queue_email"]})
    for account_id, account in DEMO_ACCOUNTS.items():
        call("POST", "/accounts", {"accountId": account_id, "name": account["name"], "region": account["region"]})
        for contact_id, contact in account["contacts"].items():
            fields = {
                "contactId": contact_id,
                "name": contact["name"],
                "email": contact["email"],
                "macAuthorized": contact["macAuthorized"],
            }
            call("POST", f"/accounts/{account_id}/contacts", fields)


def connect_demo_monitoring(call: ApiCall) -> dict[str, dict[str, str]]:
    """One monitoring integration per demo account, made by staff through the alerts API: what a monitor is
    configured with (`.local/session.json` `monitoring`), by account."""
    monitoring = {}
    for account_id in DEMO_ACCOUNTS:
        created = call("POST", "/alerts/integrations", {"accountId": account_id, "name": "Demo monitoring"})
        credentials = created["credentials"]
        monitoring[account_id] = {
            "integrationId": created["integrationId"],
            "routingKey": credentials["routingKey"],
            "webhookPath": credentials["webhookUrlPath"],
            "webhookSecret": credentials["webhookSecret"],
        }
    return monitoring
