"""The engineer's console: the support queues across accounts, and a case moving through them as support works it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import accessible, sign_in

pytestmark = pytest.mark.slow


def open_queue(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Queues").get_by_role("link", name=name).click()
    expect(page.get_by_role("link", name=name)).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("status")).to_have_text("")  # loaded


def test_an_engineer_works_a_new_case_from_the_queues(page: Page, stack):
    admin_case = {"caseType": "Admin", "subject": "Queue walk: portal access", "description": "Locked out", "priority": "3-Medium"}
    number = stack.request("POST", "/cases", role="customer", json=admin_case).json()["caseNumber"]

    sign_in(page, stack, "engineer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queues").click()
    expect(page.get_by_role("heading", name="Queues")).to_be_visible()
    expect(page.get_by_role("link", name="Unassigned")).to_have_attribute("aria-current", "page")
    case_row = page.get_by_role("row").filter(has=page.get_by_role("link", name=number))
    expect(case_row).to_contain_text("Unassigned")
    expect(case_row).to_contain_text("acme")
    accessible(page, "queue-unassigned")

    open_queue(page, "First response due")
    expect(case_row).to_contain_text("Due")
    expect(case_row).to_contain_text(re.compile(r"Due \w{3} \d+, \d{4}, .* E[SD]?T"))
    accessible(page, "queue-response-due")

    open_queue(page, "By region")
    page.get_by_label("Region", exact=True).select_option("north-america")
    expect(case_row).to_be_visible()
    page.get_by_label("Region", exact=True).select_option("emea")
    expect(page.get_by_role("link", name=number)).to_have_count(0)
    accessible(page, "queue-region")

    case_row_link = page.get_by_role("link", name=number)
    open_queue(page, "Unassigned")
    case_row_link.click()
    page.get_by_role("button", name="Assign to me").click()
    expect(page.get_by_text("Owner: you")).to_be_visible()
    page.get_by_label("Message").fill("Which user id is locked out?")
    page.get_by_role("button", name="Request information").click()
    expect(page.get_by_text("Awaiting Info").first).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queues").click()
    expect(page.get_by_role("link", name=number)).to_have_count(0)  # no longer unassigned
    open_queue(page, "Mine")
    expect(case_row).to_contain_text("You")
    expect(case_row).to_contain_text("Met")  # requesting information was support's first response
    open_queue(page, "Waiting on customer")
    expect(case_row).to_contain_text("Waiting on customer")
    expect(case_row).to_contain_text("Next: Reminder 1")
    accessible(page, "queue-waiting-on-customer")
    open_queue(page, "First response due")
    expect(page.get_by_role("link", name=number)).to_have_count(0)


def test_customers_have_no_queues(page: Page, stack):
    sign_in(page, stack, "customer")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Queues")).to_have_count(0)
    page.goto(f"{stack.portal}/queues/unassigned")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
