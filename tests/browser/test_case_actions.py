"""The case page's actions in the portal: a customer escalates and reads the history; an engineer takes the
case and changes its sub status and priority; an engineer opens a Prod Down case for a customer who called.
Every time shown is US Eastern with its label."""

from __future__ import annotations

import base64
import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import accessible, sign_in

pytestmark = pytest.mark.slow

EASTERN_TIME = re.compile(r"^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M (EST|EDT|ET)$")
SUPPORT_CASE = {
    "caseType": "Support", "caseSubType": "Problem", "environmentType": "Production",
    "productGroup": "PureConnect", "product": "CIC Server", "majorVersion": "2020 R1",
    "subject": "Queue statistics are stale", "description": "The supervisor view stopped updating at noon",
}  # fmt: skip


def open_case(stack, priority: str) -> str:
    opened = stack.request("POST", "/cases", role="customer", json={**SUPPORT_CASE, "priority": priority})
    assert opened.status_code == 201, opened.text
    return opened.json()["caseNumber"]


def user_id(stack, role: str) -> str:
    """The user's id (their token's `sub`), as a case's ownerId holds it."""
    payload = stack.token(role).split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]


def section(page: Page, heading: str):
    return page.get_by_role("region", name=heading, exact=True)


def expect_times_in_eastern(page: Page) -> None:
    times = page.locator("main time")
    expect(times.first).to_be_visible()
    for index in range(times.count()):
        shown = times.nth(index)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.]+Z", shown.get_attribute("datetime") or "")
        assert EASTERN_TIME.match(shown.inner_text()), shown.inner_text()


# First in the module: the stack delivers these updates' emails while the other tests run, not while it stops.
def test_a_long_history_is_shown_a_page_at_a_time(page: Page, stack):
    number = open_case(stack, "4-Low")
    for index in range(26):  # with the opening: 27 entries, one more page than the portal's 25
        posted = stack.request("POST", f"/cases/{number}/updates", role="manager", json={"text": f"Checked log {index}"})
        assert posted.status_code in (200, 201), posted.text
    sign_in(page, stack, "customer")
    page.goto(f"{stack.portal}/cases/{number}")
    entries = section(page, "History").locator("ol > li")
    expect(entries).to_have_count(25)
    section(page, "History").get_by_role("button", name="Show more history").click()
    expect(entries).to_have_count(27)
    expect(section(page, "History").get_by_role("button", name="Show more history")).to_have_count(0)
    accessible(page, "case-history-all-pages")


def test_a_customer_escalates_to_high_is_told_to_phone_then_involves_management_and_reads_the_history(page: Page, stack):
    number = open_case(stack, "3-Medium")
    sign_in(page, stack, "customer")
    page.goto(f"{stack.portal}/cases/{number}")
    escalate = section(page, "Escalate")
    expect(escalate.get_by_label("Raise the priority")).to_be_checked()
    accessible(page, "case-escalate")

    escalate.get_by_label("Raise to").select_option("2-High")
    escalate.get_by_label("Reason for escalating").fill("Half of the supervisors are blind to their queues")
    escalate.get_by_role("button", name="Escalate").click()
    answer = escalate.get_by_role("status")
    expect(answer).to_contain_text("needs a phone call")
    expect(answer.get_by_role("link", name="1-866-794-3423")).to_have_attribute("href", "tel:+18667943423")
    expect(answer.get_by_role("link", name="1-317-715-8686")).to_have_attribute("href", "tel:+13177158686")
    expect(page.get_by_role("definition").filter(has_text=re.compile(r"^3-Medium$"))).to_be_visible()
    accessible(page, "case-escalation-needs-a-call")

    escalate.get_by_label("Involve management").check()
    escalate.get_by_label("Reason for escalating").fill("No answer on the phone line for an hour")
    escalate.get_by_role("button", name="Escalate").click()
    expect(answer).to_contain_text("regional support management for your region (north-america) has been notified")
    accessible(page, "case-escalation-management")

    history = section(page, "History")
    expect(history.get_by_text("Higher priority requested (needs a phone call)")).to_be_visible()
    expect(history.get_by_text("Escalated to management")).to_be_visible()
    expect(history.get_by_text("Update posted: Escalation requested").first).to_be_visible()
    expect(history.get_by_text("Opened", exact=True)).to_be_visible()
    expect_times_in_eastern(page)
    accessible(page, "case-history-customer")
    actions = [entry["action"] for entry in stack.request("GET", f"/cases/{number}/history", role="customer").json()["items"]]
    assert actions == ["opened", "escalation-requested", "escalated-to-management"]


