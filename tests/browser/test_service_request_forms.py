"""Service Requests from the catalog's forms in the browser: a MAC-authorized contact fills, for MAC types that
between them have every field type (string, email, text, date, boolean, integer, choice, phone number), every
field by its label, and the case keeps each value with its type."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import accessible, sign_in

pytestmark = pytest.mark.slow
# Between them, every field type of the catalog (GET /catalog/service-requests).
MAC_TYPES = ("add-user", "add-workgroup", "did-dnis-table-modification", "toll-free-number-add")
SAMPLES = {
    "string": "agent42",
    "email": "dana@acme.example",
    "text": "Sales\nSupport",
    "date": "2026-12-21",
    "phone-number": "1-800-555-0199",
}


def fill(page: Page, field: dict) -> object:
    """Fills the field as a person would, by its visible label; the value the API should keep."""
    kind = field["type"]
    if kind == "boolean":  # a checkbox: ticked or not, never "missing"
        page.get_by_label(field["label"], exact=True).check()
        return True
    control = page.get_by_label(field["label"] if field["required"] else f"{field['label']} (optional)", exact=True)
    if kind == "integer":
        control.fill("30")
        return 30
    if kind == "choice":
        control.select_option(field["choices"][0])
        return field["choices"][0]
    value = SAMPLES[kind][: field.get("maxLength") or None]
    control.fill(value)
    return value


@pytest.mark.parametrize("mac_type", MAC_TYPES)
def test_a_mac_authorized_contact_opens_a_service_request_with_every_field(page: Page, stack, mac_type):
    catalog = stack.request("GET", "/catalog/service-requests", role="customer_mac").json()
    form = next(entry for entry in catalog["macTypes"] if entry["id"] == mac_type)
    sign_in(page, stack, "customer_mac")
    page.get_by_role("navigation").get_by_role("link", name="New case").click()
    page.get_by_label("Case type").select_option("Service Request")
    page.get_by_label("Request type").select_option(mac_type)
    expected = {field["name"]: fill(page, field) for field in form["fields"]}
    page.get_by_label("Subject").fill(f"{form['name']} for the sales team")
    page.get_by_label("Description").fill("Requested through the portal's form.")
    accessible(page, f"service-request-{mac_type}")
    page.get_by_role("button", name="Open case").click()

    expect(page).to_have_url(re.compile(r"/cases/\d{10}$"))
    case = stack.request("GET", f"/cases/{page.url.rsplit('/', 1)[1]}", role="customer_mac").json()
    assert (case["caseType"], case["macType"], case["macFields"]) == ("Service Request", mac_type, expected)
