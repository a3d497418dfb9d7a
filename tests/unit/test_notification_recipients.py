"""Who is told what, for every kind of case event (README table), on the demo directory."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.notifications.logic.recipients import decide, plan
from functions.notifications.models.events import CaseEventDetail
from functions.notifications.models.notifications import Account, Contact, NotificationKind, StaffMember
from local.demo_directory import DEMO_ACCOUNTS, DEMO_REGIONS, DEMO_STAFF

Kind = NotificationKind
ALICE, CAROL, GINA = "alice@acme.example", "carol@acme.example", "gina@globex.example"
ERIN, MIKE, EMIL = "erin@support.example", "mike@support.example", "emil@support.example"
ACTORS = {
    "alice": {"userId": "u-alice", "role": "customer-contacts", "contactId": "c-alice"},
    "carol": {"userId": "u-carol", "role": "customer-contacts", "contactId": "c-carol"},
    "gina": {"userId": "u-gina", "role": "customer-contacts", "contactId": "c-gina"},
    "erin": {"userId": "u-erin", "role": "engineers", "contactId": None},
    "mike": {"userId": "u-mike", "role": "support-managers", "contactId": None},
    "system": {"userId": "followups", "role": "system", "contactId": None},
}


class DemoDirectory:
    """The local stack's demo directory, in memory; counts reads."""

    def __init__(self, regions: dict[str, list[str]] = DEMO_REGIONS):
        self.regions, self.reads = regions, 0

    def account(self, account_id):
        self.reads += 1
        entry = DEMO_ACCOUNTS.get(account_id)
        if entry is None:
            return None
        contacts = {key: Contact(key, value["name"], value["email"]) for key, value in entry["contacts"].items()}
        return Account(account_id, entry["name"], entry["region"], contacts)

    def staff(self, user_id):
        self.reads += 1
        entry = DEMO_STAFF.get(user_id)
        return StaffMember(user_id, entry["name"], entry["email"]) if entry else None

    def region_managers(self, region):
        self.reads += 1
        return [member for user_id in self.regions.get(region, []) if (member := self.staff(user_id))]


def detail(actor: str = "alice", **fields) -> CaseEventDetail:
    account = "globex" if actor == "gina" else "acme"
    base = {
        "caseNumber": "0000000042",
        "accountId": account,
        "contactId": "c-gina" if account == "globex" else "c-alice",
        "caseType": "Support",
        "priority": "4-Low",
        "status": "Open",
        "subStatus": "Investigation",
        "ownerId": "u-erin",
        "channel": "web",
        "actor": ACTORS[actor],
        "occurredAt": "2026-01-05T15:00:00.000Z",
        "changedFields": [],
    }
    return CaseEventDetail.model_validate(base | fields)


def notified(detail_type: str, event: CaseEventDetail, directory=None) -> tuple[Kind | None, list[str]]:
    decided = plan(detail_type, event, directory or DemoDirectory())
    return (decided.kind, [recipient.email for recipient in decided.recipients]) if decided else (None, [])


