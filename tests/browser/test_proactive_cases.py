"""Proactive cases in the portal: an engineer opens one from monitoring for a contact (4-Low or 3-Medium, with
the alerts it is about); a customer has no such case type, and the API refuses one from them with what to do."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import accessible, sign_in

pytestmark = pytest.mark.slow


def test_an_engineer_opens_a_proactive_case_for_a_contact_with_its_alert_references(browser, stack):
    engineer = browser.new_page()
    sign_in(engineer, stack, "engineer")
    engineer.goto(f"{stack.portal}/new")
    engineer.get_by_label("Case type").select_option(label="Proactive (from monitoring)")
    expect(engineer.get_by_label("Priority").locator("option")).to_have_text(["4-Low", "3-Medium"])
    expect(engineer.get_by_text("A proactive case is 4-Low or 3-Medium.")).to_be_visible()
    expect(engineer.get_by_label("Product group")).to_have_count(0)  # a Support case's fields
    engineer.get_by_label("Account id").fill("acme")
    expect(engineer.get_by_text("Acme Contact Centers:")).to_be_visible()
    engineer.get_by_label("Contact", exact=True).select_option(label="Alice Admin (alice@acme.example)")
    engineer.get_by_label("Subject").fill("db01's disk fills up every night")
    engineer.get_by_label("Description").fill("The disk alert fired on 9 of the last 10 nights; the log rotation looks broken.")
    engineer.get_by_label("Priority").select_option("3-Medium")
    engineer.get_by_label("Alert references").fill("disk-db01\n\n  cpu-db01  \n")
    accessible(engineer, "new-case-proactive")
    engineer.get_by_role("button", name="Open case").click()

    expect(engineer).to_have_url(re.compile(r"/cases/\d{10}$"))
    number = engineer.url.rsplit("/", 1)[1]
    expect(engineer.get_by_role("heading", name=re.compile("db01's disk fills up every night"))).to_be_visible()
    accessible(engineer, "case-proactive")
    case = stack.request("GET", f"/cases/{number}", role="customer").json()  # Alice's case: she sees it
    assert (case["caseType"], case["priority"], case["contactId"], case["channel"]) == ("Proactive", "3-Medium", "c-alice", "monitoring")
    assert case["alertReferences"] == ["disk-db01", "cpu-db01"]


def test_a_customer_cannot_open_a_proactive_case(page: Page, stack):
    sign_in(page, stack, "customer")
    page.goto(f"{stack.portal}/new")
    expect(page.get_by_label("Case type").locator("option", has_text="Proactive")).to_have_count(0)

    refused = stack.request(
        "POST", "/cases", role="customer", json={"caseType": "Proactive", "subject": "Mine", "description": "Let me", "priority": "4-Low"}
    )
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"] == "proactive_staff_only" and "open a Support case" in refused.json()["message"]
