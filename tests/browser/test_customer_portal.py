"""A customer in the portal, as a person new to the product would: sign in, open a Medium case, find it in
My Open Cases."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import accessible, sign_in

pytestmark = pytest.mark.slow


def test_the_sign_in_page_is_labelled_and_refuses_a_wrong_password(page: Page, stack):
    page.goto(f"{stack.portal}/sign-in")
    accessible(page, "sign-in")
    page.get_by_label("Email").fill(stack.session["users"]["customer"]["email"])
    page.get_by_label("Password", exact=True).fill("Not-the-password-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()


def test_a_customer_opens_a_medium_case_and_finds_it_in_my_open_cases(page: Page, stack):
    sign_in(page, stack, "customer")
    accessible(page, "case-list")
    page.get_by_role("navigation").get_by_role("link", name="New case").click()
    accessible(page, "new-case")
    page.get_by_label("Subject").fill("Agents cannot log in")
    page.get_by_label("Description").fill("Since this morning's Windows update")
    page.get_by_label("Priority").select_option("3-Medium")
    page.get_by_label("Case sub type").select_option("Problem")
    page.get_by_label("Environment").select_option("Production")
    page.get_by_label("Product group").fill("PureConnect")
    page.get_by_label("Product", exact=True).fill("CIC Server")
    page.get_by_label("Major version").fill("2020 R1")
    page.get_by_role("button", name="Open case").click()

    expect(page).to_have_url(re.compile(r"/cases/\d{10}$"))
    number = page.url.rsplit("/", 1)[1]
    expect(page.get_by_text("3-Medium").first).to_be_visible()
    accessible(page, "case")
    page.goto(f"{stack.portal}/")
    page.get_by_label("View").select_option("my-open")
    expect(page.get_by_role("link", name=number)).to_be_visible()


def test_an_engineer_requests_information_and_the_customers_answer_puts_the_case_back_to_open(browser, stack):
    customer, engineer = browser.new_page(), browser.new_page()
    sign_in(customer, stack, "customer")
    admin_case = {"caseType": "Admin", "subject": "Portal access", "description": "Locked out"}
    opened = stack.request("POST", "/cases", role="customer", json=admin_case)
    number = opened.json()["caseNumber"]

    sign_in(engineer, stack, "engineer")
    engineer.goto(f"{stack.portal}/cases/{number}")
    engineer.get_by_label("Message").fill("Which user id is locked out?")
    engineer.get_by_role("button", name="Request information").click()
    expect(engineer.get_by_text("Awaiting Info").first).to_be_visible()
    accessible(engineer, "case-engineer-awaiting-info")

    customer.goto(f"{stack.portal}/cases/{number}")
    expect(customer.get_by_text("Waiting on you")).to_be_visible()
    expect(customer.get_by_text("Which user id is locked out?")).to_be_visible()
    accessible(customer, "case-customer-waiting")
    customer.get_by_label("Update", exact=True).fill("It is agent42.")
    customer.get_by_role("button", name="Post update").click()
    expect(customer.get_by_text("It is agent42.")).to_be_visible()

    engineer.reload()
    status = engineer.get_by_role("definition").filter(has_text="Open").first
    expect(status).to_be_visible()
    assert stack.request("GET", f"/cases/{number}", role="engineer").json()["status"] == "Open"


def test_signing_in_and_reaching_new_case_work_by_keyboard_alone_at_phone_width(browser, stack):
    page = browser.new_page(viewport={"width": 375, "height": 740})
    user = stack.session["users"]["colleague"]
    page.goto(f"{stack.portal}/sign-in")
    email_id = page.get_by_label("Email").get_attribute("id")
    for _ in range(8):  # past the skip link and the header's links to the first field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == email_id:
            break
    else:
        pytest.fail("the Email field cannot be reached with Tab")
    page.keyboard.type(user["email"])
    page.keyboard.press("Tab")
    page.keyboard.type(user["password"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    accessible(page, "case-list-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the screen

    page.get_by_role("navigation").get_by_role("link", name="New case").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Subject")).to_be_visible()
    accessible(page, "new-case-phone")
