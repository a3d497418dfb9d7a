"""Monitoring in the portal (/alerts): incidents made for real on the local stack (alerts sent to the intake with the
demo accounts' monitoring credentials, `.local/session.json` `monitoring`; the desk's clock moved to a weekday
evening, so a new incident is held), an engineer opening a held incident's case now and following it, the API's
refusal shown when the case is already asked for, and a customer seeing their own account's incidents only."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from functions.shared.clock import from_iso, to_iso
from tests.browser.conftest import accessible, sign_in

pytestmark = pytest.mark.slow

NEW_YORK = ZoneInfo("America/New_York")
ASYNC_DEADLINE_SECONDS = 30  # the processor's poll, its transaction and the bus, on a loaded 2-core machine
ACME_DEVICE, GLOBEX_DEVICE = "ic-acme-01", "sip-globex-01"


def desk_time(stack) -> datetime:
    answer = stack.request("GET", "/_local/clock")
    assert answer.status_code == 200, answer.text
    return from_iso(answer.json()["now"])


def move_clock_to_a_weekday_evening(stack) -> datetime:
    """22:00 New York on the next weekday (after business hours, 07:00-21:00): a new incident is held."""
    after = desk_time(stack).astimezone(NEW_YORK) + timedelta(days=1)
    day = after.date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    evening = datetime(day.year, day.month, day.day, 22, tzinfo=NEW_YORK)
    moved = stack.request("POST", "/_local/clock", json={"now": to_iso(evening)})
    assert moved.status_code == 200, moved.text
    return evening


def trigger(stack, account: str, device: str, summary: str, severity: str = "critical") -> None:
    event = {
        "routing_key": stack.session["monitoring"][account]["routingKey"],
        "event_action": "trigger",
        "dedup_key": f"{device}:{summary}",
        "payload": {"summary": summary, "source": device, "severity": severity, "component": "service"},
    }
    accepted = stack.request("POST", "/alerts/v1/enqueue", json=event)
    assert accepted.status_code == 202, accepted.text


def eventually(read: Callable[[], object], done: Callable[[object], bool], what: str) -> object:
    deadline = time.monotonic() + ASYNC_DEADLINE_SECONDS
    while not done(value := read()):
        assert time.monotonic() < deadline, f"{what} did not happen within {ASYNC_DEADLINE_SECONDS} s: {value}"
        time.sleep(0.2)
    return value


def incident_of(stack, account: str, device: str) -> dict | None:
    answer = stack.request("GET", "/alerts/groups", role="engineer", params={"accountId": account})
    assert answer.status_code == 200, answer.text
    return next((group for group in answer.json()["items"] if device in group.get("devices", [group["device"]])), None)


@pytest.fixture(scope="module")
def held_incidents(stack) -> dict[str, dict]:
    """One held incident of acme and one of globex, made through the intake on a weekday evening."""
    move_clock_to_a_weekday_evening(stack)
    trigger(stack, "acme", ACME_DEVICE, "Interaction Center not answering")
    trigger(stack, "globex", GLOBEX_DEVICE, "SIP proxy unreachable")
    return {
        account: eventually(lambda a=account, d=device: incident_of(stack, a, d), lambda group: group is not None, f"{account}'s incident")
        for account, device in (("acme", ACME_DEVICE), ("globex", GLOBEX_DEVICE))
    }


def incident_row(page: Page, device: str):
    return page.get_by_role("region", name=re.compile("^Incidents of")).get_by_role("row").filter(has_text=device)


def test_an_engineer_opens_a_held_incidents_case_now_and_follows_it(page: Page, stack, held_incidents):
    assert held_incidents["acme"]["status"] == "held", held_incidents["acme"]
    sign_in(page, stack, "engineer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Monitoring").click()
    expect(page.get_by_role("heading", name="Monitoring: incidents and alerts")).to_be_visible()
    expect(page.get_by_text("Choose an account to see its incidents and alerts.")).to_be_visible()
    page.get_by_label("Account", exact=True).fill("acme")
    page.get_by_role("button", name="Show monitoring").click()
    expect(page).to_have_url(re.compile(r"/alerts\?account=acme$"))

    row = incident_row(page, ACME_DEVICE)
    expect(row).to_contain_text("Held")
    expect(row).to_contain_text("Interaction Center not answering")
    expect(row).to_contain_text(re.compile(r"Case opens at \w{3} \d+, \d{4}, 7:00 AM E[SD]T if it still fires"))
    expect(row).to_contain_text(re.compile(r"\w{3} \d+, \d{4}, 10:0\d PM E[SD]T"))  # detected, in Eastern time
    expect(incident_row(page, GLOBEX_DEVICE)).to_have_count(0)  # acme's only
    alerts = page.get_by_role("region", name=re.compile("^Alerts of account acme: firing"))
    alert_row = alerts.get_by_role("row").filter(has_text=ACME_DEVICE)
    expect(alert_row).to_contain_text("Critical")
    expect(alert_row).to_contain_text("Firing")
    accessible(page, "monitoring-held-incident")

    row.get_by_role("button", name="Open case now").click()
    case_link = page.get_by_role("status").get_by_role("link", name=re.compile(r"^case \d{10}$"))
    # The case opens through two asynchronous hops (the cases domain's consumer, then the alerts domain's) and the page
    # polls for 45 s: more than the 20 s default on a loaded machine, with both consumers cold in this module's stack.
    expect(case_link).to_be_visible(timeout=60_000)
    number = case_link.inner_text().split()[-1]
    expect(row).to_contain_text("Case open")
    expect(row.get_by_role("link", name=f"Case {number}")).to_be_visible()
    expect(row.get_by_role("button", name="Open case now")).to_have_count(0)
    accessible(page, "monitoring-case-opened")

    case_link.click()
    expect(page).to_have_url(re.compile(rf"/cases/{number}$"))
    expect(page.get_by_role("heading", name=re.compile("Interaction Center not answering"))).to_be_visible()
    case = stack.request("GET", f"/cases/{number}", role="engineer").json()
    assert (case["accountId"], case["priority"], case["channel"]) == ("acme", "1-Prod Down", "monitoring"), case


def test_the_apis_refusal_shows_when_the_case_was_asked_for_meanwhile(page: Page, stack, held_incidents):
    incident = held_incidents["globex"]
    sign_in(page, stack, "engineer")
    page.goto(f"{stack.portal}/alerts?account=globex")
    row = incident_row(page, GLOBEX_DEVICE)
    button = row.get_by_role("button", name="Open case now")
    expect(button).to_be_visible()
    # Another engineer asks for the case while this page still shows the incident held.
    asked = stack.request("POST", f"/alerts/groups/{incident['groupId']}/case", role="manager")
    assert asked.status_code == 200, asked.text

    # By keyboard: Tab reaches the button, Enter presses it.
    page.get_by_role("heading", name="Monitoring: incidents and alerts of globex").focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text(f"The case of the incident on {GLOBEX_DEVICE} was not opened:")
    expect(refusal).to_contain_text(re.compile("already", re.IGNORECASE))  # 409 case_already_requested, the API's words
    expect(row.get_by_role("button", name="Open case now")).to_have_count(0)  # the incident as it is now
    expect(row).not_to_contain_text("Held")
    accessible(page, "monitoring-open-case-refused")


def test_a_customer_sees_their_own_accounts_incidents_only(page: Page, stack, held_incidents):
    sign_in(page, stack, "customer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Monitoring").click()
    expect(page.get_by_role("heading", name="Monitoring: incidents and alerts")).to_be_visible()
    expect(page.get_by_label("Account", exact=True)).to_have_count(0)  # no account to choose: their own
    row = incident_row(page, ACME_DEVICE)
    expect(row).to_contain_text("Interaction Center not answering")
    expect(page.get_by_role("region", name=re.compile("^Incidents of your account, newest first"))).to_be_visible()
    expect(incident_row(page, GLOBEX_DEVICE)).to_have_count(0)
    expect(page.get_by_role("button", name="Open case now")).to_have_count(0)
    expect(page.get_by_text(GLOBEX_DEVICE)).to_have_count(0)
    accessible(page, "monitoring-customer")
    page.set_viewport_size({"width": 375, "height": 740})  # a phone: the tables scroll in their own region
    expect(row).to_contain_text("Interaction Center not answering")
    accessible(page, "monitoring-customer-phone")


MAINTENANCE_DEVICE = "ic-maint-01"


def eastern_input(moment: datetime) -> str:
    """A datetime-local value as the portal's form reads it: US Eastern wall-clock time, to the minute."""
    return moment.astimezone(NEW_YORK).strftime("%Y-%m-%dT%H:%M")


