"""Who is told what, for every kind of case event (README table), on the demo directory."""

from __future__ import annotations

import logging

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from functions.notifications.logic.recipients import decide, plan
from functions.notifications.models.events import CaseEventDetail
from functions.notifications.models.notifications import Account, Contact, NotificationKind, StaffMember, SupportQueue
from local.demo_directory import DEMO_ACCOUNTS, DEMO_REGIONS, DEMO_STAFF

Kind = NotificationKind
ALICE, CAROL, GINA = "alice@acme.example", "carol@acme.example", "gina@globex.example"
ERIN, MIKE, EMIL = "erin@support.example", "mike@support.example", "emil@support.example"
NA_QUEUE, EMEA_QUEUE = "na-queue@support.example", "emea-queue@support.example"
ACTORS = {
    "alice": {"userId": "u-alice", "role": "customer-contacts", "contactId": "c-alice"},
    "carol": {"userId": "u-carol", "role": "customer-contacts", "contactId": "c-carol"},
    "gina": {"userId": "u-gina", "role": "customer-contacts", "contactId": "c-gina"},
    "erin": {"userId": "u-erin", "role": "engineers", "contactId": None},
    "mike": {"userId": "u-mike", "role": "support-managers", "contactId": None},
    "system": {"userId": "followups", "role": "system", "contactId": None},
    "automation": {"userId": "automation", "role": "automation", "contactId": None},
}


class DemoDirectory:
    """The local stack's demo directory, in memory; counts reads."""

    def __init__(self, regions: dict[str, dict] = DEMO_REGIONS):
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
        entry = self.regions.get(region, {})
        return [member for user_id in entry.get("manager_user_ids", []) if (member := self.staff(user_id))]

    def region_queue(self, region):
        self.reads += 1
        email = self.regions.get(region, {}).get("queue_email")
        return SupportQueue(region, email) if email else None


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