UPDATE = "CaseUpdated"
CASES = [
    # (id, detail type, actor, fields, kind, recipients)
    ("opened by its contact", "CaseCreated", "alice", {}, None, []),
    ("opened by support on the phone", "CaseCreated", "erin", {"ownerId": None}, Kind.CASE_OPENED, [ALICE]),
    ("owner or sub status set", UPDATE, "erin", {"changedFields": ["ownerId"]}, None, []),
    ("support comment", UPDATE, "erin", {"updateKind": "comment", "byCustomer": False}, Kind.SUPPORT_UPDATE, [ALICE]),
    (
        "information request",
        UPDATE,
        "erin",
        {"updateKind": "information-request", "byCustomer": False},
        Kind.INFORMATION_REQUESTED,
        [ALICE],
    ),
    ("solution proposal", UPDATE, "erin", {"updateKind": "solution-proposal", "byCustomer": False}, Kind.SOLUTION_PROPOSED, [ALICE]),
    ("manager's comment", UPDATE, "mike", {"updateKind": "comment", "byCustomer": False}, Kind.SUPPORT_UPDATE, [ALICE]),
    ("customer comment", UPDATE, "alice", {"updateKind": "comment", "byCustomer": True}, Kind.CUSTOMER_UPDATE, [ERIN]),
    ("colleague's comment", UPDATE, "carol", {"updateKind": "comment", "byCustomer": True}, Kind.CUSTOMER_UPDATE, [ERIN]),
    (
        "customer comment, no owner",
        UPDATE,
        "alice",
        {"updateKind": "comment", "byCustomer": True, "ownerId": None},
        Kind.CUSTOMER_UPDATE,
        [],
    ),
    ("solution rejection", UPDATE, "alice", {"updateKind": "solution-rejection", "byCustomer": True}, Kind.SOLUTION_REJECTED, [ERIN]),
    (
        "solution acceptance (a close)",
        "CaseClosed",
        "alice",
        {"status": "Closed", "subStatus": "Resolved"},
        Kind.CLOSED_BY_CUSTOMER,
        [ERIN],
    ),
    ("closed by the customer", "CaseClosed", "alice", {"status": "Closed", "subStatus": "Cancelled"}, Kind.CLOSED_BY_CUSTOMER, [ERIN]),
    ("closed by support", "CaseClosed", "erin", {"status": "Closed", "subStatus": "Resolved"}, Kind.CLOSED_BY_SUPPORT, [ALICE]),
    ("auto-closed", "CaseClosed", "system", {"status": "Closed", "subStatus": "Auto-closed"}, Kind.CLOSED_BY_SUPPORT, [ALICE]),
    ("reopened by the customer", "CaseReopened", "alice", {}, Kind.REOPENED_BY_CUSTOMER, [ERIN]),
    ("reopened by support", "CaseReopened", "erin", {}, Kind.REOPENED_BY_SUPPORT, [ALICE]),
    (
        "management escalation",
        "CaseEscalated",
        "alice",
        {"escalation": "management", "region": "north-america", "reason": "No answer"},
        Kind.MANAGEMENT_ESCALATION,
        [MIKE],
    ),
    (
        "management escalation in emea",
        "CaseEscalated",
        "gina",
        {"escalation": "management", "region": "emea", "reason": "No answer"},
        Kind.MANAGEMENT_ESCALATION,
        [EMIL],
    ),
    (
        "management escalation, region from the account",
        "CaseEscalated",
        "alice",
        {"escalation": "management", "region": None, "reason": "No answer"},
        Kind.MANAGEMENT_ESCALATION,
        [MIKE],
    ),
    (
        "High requested (needs a call)",
        "CaseEscalated",
        "alice",
        {"escalation": "priority", "requestedPriority": "2-High", "reason": "Down"},
        Kind.URGENT_PRIORITY_REQUESTED,
        [MIKE, ERIN],
    ),
    (
        "Prod Down requested, no owner",
        "CaseEscalated",
        "alice",
        {"escalation": "priority", "requestedPriority": "1-Prod Down", "reason": "Down", "ownerId": None},
        Kind.URGENT_PRIORITY_REQUESTED,
        [MIKE],
    ),
    (
        "Medium raised by the customer",
        "CaseEscalated",
        "alice",
        {"escalation": "priority", "priority": "3-Medium", "requestedPriority": "3-Medium", "reason": "Slow"},
        Kind.PRIORITY_RAISED,
        [ERIN],
    ),
    (
        "High raised by support",
        "CaseEscalated",
        "erin",
        {"escalation": "priority", "priority": "2-High", "requestedPriority": "2-High", "reason": "Call"},
        Kind.PRIORITY_RAISED,
        [ALICE],
    ),
]


