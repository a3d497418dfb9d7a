"""The directory in the portal: staff page through the accounts, onboard one and manage its contacts and PINs;
an account's administrator manages the other contacts; a customer sees their own account (and no other) and
sets their IVR PIN; by keyboard and at phone width."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import accessible, sign_in

pytestmark = pytest.mark.slow

PHONE = {"width": 375, "height": 740}


def invitations_to(stack, address: str) -> int:
    """How many invitations (a temporary password each) the local outbox holds for `address`."""
    answer = requests.get(f"{stack.api}/_local/outbox", params={"to": address}, timeout=30)
    assert answer.status_code == 200, answer.text
    return sum(1 for mail in answer.json()["items"] if re.search(r"^Temporary password: ", mail["text"] or "", re.MULTILINE))


def contact_row(page: Page, name: str):
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name, exact=True))


def test_staff_page_through_the_accounts(page: Page, stack):
    for number in range(25):
        created = stack.request(
            "POST", "/accounts", role="manager", json={"accountId": f"bulk-{number:02}", "name": f"Bulk {number}", "region": "emea"}
        )
        assert created.status_code == 201, created.text
    sign_in(page, stack, "engineer")
    page.goto(f"{stack.portal}/accounts")
    expect(page.get_by_role("link", name="bulk-23")).to_be_visible()
    expect(page.get_by_role("link", name="globex")).to_have_count(0)  # by id: acme and bulk-00 to bulk-23 first
    page.get_by_role("button", name="Load more").click()
    expect(page.get_by_role("link", name="globex")).to_be_visible()
    expect(page.get_by_role("link", name="acme")).to_be_visible()


def test_staff_create_an_account_and_manage_its_contacts(page: Page, stack):
    sign_in(page, stack, "engineer")
    page.get_by_role("navigation").get_by_role("link", name="Accounts").click()
    expect(page.get_by_role("link", name="acme", exact=True)).to_be_visible()
    accessible(page, "accounts")

    new_account = page.get_by_role("region", name="New account")
    new_account.get_by_label("Account id").fill("acme")
    new_account.get_by_label("Name", exact=True).fill("Initech Support Desk")
    new_account.get_by_label("Region").select_option("north-america")
    new_account.get_by_label("Release upgrades per quarter").fill("2")
    new_account.get_by_role("button", name="Create account").click()
    account_id = new_account.get_by_label("Account id")
    expect(account_id).to_have_attribute("aria-invalid", "true")  # the API's refusal names the field: acme exists
    expect(new_account.get_by_text("already exists")).to_be_visible()
    accessible(page, "accounts-refused")
    account_id.fill("initech")
    new_account.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(re.compile(r"/accounts/initech$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Initech Support Desk")
    details = page.get_by_role("region", name="Details")
    expect(details.get_by_role("definition").filter(has_text="north-america")).to_be_visible()
    expect(page.get_by_role("region", name="History").get_by_role("cell", name="created")).to_be_visible()
    accessible(page, "account-new")

    add = page.get_by_role("region", name="Add contact")
    names = ["Peter Gibbons", "Milton Waddams", "Samir Nagheenanajar", "Michael Bolton", "Joanna Stevens", "Tom Smykowski"]
    for number, name in enumerate(names, start=1):
        add.get_by_label("Name", exact=True).fill(name)
        add.get_by_label("Email").fill(f"{name.split()[0].lower()}@initech.example")
        if number == 1:
            add.get_by_label("MAC authorized").check()
        add.get_by_role("button", name="Add contact").click()
        expect(add.get_by_role("status")).to_contain_text(f"{name} is added and invited by email")
        expect(contact_row(page, name)).to_contain_text("Invited")
    sixth = add.get_by_role("status")
    expect(sixth).to_contain_text("6 active contacts, more than the recommended 5")
    expect(sixth).to_contain_text("fewer than five")
    expect(contact_row(page, "Peter Gibbons").get_by_role("cell").nth(2)).to_have_text("Yes")  # MAC authorized
    accessible(page, "account-six-contacts")

    milton = contact_row(page, "Milton Waddams")
    page.get_by_role("button", name="Disable Milton Waddams").click()
    expect(milton).to_contain_text("Disabled")
    expect(page.get_by_role("region", name="Contacts").get_by_role("status")).to_contain_text("Milton Waddams is disabled")
    expect(page.get_by_role("button", name="Enable Milton Waddams")).to_be_focused()
    page.get_by_role("button", name="Enable Milton Waddams").click()
    expect(milton).to_contain_text("Invited")
    history = page.get_by_role("region", name="History")
    expect(history.get_by_role("cell", name="contact disabled: Milton Waddams")).to_be_visible()
    expect(history.get_by_role("cell", name="contact enabled: Milton Waddams")).to_be_visible()

    assert invitations_to(stack, "samir@initech.example") == 1
    page.get_by_role("button", name="Resend invitation Samir Nagheenanajar").click()
    expect(page.get_by_role("region", name="Contacts").get_by_role("status")).to_contain_text("new invitation")
    assert invitations_to(stack, "samir@initech.example") == 2
    accessible(page, "account-contact-actions")


def test_staff_change_a_contacts_roles_by_keyboard_at_phone_width(browser, stack):
    page = browser.new_page(viewport=PHONE)
    sign_in(page, stack, "manager")
    page.get_by_role("navigation").get_by_role("link", name="Accounts").click()
    acme = page.get_by_role("link", name="acme", exact=True)
    expect(acme).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    accessible(page, "accounts-phone")
    acme.click()
    carol = contact_row(page, "Carol Caller")
    expect(carol).to_contain_text("carol@acme.example")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # the table scrolls inside its wrapper
    accessible(page, "account-phone")

    page.get_by_role("button", name="Edit Carol Caller").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Change Carol Caller")).to_be_focused()
    edit = page.get_by_role("form", name="Change Carol Caller")
    edit.get_by_label("Report recipient").focus()
    page.keyboard.press("Space")
    phone = edit.get_by_label("Phone")
    phone.focus()
    page.keyboard.type("12")  # too short: refused at the field
    edit.get_by_role("button", name="Save changes").focus()
    page.keyboard.press("Enter")
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    accessible(page, "account-edit-contact-phone")
    page.keyboard.press("Control+A")
    page.keyboard.type("+1 317 555 0100")
    page.keyboard.press("Enter")
    expect(page.get_by_role("region", name="Contacts").get_by_role("status")).to_contain_text("Carol Caller's details are saved")
    expect(carol).to_contain_text("Report recipient")
    expect(page.get_by_role("button", name="Edit Carol Caller")).to_be_focused()
    page.close()  # a page of its own, not the fixture's


def test_a_customer_sees_their_account_and_no_other(page: Page, stack):
    sign_in(page, stack, "customer")
    page.get_by_role("navigation").get_by_role("link", name="Your account").click()
    expect(page).to_have_url(re.compile(r"/accounts/acme$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account: Acme Contact Centers")
    expect(contact_row(page, "Alice Admin (you)")).to_contain_text("alice@acme.example")
    expect(contact_row(page, "Bob Builder")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Disable"))).to_have_count(0)  # not an administrator
    expect(page.get_by_role("region", name="History")).to_have_count(0)  # staff only
    accessible(page, "account-customer")

    page.goto(f"{stack.portal}/accounts/globex")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Page not found"))
    expect(page.get_by_text("Globex Telephony")).to_have_count(0)
    accessible(page, "account-not-found")


def test_a_customer_sets_their_ivr_pin(page: Page, stack):
    sign_in(page, stack, "colleague")
    page.get_by_role("navigation").get_by_role("link", name="Your account").click()
    pin_section = page.get_by_role("region", name="Your IVR PIN")
    expect(pin_section).to_contain_text("You have not set a PIN yet")
    pin = pin_section.get_by_label("New PIN")
    pin.fill("1234")
    pin_section.get_by_role("button", name="Set PIN").click()
    expect(pin).to_have_attribute("aria-invalid", "true")
    expect(pin_section.get_by_text("not one digit repeated or a run like 1234")).to_be_visible()
    accessible(page, "account-pin-refused")

    pin.fill("4812")
    pin_section.get_by_role("button", name="Set PIN").click()
    expect(pin_section.get_by_role("status")).to_contain_text("Your IVR PIN is set")
    expect(pin_section).to_contain_text("You have set a PIN")
    expect(contact_row(page, "Carol Caller (you)").get_by_role("cell").last).to_have_text("Set")
    accessible(page, "account-pin-set")


def test_an_account_administrator_manages_the_other_contacts_but_not_the_administrator_role(page: Page, stack):
    granted = stack.request("PATCH", "/accounts/acme/contacts/c-bob", role="manager", json={"accountAdministrator": True})
    assert granted.status_code == 200, granted.text
    sign_in(page, stack, "customer_mac")
    page.get_by_role("navigation").get_by_role("link", name="Your account").click()
    expect(page.get_by_role("button", name="Disable Carol Caller")).to_be_visible()
    expect(page.get_by_role("button", name="Disable Bob Builder")).to_have_count(0)  # not themselves
    add = page.get_by_role("region", name="Add contact")
    expect(add.get_by_label("MAC authorized")).to_be_visible()
    expect(add.get_by_label("Account administrator")).to_have_count(0)  # staff only
    accessible(page, "account-administrator")

    add.get_by_label("Name", exact=True).fill("Dave Deputy")
    add.get_by_label("Email").fill("dave@acme.example")
    add.get_by_role("button", name="Add contact").click()
    expect(add.get_by_role("status")).to_contain_text("Dave Deputy is added")
    expect(contact_row(page, "Dave Deputy")).to_contain_text("dave@acme.example")


def test_staff_unlock_a_pin_locked_after_five_wrong_tries(page: Page, stack):
    chosen = stack.request("PUT", "/accounts/globex/contacts/c-gina/pin", role="other_customer", json={"pin": "4711"})
    assert chosen.status_code == 204, chosen.text
    for _ in range(5):
        wrong = stack.request("POST", "/accounts/globex/contacts/c-gina/pin/verify", role="engineer", json={"pin": "9999"})
        assert wrong.json()["verified"] is False, wrong.text
    sign_in(page, stack, "engineer")
    page.goto(f"{stack.portal}/accounts/globex")
    gina = contact_row(page, "Gina Globex")
    expect(gina.get_by_role("cell").nth(6)).to_have_text("Locked")
    page.get_by_role("button", name="Unlock PIN Gina Globex").click()
    expect(page.get_by_role("region", name="Contacts").get_by_role("status")).to_contain_text("Gina Globex's IVR PIN is unlocked")
    expect(gina.get_by_role("cell").nth(6)).to_have_text("Set")
    expect(page.get_by_role("button", name="Unlock PIN Gina Globex")).to_have_count(0)
    accessible(page, "account-pin-unlocked")