UPDATE, OVERDUE = "CaseUpdated", "CaseResponseOverdue"
REMINDER = {
    "reminder": 1, "asked": "information", "askedAt": "2026-11-30T15:00:00.000Z", "autoCloseAt": "2026-12-14T15:00:00.000Z",
}  # fmt: skip
OWNER_LEVEL = {
    "level": "owner", "responseDueAt": "2026-01-05T19:00:00.000Z", "responseRule": "4-Low: 14 business hours",
    "region": None, "byCustomer": False,
}  # fmt: skip
# Every event of a change that posted an update names it (the escalation's reason is one).
ASKED = {"updateId": "7", "updateKind": "escalation-request", "excerpt": "x"}
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
    # The updates whose change has an event of its own (CaseClosed, CaseReopened, CaseEscalated) that carries the news.
    ("closure comment", UPDATE, "alice", {"updateKind": "closure-comment", "byCustomer": True}, None, []),
    ("solution acceptance", UPDATE, "alice", {"updateKind": "solution-acceptance", "byCustomer": True}, None, []),
    ("reopen information", UPDATE, "erin", {"updateKind": "reopen-information", "byCustomer": False}, None, []),
    ("escalation request", UPDATE, "alice", {"updateKind": "escalation-request", "byCustomer": True}, None, []),
    ("support's closure comment", UPDATE, "erin", {"updateKind": "closure-comment", "byCustomer": False}, None, []),
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
    (
        "resolved by an installation case, one email instead of the closure's",
        "CaseClosed",
        "erin",
        {"status": "Closed", "subStatus": "Resolved", "resolvedByCase": "0000000123"},
        Kind.RESOLVED_BY_INSTALLATION,
        [ALICE],
    ),
    (
        "auto-closed by the follow-up",
        "CaseClosed",
        "automation",
        {"status": "Closed", "subStatus": "Auto-closed", "byCustomer": False},
        Kind.AUTO_CLOSED,
        [ALICE],
    ),
    (
        "auto-closed, no byCustomer",
        "CaseClosed",
        "system",
        {"status": "Closed", "subStatus": "Auto-closed"},
        Kind.AUTO_CLOSED,
        [ALICE],
    ),
    ("reopened by the customer", "CaseReopened", "alice", {}, Kind.REOPENED_BY_CUSTOMER, [ERIN]),
    ("reopened by support", "CaseReopened", "erin", {}, Kind.REOPENED_BY_SUPPORT, [ALICE]),
    (
        "management escalation",
        "CaseEscalated",
        "alice",
        {"escalation": "management", "region": "north-america", **ASKED},
        Kind.MANAGEMENT_ESCALATION,
        [MIKE],
    ),
    (
        "management escalation in emea",
        "CaseEscalated",
        "gina",
        {"escalation": "management", "region": "emea", **ASKED},
        Kind.MANAGEMENT_ESCALATION,
        [EMIL],
    ),
    (
        "management escalation, region from the account",
        "CaseEscalated",
        "alice",
        {"escalation": "management", "region": None, **ASKED},
        Kind.MANAGEMENT_ESCALATION,
        [MIKE],
    ),
    (
        "High requested (needs a call)",
        "CaseEscalated",
        "alice",
        {"escalation": "priority", "requestedPriority": "2-High", **ASKED},
        Kind.URGENT_PRIORITY_REQUESTED,
        [MIKE, ERIN],
    ),
    (
        "Prod Down requested, no owner",
        "CaseEscalated",
        "alice",
        {"escalation": "priority", "requestedPriority": "1-Prod Down", **ASKED, "ownerId": None},
        Kind.URGENT_PRIORITY_REQUESTED,
        [MIKE],
    ),
    (
        "Medium raised by the customer",
        "CaseEscalated",
        "alice",
        {"escalation": "priority", "priority": "3-Medium", "requestedPriority": "3-Medium", **ASKED},
        Kind.PRIORITY_RAISED,
        [ERIN],
    ),
    (
        "High raised by support",
        "CaseEscalated",
        "erin",
        {"escalation": "priority", "priority": "2-High", "requestedPriority": "2-High", **ASKED},
        Kind.PRIORITY_RAISED,
        [ALICE],
    ),
    (
        "reminder 1, information asked",
        "CaseFollowUpReminder",
        "automation",
        {"status": "Awaiting Info", "byCustomer": False, **REMINDER},
        Kind.FOLLOW_UP_INFORMATION_REMINDER,
        [ALICE],
    ),
    (
        "reminder 2, solution proposed",
        "CaseFollowUpReminder",
        "automation",
        {"status": "Solution Proposed", "byCustomer": False, **REMINDER, "reminder": 2, "asked": "solution"},
        Kind.FOLLOW_UP_SOLUTION_REMINDER,
        [ALICE],
    ),
    (
        "reminder to a colleague's case, in emea",
        "CaseFollowUpReminder",
        "automation",
        {"accountId": "globex", "contactId": "c-gina", "byCustomer": False, **REMINDER},
        Kind.FOLLOW_UP_INFORMATION_REMINDER,
        [GINA],
    ),
    ("response overdue, owner", OVERDUE, "automation", {**OWNER_LEVEL}, Kind.RESPONSE_OVERDUE, [ERIN]),
    (
        "response overdue, owner who is a manager",
        OVERDUE,
        "automation",
        {**OWNER_LEVEL, "ownerId": "u-mike"},
        Kind.RESPONSE_OVERDUE,
        [MIKE],
    ),
    (
        "response overdue, no owner",
        OVERDUE,
        "automation",
        {**OWNER_LEVEL, "ownerId": None},
        Kind.RESPONSE_OVERDUE_UNASSIGNED,
        [NA_QUEUE],
    ),
    (
        "response overdue, no owner, region from the event",
        OVERDUE,
        "automation",
        {**OWNER_LEVEL, "ownerId": None, "region": "emea"},
        Kind.RESPONSE_OVERDUE_UNASSIGNED,
        [EMEA_QUEUE],
    ),
    (
        "response overdue, owner gone from the directory",
        OVERDUE,
        "automation",
        {**OWNER_LEVEL, "ownerId": "u-gone"},
        Kind.RESPONSE_OVERDUE,
        [NA_QUEUE],
    ),
    (
        "response overdue, managers",
        OVERDUE,
        "automation",
        {**OWNER_LEVEL, "level": "manager"},
        Kind.RESPONSE_OVERDUE_TO_MANAGERS,
        [MIKE],
    ),
    (
        "response overdue, managers of the account's region (emea)",
        OVERDUE,
        "automation",
        {**OWNER_LEVEL, "level": "manager", "accountId": "globex", "contactId": "c-gina", "ownerId": None},
        Kind.RESPONSE_OVERDUE_TO_MANAGERS,
        [EMIL],
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
    assert notified("CaseEscalated", detail("mike", escalation="management", region="north-america", **ASKED)) == (
        Kind.MANAGEMENT_ESCALATION,
        [],
    )
    requested = detail("alice", escalation="priority", requestedPriority="2-High", **ASKED, ownerId="u-mike")
    assert notified("CaseEscalated", requested) == (Kind.URGENT_PRIORITY_REQUESTED, [MIKE])


def test_a_region_without_managers_or_an_unknown_owner_notifies_nobody():
    escalation = detail("alice", escalation="management", region="apac", **ASKED)
    assert notified("CaseEscalated", escalation) == (Kind.MANAGEMENT_ESCALATION, [])
    assert notified(UPDATE, detail("alice", updateKind="comment", byCustomer=True, ownerId="u-gone")) == (Kind.CUSTOMER_UPDATE, [])
    with_a_departed_manager = DemoDirectory({"north-america": {"manager_user_ids": ["u-gone", "u-mike"]}})
    assert notified("CaseEscalated", detail("alice", escalation="management", region="north-america", **ASKED), with_a_departed_manager)[
        1
    ] == [MIKE]


def test_an_account_missing_from_the_directory_notifies_no_contact():
    assert notified("CaseCreated", detail("erin", accountId="gone")) == (Kind.CASE_OPENED, [])


def test_decide_reads_nothing():
    assert decide("CaseUpdated", detail("erin", updateKind="comment", byCustomer=False)) == (Kind.SUPPORT_UPDATE, ("contact",))


ALL_TYPES = [
    "CaseCreated",
    "CaseUpdated",
    "CaseClosed",
    "CaseReopened",
    "CaseEscalated",
    "CaseStatusChanged",
    "CasePriorityChanged",
    "CaseFollowUpReminder",
    "CaseResponseOverdue",
]
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
ACTOR_EMAILS = {"alice": ALICE, "carol": CAROL, "gina": GINA, "erin": ERIN, "mike": MIKE, "automation": None}
TIMER_STEP_TYPES = {"CaseFollowUpReminder", "CaseResponseOverdue"}  # only ever by the automation


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
    assume(detail_type not in TIMER_STEP_TYPES or actor == "automation")
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
        updateId="7",
        excerpt="x",
    )
    _, recipients = notified(detail_type, event)
    assert ACTOR_EMAILS[actor] not in recipients
    assert len(recipients) == len(set(recipients))
    if customer:  # what a customer does is news for support, never for other customers
        assert not {ALICE, CAROL, GINA} & set(recipients)


