"""Maintenance cases in the portal (the guide: open a case for maintenance that will impact services, and support puts
monitoring into maintenance mode): a customer ticks "This case announces maintenance" on the New case page, states the
window in US Eastern time and the devices, and the case page shows the window; the alerts domain schedules it (the
local stack's consumers) and the case shows its update. A window that is not one is refused at its field."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import accessible, sign_in

pytestmark = pytest.mark.slow
EASTERN = ZoneInfo("America/New_York")


def portal_time(moment: datetime) -> str:
    """As the portal shows a time (src/format.ts): "Dec 12, 2026, 8:00 AM EST"."""
    local = moment.astimezone(EASTERN)
    return f"{local:%b} {local.day}, {local.year}, {int(local.strftime('%I'))}:{local:%M %p %Z}"


def form_value(moment: datetime) -> str:
    """What a datetime-local input holds for an Eastern wall-clock time."""
    return f"{moment.astimezone(EASTERN):%Y-%m-%dT%H:%M}"


def fill_support_case(page: Page, subject: str) -> None:
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Description").fill("The IC servers get the 2025 R3 patch; calls are routed to the backup site meanwhile.")
    page.get_by_label("Product group").fill("PureConnect")
    page.get_by_label("Product", exact=True).fill("CIC Server")
    page.get_by_label("Major version").fill("2025 R3")


def maintenance_updates(stack, number: str) -> list[dict]:
    """The case's maintenance notes, once the local stack's consumers have posted one (up to 30 s)."""
    deadline = time.monotonic() + 30
    while True:
        items = stack.request("GET", f"/cases/{number}/updates", role="customer").json()["items"]
        notes = [item for item in items if item["kind"] == "maintenance-note"]
        if notes or time.monotonic() > deadline:
            return notes
        time.sleep(0.5)


def test_a_customer_opens_a_maintenance_case_and_the_case_page_shows_the_window(page: Page, stack):
    # Tomorrow 08:00 to 12:00 US Eastern, as the customer types it.
    tomorrow = (datetime.now(EASTERN) + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
    starts, ends = tomorrow, tomorrow + timedelta(hours=4)
    sign_in(page, stack, "customer")
    page.goto(f"{stack.portal}/new")
    fill_support_case(page, "Patch of the IC servers")
    expect(page.get_by_label("Maintenance starts (US Eastern time)")).to_have_count(0)  # until the box is ticked

    page.get_by_label("This case announces maintenance").check()
    page.get_by_label("Maintenance starts (US Eastern time)").fill(form_value(starts))
    page.get_by_label("Maintenance ends (US Eastern time)").fill(form_value(ends))
    page.get_by_label("Devices affected").fill("ic-01\nic-02\n")
    expect(page.get_by_text(f"Maintenance mode from {portal_time(starts)} to {portal_time(ends)} (4 hours).")).to_be_visible()
    accessible(page, "new-case-maintenance")
    page.get_by_role("button", name="Open case").click()

    expect(page).to_have_url(re.compile(r"/cases/\d{10}$"))
    number = page.url.rsplit("/", 1)[1]
    expect(page.get_by_role("heading", name=re.compile("Patch of the IC servers"))).to_be_visible()
    details = page.locator("dl.details")
    expect(details).to_contain_text(f"Maintenance window{portal_time(starts)} to {portal_time(ends)}")
    expect(details).to_contain_text("Devices in maintenanceic-01, ic-02")
    case = stack.request("GET", f"/cases/{number}", role="customer").json()
    assert case["maintenanceWindow"]["startsAt"] == starts.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:00.000Z")
    assert case["maintenanceWindow"]["devices"] == ["ic-01", "ic-02"]

    # The alerts domain schedules the window from the case's opening; the case is told (by the local stack's pollers).
    (note,) = maintenance_updates(stack, number)
    assert note["text"].startswith("Maintenance mode is scheduled from ")
    page.reload()
    expect(page.get_by_role("article", name=re.compile("^Maintenance mode on "))).to_contain_text("Maintenance mode is scheduled from")
    expect(details).to_contain_text("Maintenance modeScheduled: from the start, monitoring alerts are recorded but notify nobody")
    accessible(page, "case-maintenance")


def test_a_window_ending_before_it_starts_is_refused_at_its_field(page: Page, stack):
    starts = (datetime.now(EASTERN) + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    sign_in(page, stack, "customer")
    page.goto(f"{stack.portal}/new")
    fill_support_case(page, "Database maintenance")
    page.get_by_label("This case announces maintenance").check()
    page.get_by_label("Maintenance starts (US Eastern time)").fill(form_value(starts))
    page.get_by_label("Maintenance ends (US Eastern time)").fill(form_value(starts - timedelta(hours=1)))
    page.get_by_role("button", name="Open case").click()

    ends = page.get_by_label("Maintenance ends (US Eastern time)")
    expect(ends).to_be_focused()
    expect(ends).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Error: maintenanceWindow.endsAt: endsAt must be after startsAt.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/new$"))
    accessible(page, "new-case-maintenance-refused")
