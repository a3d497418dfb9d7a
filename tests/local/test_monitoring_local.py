"""Monitoring alerts end to end on the local stack over real HTTP (`make run` in a subprocess): a storm of signed
webhooks through the intake, the alerts queue and the real processor, the incident, the cases domain's 1-Prod Down
case and its emails. The desk's clock (POST /_local/clock, forward only) places each storm in or outside business
hours; nothing sleeps for time itself, and every wait is bounded. The storm and the reads are
local/simulate_alerts.py's, as `python -m local.simulate_alerts` sends them (the monitoring alerts spec, Targets)."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from functions.shared.business_time import BusinessCalendar
from functions.shared.clock import from_iso
from local.simulate_alerts import Burst, Desk, Report, business_moment, eventually, quiet_mail, simulate, wait_for_case
from tests.local.stack_process import LocalStack

pytestmark = pytest.mark.slow

NEW_YORK = ZoneInfo("America/New_York")
CALENDAR = BusinessCalendar()  # the local stack's: US federal holidays (no DSS_HOLIDAYS)
ACCOUNT = "acme"
TRIGGERS, KEYS, RETRANSMITS = 1000, 10, 50  # the spec's storm: 5 % retransmitted (same webhook-id), 2 % out of order
WAIT_SECONDS = 120  # after the last send, for the processor, the case and the emails (a loaded 2-core machine)
OPENING_DEADLINE_SECONDS = 60  # the spec: a held incident still firing has its case within 60 s of the opening
AFTER_HOURS_EMAIL = "na-after-hours@support.example"
MAINTENANCE_PATH = "/alerts/maintenance-windows"
STOP_SECONDS = 120


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory):
    """This module's stack, as tests/local/conftest.py makes it, with more time to stop: its incident timers and the
    cases' escalations are still running when Ctrl-C comes, and a loaded machine needed more than 30 s."""
    stack = LocalStack(tmp_path_factory.mktemp("monitoring-stack"))
    try:
        yield stack.start()
    finally:
        stack.stop(timeout=STOP_SECONDS)


@pytest.fixture(scope="module")
def desk(local_stack) -> Desk:
    return Desk(local_stack.session_file)


def storm(seed: int) -> Burst:
    return Burst(account=ACCOUNT, events=TRIGGERS, keys=KEYS, devices=1, duplicates=0.05, reorder=0.02, seed=seed)


def weekday_evening(after: datetime) -> datetime:
    """22:00 New York time of the first weekday evening after `after`."""
    day = after.astimezone(NEW_YORK).date()
    while (evening := datetime(day.year, day.month, day.day, 22, tzinfo=NEW_YORK)) <= after or day.weekday() >= 5:
        day += timedelta(days=1)
    return evening


def contacts_and_region(desk: Desk, account_id: str) -> tuple[dict[str, str], dict]:
    """The account's contacts' addresses by contact id, and its region (as GET /regions answers it)."""
    account = desk.read(f"/accounts/{account_id}")
    contacts = {contact["contactId"]: contact["email"] for contact in desk.pages(f"/accounts/{account_id}/contacts", {})}
    (region,) = [region for region in desk.read("/regions")["items"] if region["region"] == account["region"]]
    return contacts, region