def test_an_unassigned_overdue_case_in_a_region_without_a_queue_is_logged_and_emails_nobody(caplog):
    no_queue = DemoDirectory({"north-america": {"manager_user_ids": ["u-mike"], "queue_email": None}})
    with caplog.at_level(logging.WARNING):
        unassigned = detail("automation", **OWNER_LEVEL, ownerId=None)
        assert notified(OVERDUE, unassigned, no_queue) == (Kind.RESPONSE_OVERDUE_UNASSIGNED, [])
    assert "no support queue for the region" in caplog.text
    with caplog.at_level(logging.WARNING):
        unknown_region = detail("automation", **OWNER_LEVEL, ownerId=None, accountId="gone")
        assert notified(OVERDUE, unknown_region) == (Kind.RESPONSE_OVERDUE_UNASSIGNED, [])


def test_the_automation_is_nobody_so_no_recipient_is_skipped_as_its_own_action():
    automation = detail("automation", **OWNER_LEVEL)
    assert automation.actor.is_automation and not automation.actor.is_customer and not automation.is_by_customer
    # Everyone the automation's events address is told, whoever owns the case.
    for owner, expected in (("u-erin", [ERIN]), ("u-mike", [MIKE]), (None, [NA_QUEUE])):
        assert notified(OVERDUE, detail("automation", **OWNER_LEVEL, ownerId=owner))[1] == expected
    assert notified(OVERDUE, detail("automation", **(OWNER_LEVEL | {"level": "manager"}), ownerId="u-mike"))[1] == [MIKE]
    assert notified("CaseFollowUpReminder", detail("automation", byCustomer=False, **REMINDER))[1] == [ALICE]


def test_a_close_by_the_customer_is_never_the_auto_closed_email():
    # Auto-closed is the follow-up's; a customer's close never is (whatever the sub status says).
    event = detail("alice", status="Closed", subStatus="Auto-closed", byCustomer=True)
    assert notified("CaseClosed", event) == (Kind.CLOSED_BY_CUSTOMER, [ERIN])