def window_of(stack, case_number: str) -> dict:
    answer = stack.request("GET", "/alerts/maintenance-windows", role="engineer", params={"accountId": "acme"})
    assert answer.status_code == 200, answer.text
    return next(window for window in answer.json()["items"] if window["caseNumber"] == case_number)


def window_row(page: Page, text: str):
    return page.get_by_role("region", name=re.compile("^Maintenance windows of")).get_by_role("row").filter(has_text=text)


def test_an_engineer_schedules_ends_and_cancels_maintenance_windows_and_the_customer_sees_them(browser, stack):
    admin_case = {"caseType": "Admin", "subject": "Maintenance: IC upgrade", "description": "Upgrading the IC tonight"}
    case_number = stack.request("POST", "/cases", role="customer", json=admin_case).json()["caseNumber"]
    now = desk_time(stack)
    engineer = browser.new_page()
    # The person's browser agrees with the desk's clock (which other tests of this module may have moved ahead).
    engineer.clock.install(time=now)
    sign_in(engineer, stack, "engineer")
    engineer.goto(f"{stack.portal}/alerts?account=acme")
    engineer.get_by_role("navigation", name="Monitoring").get_by_role("link", name="Maintenance windows").click()
    expect(engineer).to_have_url(re.compile(r"/alerts/maintenance\?account=acme$"))
    expect(engineer.get_by_role("heading", name="Monitoring: maintenance windows of acme")).to_be_visible()

    form = engineer.get_by_role("region", name="Schedule a maintenance window")
    expect(form.get_by_label("Account")).to_have_value("acme")
    form.get_by_label("Maintenance case number").fill(case_number)
    form.get_by_label("Start (US Eastern time)").fill(eastern_input(now))
    form.get_by_label("End (US Eastern time)").fill(eastern_input(now + timedelta(hours=73)))
    form.get_by_label("Devices").fill(MAINTENANCE_DEVICE)
    form.get_by_role("button", name="Schedule window").click()
    end = form.get_by_label("End (US Eastern time)")
    expect(end).to_have_attribute("aria-invalid", "true")  # the API's refusal, at the field it is about
    expect(end).to_be_focused()
    expect(form.get_by_text("must be at most 72 hours after startsAt")).to_be_visible()
    accessible(engineer, "maintenance-refused")

    end.fill(eastern_input(now + timedelta(hours=2)))
    form.get_by_role("button", name="Schedule window").click()
    expect(form.get_by_role("status")).to_contain_text(f"Window scheduled for case {case_number}: active")
    row = window_row(engineer, f"Case {case_number}")
    expect(row).to_contain_text("Active: silencing")
    expect(row).to_contain_text(MAINTENANCE_DEVICE)
    expect(row.get_by_role("link", name=f"Case {case_number}")).to_be_visible()

    # An alert of the device inside the window: recorded and counted, silenced.
    trigger(stack, "acme", MAINTENANCE_DEVICE, "IC restarting")
    eventually(lambda: window_of(stack, case_number)["suppressedCount"], lambda count: count >= 1, "the silenced alert's count")
    engineer.get_by_role("navigation", name="Monitoring").get_by_role("link", name="Incidents and alerts").click()
    alert_row = (
        engineer.get_by_role("region", name=re.compile("^Alerts of account acme")).get_by_role("row").filter(has_text=MAINTENANCE_DEVICE)
    )
    expect(alert_row).to_contain_text("Silenced by maintenance")
    expect(incident_row(engineer, MAINTENANCE_DEVICE)).to_have_count(0)  # it opened nothing
    accessible(engineer, "monitoring-silenced-alert")

    engineer.go_back()
    expect(row).to_contain_text("Active: silencing")
    expect(row.get_by_role("cell").nth(5)).to_have_text("1")  # alerts silenced
    accessible(engineer, "maintenance-active")
    row.get_by_role("button", name="End now").click()
    expect(engineer.get_by_role("status").filter(has_text=f"The window of case {case_number} ends at")).to_contain_text(
        "alerts stay silenced until"
    )
    ended = window_of(stack, case_number)
    assert from_iso(ended["endsAt"]) < now + timedelta(hours=1), ended  # ended now, not at its planned end

    # A window tomorrow, cancelled before it starts.
    tomorrow = now + timedelta(days=1)
    form.get_by_label("Maintenance case number").fill(case_number)
    form.get_by_label("Start (US Eastern time)").fill(eastern_input(tomorrow))
    form.get_by_label("End (US Eastern time)").fill(eastern_input(tomorrow + timedelta(hours=4)))
    form.get_by_role("button", name="Schedule window").click()
    expect(form.get_by_role("status")).to_contain_text(f"Window scheduled for case {case_number}: scheduled")
    scheduled = window_row(engineer, "Scheduled")
    expect(scheduled).to_contain_text("All devices")
    scheduled.get_by_role("button", name="Cancel").click()
    expect(window_row(engineer, "Cancelled")).to_contain_text("All devices")
    accessible(engineer, "maintenance-cancelled")

    customer = browser.new_page()
    sign_in(customer, stack, "customer")
    customer.goto(f"{stack.portal}/alerts/maintenance")
    expect(customer.get_by_role("heading", name="Monitoring: maintenance windows")).to_be_visible()
    expect(window_row(customer, "Cancelled")).to_contain_text(f"Case {case_number}")
    expect(customer.get_by_role("button", name=re.compile("^(End now|Cancel)"))).to_have_count(0)
    expect(customer.get_by_role("region", name="Schedule a maintenance window")).to_have_count(0)
    accessible(customer, "maintenance-customer")