def assert_storm_recorded(report: Report) -> None:
    """Every request accepted (no server error), ten alerts of a hundred triggers each: retransmits dropped."""
    assert report.sent.answers == Counter({"202": TRIGGERS + RETRANSMITS}), report.sent.answers
    assert report.settled, report
    assert sorted(alert["dedupKey"] for alert in report.alerts) == report.burst.alert_keys
    assert {alert["dedupKey"]: (alert["state"], alert["triggerCount"]) for alert in report.alerts} == dict.fromkeys(
        report.burst.alert_keys, ("firing", TRIGGERS // KEYS)
    )


def about(case_number: str, mail: list[dict]) -> Counter:
    """The recipients of the emails about the case (its number is in every subject)."""
    return Counter(address for item in mail if f"Case {case_number}" in item["subject"] for address in item["to"])


def case_mail(desk: Desk, case_number: str, contact: str) -> list[dict]:
    """Every email sent once the contact's about the case has gone out and the outbox has been quiet for a moment."""
    deadline = time.monotonic() + WAIT_SECONDS
    eventually(desk.mail, lambda mail: about(case_number, mail)[contact] >= 1, deadline)
    return quiet_mail(desk, deadline)


def test_a_storm_in_business_hours_opens_one_prod_down_case_and_emails_its_contact_once(desk):
    now = desk.clock()
    if (moment := business_moment(now, calendar=CALENDAR)) != now:
        desk.move_clock(moment)
    known = {row["caseNumber"] for row in desk.case_rows(ACCOUNT)}

    report = simulate(desk, storm(seed=1), wait=WAIT_SECONDS)

    assert_storm_recorded(report)
    (incident,) = report.incidents
    assert (incident["alertCount"], sorted(incident["alertKeys"])) == (KEYS, report.burst.alert_keys)
    assert incident["status"] in ("requested", "open")
    (case,) = report.cases
    assert (case["caseType"], case["priority"], case["channel"], case["accountId"]) == ("Support", "1-Prod Down", "monitoring", ACCOUNT)
    assert case["monitoringGroupId"] == incident["groupId"]
    assert {row["caseNumber"] for row in desk.case_rows(ACCOUNT)} - known == {case["caseNumber"]}  # no other case either
    assert report.latency_seconds is not None and report.latency_seconds < WAIT_SECONDS

    contacts, region = contacts_and_region(desk, ACCOUNT)
    contact = contacts[case["contactId"]]
    expected = Counter({contact: 1}) + Counter({region["queueEmail"]: 1} if region["queueEmail"] else {})
    assert about(case["caseNumber"], case_mail(desk, case["caseNumber"], contact)) == expected
    assert [item for item in report.mail if set(item["to"]) & set(contacts.values()) - {contact}] == []


def test_after_hours_the_storm_is_held_and_its_case_opens_at_the_next_opening(desk):
    contacts, region = contacts_and_region(desk, ACCOUNT)
    if not region["afterHoursEmail"]:  # the demo regions have none: give this one its after-hours address
        settings = {"managerUserIds": region["managerUserIds"], "queueEmail": region["queueEmail"], "afterHoursEmail": AFTER_HOURS_EMAIL}
        answer = desk.request("PUT", f"/regions/{region['region']}", role="manager", json=settings)
        assert answer.status_code == 200, answer.text
    after_hours = desk.read("/regions")["items"]
    after_hours_email = next(item["afterHoursEmail"] for item in after_hours if item["region"] == region["region"])
    evening = weekday_evening(desk.clock())
    desk.move_clock(evening)
    quiet_mail(desk, time.monotonic() + WAIT_SECONDS)  # the earlier case's escalations, due by the moved clock, go out first

    report = simulate(desk, storm(seed=2), wait=WAIT_SECONDS)

    assert_storm_recorded(report)
    assert report.cases == [] and report.latency_seconds is None
    (incident,) = report.incidents
    opening = CALENDAR.next_business_open(evening)
    assert (incident["status"], incident["caseNumber"], from_iso(incident["opensAt"])) == ("held", None, opening)
    customers = set(contacts.values())
    assert [item for item in report.mail if set(item["to"]) & customers] == []  # no customer email before the opening
    notices = [item for item in report.mail if after_hours_email in item["to"]]
    assert len(notices) == 1, [item["subject"] for item in notices]

    # The opening: the incident timer's Wait follows the desk's clock, so its step runs as soon as the clock gets there.
    known = {row["caseNumber"] for row in desk.case_rows(ACCOUNT)}
    desk.move_clock(opening + timedelta(seconds=1))
    moved = time.monotonic()
    case, listed = wait_for_case(desk, ACCOUNT, known, deadline=moved + OPENING_DEADLINE_SECONDS)
    assert case is not None, f"no case within {OPENING_DEADLINE_SECONDS} s of the opening"
    assert listed - moved <= OPENING_DEADLINE_SECONDS
    assert (case["priority"], case["channel"], case["monitoringGroupId"]) == ("1-Prod Down", "monitoring", incident["groupId"])
    assert from_iso(case["createdAt"]) >= opening
    assert {row["caseNumber"] for row in desk.case_rows(ACCOUNT)} - known == {case["caseNumber"]}
    contact = contacts[case["contactId"]]
    assert about(case["caseNumber"], case_mail(desk, case["caseNumber"], contact))[contact] == 1  # once, now that it is open


def test_inside_a_maintenance_window_a_storm_is_recorded_and_silenced(local_stack, desk):
    paths = local_stack.request("GET", "/openapi.json").json()["paths"]
    if MAINTENANCE_PATH not in paths:
        pytest.skip(f"the maintenance windows API ({MAINTENANCE_PATH} in functions/shared/api/openapi.json) is not served yet")
    now = desk.clock()
    if (moment := business_moment(now, room=timedelta(hours=2), calendar=CALENDAR)) != now:
        desk.move_clock(moment)
        now = moment
    burst = storm(seed=3)
    maintenance = desk.request(
        "POST", "/cases", role="customer", json={"caseType": "Admin", "subject": "Maintenance", "description": "IC server patching"}
    )
    assert maintenance.status_code == 201, maintenance.text
    window = {
        "accountId": ACCOUNT,
        "caseNumber": maintenance.json()["caseNumber"],
        "startsAt": now.isoformat(),
        "endsAt": (now + timedelta(hours=2)).isoformat(),
        "devices": burst.device_names,
    }
    scheduled = desk.request("POST", MAINTENANCE_PATH, role="engineer", json=window)
    assert scheduled.status_code == 201, scheduled.text
    window_id = scheduled.json()["windowId"]
    # The window's start emails the case's contact; it goes out before the storm, however slow the machine.
    deadline = time.monotonic() + WAIT_SECONDS
    started = f"Case {window['caseNumber']}: maintenance mode is on"

    def told(mail: list[dict]) -> bool:
        return any(item["subject"].startswith(started) for item in mail)

    assert told(eventually(desk.mail, told, deadline)), f"no '{started}' email within {WAIT_SECONDS} s"
    quiet_mail(desk, deadline)

    report = simulate(desk, burst, wait=WAIT_SECONDS)

    assert_storm_recorded(report)
    assert {alert["suppressedBy"] for alert in report.alerts} == {window_id}
    assert report.cases == [] and report.incidents == []
    assert report.mail == []
    assert desk.read(f"{MAINTENANCE_PATH}/{window_id}")["suppressedCount"] == TRIGGERS
