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
