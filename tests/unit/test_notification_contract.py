"""The notifications domain against the cases domain and the directory it listens to: the bus is the only
link (house rule), and the names it relies on are the ones they publish."""

from __future__ import annotations

import ast
from pathlib import Path

from functions.cases.dal import case_items
from functions.cases.dal import tables as case_tables
from functions.cases.logic import timers
from functions.cases.logic.create_case import SUPPORT_PHONE_NUMBERS
from functions.cases.models.case import REOPEN_WINDOW, ClosedSubStatus, Priority
from functions.cases.models.lifecycle import UpdateKind
from functions.notifications.logic import email_facts, recipients, templates
from functions.notifications.models import events as notification_events
from functions.notifications.models.delivery import (
    EVENT_PATTERN,
    SUBSCRIBED_CASE_DETAIL_TYPES,
    SUBSCRIBED_CONTACT_DETAIL_TYPES,
    SUBSCRIBED_MONITORING_DETAIL_TYPES,
    SUBSCRIBED_UPDATES_DETAIL_TYPES,
)
from functions.shared import auth
from functions.shared.auth import Group
from functions.shared.contracts import CASE_EVENTS, CONTRACTS, DetailType, EventSource
from functions.shared.dal import case_view
from functions.shared.dal.directory import ContactStatus
from functions.shared.retention import FILES_KEPT_AFTER_CLOSURE
from local.demo_directory import DEMO_ACCOUNTS, DEMO_REGIONS, DEMO_STAFF, DEMO_USERS

NOTIFICATIONS = Path(__file__).resolve().parents[2] / "functions" / "notifications"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return names | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}


def test_notifications_never_imports_the_cases_domain():
    offending = {
        str(path.relative_to(NOTIFICATIONS)): sorted(name for name in _imports(path) if name.startswith("functions.cases"))
        for path in NOTIFICATIONS.rglob("*.py")
    }
    assert {path: names for path, names in offending.items() if names} == {}


def test_it_subscribes_to_every_case_event_that_can_email_someone():
    """That the cases domain really emits them: tests/unit/test_event_contracts.py."""
    published = set(CASE_EVENTS)
    assert set(SUBSCRIBED_CASE_DETAIL_TYPES) <= published
    # The events that email nobody: a status or priority change comes with the event that carries the
    # news; timers starting and stopping are the followups domain's.
    assert published - set(SUBSCRIBED_CASE_DETAIL_TYPES) == {
        DetailType.CASE_STATUS_CHANGED,
        DetailType.CASE_PRIORITY_CHANGED,
        DetailType.CASE_TIMER_STARTED,
        DetailType.CASE_TIMER_STOPPED,
    }


def test_its_rule_takes_exactly_the_case_contact_monitoring_and_updates_events_it_reads():
    """One rule, four sources: its pattern (sources x detail types) matches no other event the contract
    describes, as no source sends another's detail types."""
    assert {
        "source": ["dss.cases", "dss.directory", "dss.alerts", "dss.updates"],
        "detail-type": [
            *SUBSCRIBED_CASE_DETAIL_TYPES,
            *SUBSCRIBED_CONTACT_DETAIL_TYPES,
            *SUBSCRIBED_MONITORING_DETAIL_TYPES,
            *SUBSCRIBED_UPDATES_DETAIL_TYPES,
        ],
    } == EVENT_PATTERN
    matched = {
        (source, detail_type)
        for source, detail_type in CONTRACTS
        if source in EVENT_PATTERN["source"] and detail_type in EVENT_PATTERN["detail-type"]
    }
    assert matched == (
        {(EventSource.CASES, detail_type) for detail_type in SUBSCRIBED_CASE_DETAIL_TYPES}
        | {(EventSource.DIRECTORY, detail_type) for detail_type in SUBSCRIBED_CONTACT_DETAIL_TYPES}
        | {(EventSource.ALERTS, detail_type) for detail_type in SUBSCRIBED_MONITORING_DETAIL_TYPES}
        | {(EventSource.UPDATES, detail_type) for detail_type in SUBSCRIBED_UPDATES_DETAIL_TYPES}
    )
    assert set(notification_events.UPDATES_EVENTS) == set(SUBSCRIBED_UPDATES_DETAIL_TYPES)
    assert all(CONTRACTS[(EventSource.UPDATES, name)] is model for name, model in notification_events.UPDATES_EVENTS.items())
    assert set(notification_events.CONTACT_EVENTS) == set(SUBSCRIBED_CONTACT_DETAIL_TYPES)
    assert all(CONTRACTS[(EventSource.DIRECTORY, name)] is model for name, model in notification_events.CONTACT_EVENTS.items())
    assert set(notification_events.MONITORING_EVENTS) == set(SUBSCRIBED_MONITORING_DETAIL_TYPES)
    assert all(CONTRACTS[(EventSource.ALERTS, name)] is model for name, model in notification_events.MONITORING_EVENTS.items())