@pytest.mark.parametrize(
    ("detail_type", "actor", "fields", "kind", "recipients"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_recipients(detail_type, actor, fields, kind, recipients):
    assert notified(detail_type, detail(actor, **fields)) == (kind, recipients)


@pytest.mark.parametrize("detail_type", ["CaseStatusChanged", "CasePriorityChanged", "SomethingNew"])
def test_events_that_email_nobody_read_nothing(detail_type):
    directory = DemoDirectory()
    assert plan(detail_type, detail("erin"), directory) is None
    assert directory.reads == 0


def test_the_owner_is_not_told_about_their_own_escalation_and_a_manager_owner_gets_one_email():
    assert notified("CaseEscalated", detail("mike", escalation="management", region="north-america", reason="x")) == (
        Kind.MANAGEMENT_ESCALATION,
        [],
    )
    requested = detail("alice", escalation="priority", requestedPriority="2-High", reason="x", ownerId="u-mike")
    assert notified("CaseEscalated", requested) == (Kind.URGENT_PRIORITY_REQUESTED, [MIKE])


def test_a_region_without_managers_or_an_unknown_owner_notifies_nobody():
    escalation = detail("alice", escalation="management", region="apac", reason="x")
    assert notified("CaseEscalated", escalation) == (Kind.MANAGEMENT_ESCALATION, [])
    assert notified(UPDATE, detail("alice", updateKind="comment", byCustomer=True, ownerId="u-gone")) == (Kind.CUSTOMER_UPDATE, [])
    with_a_departed_manager = DemoDirectory({"north-america": ["u-gone", "u-mike"]})
    assert notified("CaseEscalated", detail("alice", escalation="management", region="north-america", reason="x"), with_a_departed_manager)[
        1
    ] == [MIKE]


def test_an_account_missing_from_the_directory_notifies_no_contact():
    assert notified("CaseCreated", detail("erin", accountId="gone")) == (Kind.CASE_OPENED, [])


def test_decide_reads_nothing():
    assert decide("CaseUpdated", detail("erin", updateKind="comment", byCustomer=False)) == (Kind.SUPPORT_UPDATE, ("contact",))


ALL_TYPES = ["CaseCreated", "CaseUpdated", "CaseClosed", "CaseReopened", "CaseEscalated", "CaseStatusChanged", "CasePriorityChanged"]
UPDATE_KINDS = [
    "comment",
    "information-request",
    "solution-proposal",
    "solution-acceptance",
    "solution-rejection",
    "closure-comment",
    "reopen-information",
    "escalation-request",
]
ACTOR_EMAILS = {"alice": ALICE, "carol": CAROL, "gina": GINA, "erin": ERIN, "mike": MIKE}


@given(
    detail_type=st.sampled_from(ALL_TYPES),
    actor=st.sampled_from(sorted(ACTOR_EMAILS)),
    owner=st.sampled_from([None, "u-erin", "u-mike"]),
    update_kind=st.sampled_from(UPDATE_KINDS),
    escalation=st.sampled_from(["priority", "management"]),
    priority=st.sampled_from(["4-Low", "3-Medium", "2-High", "1-Prod Down"]),
    requested=st.sampled_from(["3-Medium", "2-High", "1-Prod Down"]),
)
def test_nobody_is_emailed_about_their_own_action_and_nobody_twice(detail_type, actor, owner, update_kind, escalation, priority, requested):
    customer = ACTORS[actor]["contactId"] is not None
    event = detail(
        actor,
        ownerId=owner,
        updateKind=update_kind,
        byCustomer=customer,
        escalation=escalation,
        priority=priority,
        requestedPriority=requested,
        region=None,
        reason="x",
    )
    _, recipients = notified(detail_type, event)
    assert ACTOR_EMAILS[actor] not in recipients
    assert len(recipients) == len(set(recipients))
    if customer:  # what a customer does is news for support, never for other customers
        assert not {ALICE, CAROL, GINA} & set(recipients)