def test_an_engineer_takes_the_case_changes_sub_status_and_priority_and_the_history_shows_it(page: Page, stack):
    number = open_case(stack, "4-Low")
    sign_in(page, stack, "engineer")
    page.goto(f"{stack.portal}/cases/{number}")
    fields = section(page, "Owner, sub status and priority")
    expect(fields).to_contain_text("Owner: nobody yet")
    accessible(page, "case-engineer-support-fields")

    fields.get_by_role("button", name="Assign to me").click()
    expect(fields).to_contain_text("Owner: you")
    expect(fields.get_by_role("button", name="Assign to me")).to_have_count(0)

    fields.get_by_label("Sub status").select_option("Reproducing")
    fields.get_by_label("Priority").select_option("2-High")
    fields.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").filter(has_text="The case is changed.")).to_be_visible()
    details = section(page, "Details")
    expect(details.get_by_role("definition").filter(has_text=re.compile(r"^2-High$"))).to_be_visible()
    expect(details.get_by_role("definition").filter(has_text=re.compile(r"^Reproducing$"))).to_be_visible()

    history = section(page, "History")
    expect(history.get_by_text("Owner set to you")).to_be_visible()
    expect(history.get_by_text("Sub status changed from New to Reproducing")).to_be_visible()
    expect(history.get_by_text("Priority changed from 4-Low to 2-High")).to_be_visible()
    expect_times_in_eastern(page)
    accessible(page, "case-engineer-changed")
    case = stack.request("GET", f"/cases/{number}", role="engineer").json()
    assert (case["ownerId"], case["subStatus"], case["priority"]) == (user_id(stack, "engineer"), "Reproducing", "2-High")


def test_an_engineers_change_to_a_case_changed_meanwhile_is_refused_until_the_reloaded_case_is_checked(page: Page, stack):
    number = open_case(stack, "4-Low")
    sign_in(page, stack, "engineer")
    page.goto(f"{stack.portal}/cases/{number}")
    fields = section(page, "Owner, sub status and priority")
    fields.get_by_label("Priority").select_option("3-Medium")
    posted = stack.request("POST", f"/cases/{number}/updates", role="customer", json={"text": "It is getting worse"})
    assert posted.status_code in (200, 201), posted.text

    fields.get_by_role("button", name="Save changes").click()
    expect(fields.get_by_role("alert")).to_contain_text("The case changed since you read it")
    expect(page.get_by_text("It is getting worse")).to_be_visible()  # reloaded
    accessible(page, "case-engineer-stale-change")
    fields.get_by_role("button", name="Save changes").click()
    expect(section(page, "History").get_by_text("Priority changed from 4-Low to 3-Medium")).to_be_visible()


def test_an_engineer_opens_a_prod_down_phone_case_for_the_customer_who_sees_it_in_their_list(browser, stack):
    engineer = browser.new_page()
    sign_in(engineer, stack, "engineer")
    engineer.goto(f"{stack.portal}/new")
    expect(engineer.get_by_label("Contact", exact=True)).to_be_disabled()
    accessible(engineer, "new-case-engineer")
    engineer.get_by_label("Account id").fill("acme")
    expect(engineer.get_by_text("Acme Contact Centers:")).to_be_visible()
    engineer.get_by_label("Contact", exact=True).select_option(label="Alice Admin (alice@acme.example)")
    engineer.get_by_label("Subject").fill("All agents dropped from the switch")
    engineer.get_by_label("Description").fill("Called in: every agent lost their station at 9:02")
    engineer.get_by_label("Priority").select_option("1-Prod Down")
    engineer.get_by_label("Product group").fill("PureConnect")
    engineer.get_by_label("Product", exact=True).fill("CIC Server")
    engineer.get_by_label("Major version").fill("2020 R1")
    expect_times_in_eastern(engineer)
    accessible(engineer, "new-case-engineer-filled")
    engineer.get_by_role("button", name="Open case").click()

    expect(engineer).to_have_url(re.compile(r"/cases/\d{10}$"))
    number = engineer.url.rsplit("/", 1)[1]
    details = section(engineer, "Details")
    expect(details.get_by_role("definition").filter(has_text=re.compile(r"^1-Prod Down$"))).to_be_visible()
    expect(details.get_by_text("by phone")).to_be_visible()
    expect_times_in_eastern(engineer)
    accessible(engineer, "case-engineer-phone-case")

    customer = browser.new_page()
    sign_in(customer, stack, "customer")
    customer.get_by_label("View").select_option("my-open")
    expect(customer.get_by_role("link", name=number)).to_be_visible()
    customer.get_by_role("link", name=number).click()
    expect(customer.get_by_role("heading", name=re.compile("All agents dropped from the switch"))).to_be_visible()
    case = stack.request("GET", f"/cases/{number}", role="customer").json()
    assert (case["contactId"], case["channel"], case["priority"]) == ("c-alice", "phone", "1-Prod Down")


def test_a_customer_can_only_open_low_or_medium_cases_and_is_told_to_phone_for_more(page: Page, stack):
    sign_in(page, stack, "customer")
    page.goto(f"{stack.portal}/new")
    expect(page.get_by_label("Priority").locator("option")).to_have_text(["4-Low", "3-Medium"])
    expect(page.get_by_text("For 2-High or 1-Prod Down, call support")).to_be_visible()
    expect(page.get_by_role("group", name="On behalf of (a phone case)")).to_have_count(0)