def test_a_disabled_contact_is_named_as_the_directory_names_it():
    assert ContactStatus.DISABLED.value == notification_events.DISABLED


def test_the_update_kinds_it_names_exist():
    source = (NOTIFICATIONS / "logic" / "recipients.py").read_text()
    for kind in ("information-request", "solution-proposal", "solution-rejection"):
        assert f'"{kind}"' in source
        assert kind in {member.value for member in UpdateKind}


def test_the_automation_and_the_auto_closed_sub_status_are_named_as_the_cases_domain_names_them():
    assert notification_events.AUTOMATION_ROLE == auth.AUTOMATION_ROLE == auth.AUTOMATION.role
    assert auth.AUTOMATION.contact_id is None and auth.AUTOMATION.is_staff  # byCustomer false
    assert ClosedSubStatus.AUTO_CLOSED.value == notification_events.AUTO_CLOSED


def test_the_phone_numbers_in_the_emails_are_the_desks():
    assert templates.SUPPORT_PHONE_NUMBERS == SUPPORT_PHONE_NUMBERS


def test_the_demo_directory_knows_every_demo_staff_user_and_a_manager_and_a_queue_for_every_region():
    for user in DEMO_USERS.values():
        if user.account_id is None and Group.TESTING not in user.groups:
            assert DEMO_STAFF[user.user_id]["email"] == user.email
            assert DEMO_STAFF[user.user_id]["role"] in {group.value for group in user.groups}
    for account in DEMO_ACCOUNTS.values():
        region = DEMO_REGIONS[account["region"]]
        managers = region["manager_user_ids"]
        assert managers and all(DEMO_STAFF[user_id]["role"] == Group.MANAGER.value for user_id in managers)
        assert region["queue_email"].endswith("@support.example")


def test_the_follow_up_ladder_and_the_reopening_window_in_the_emails_are_the_cases_domains():
    assert email_facts.FOLLOW_UP_BUSINESS_DAYS == timers.FOLLOW_UP_BUSINESS_DAYS
    assert Priority.PROD_DOWN.value == email_facts.PROD_DOWN
    assert FILES_KEPT_AFTER_CLOSURE == REOPEN_WINDOW  # the emails say a closed case can be reopened until then


def test_the_update_kinds_the_emails_quote_are_the_cases_domains():
    kinds = {member.value for member in UpdateKind}
    assert set(templates.WORDS_LABELS) == kinds
    assert kinds >= recipients.UPDATED_KINDS
    # The monitoring notes are emailed to nobody: an internal note is staff-only, a recovery note is quiet.
    assert not {UpdateKind.INTERNAL_NOTE.value, UpdateKind.MONITORING_NOTE.value} & recipients.UPDATED_KINDS
    assert UpdateKind.ESCALATION_REQUEST.value == email_facts.ESCALATION_REQUEST


def test_the_update_read_is_keyed_as_the_cases_domain_writes_updates():
    assert case_view.UPDATE_PREFIX == case_tables.UPDATE_PREFIX
    for update_id in ("1", "7", "1234567890"):
        assert case_view.case_update_key("0000000042", update_id) == case_items.record_key(
            "0000000042", case_tables.UPDATE_PREFIX, update_id
        )
    assert set(case_view.CaseUpdateViewItem.get_attributes()) <= set(case_tables.UpdateItem.get_attributes())
