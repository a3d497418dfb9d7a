"""Platform updates in the portal on the local stack: the Testing Department (whose users have only the Windows updates
page) records a Microsoft update, and an engineer's installation request form shows the rule's refusal with the date the
decision is expected before anything is sent; once the Testing Department validates it the check says allowed and the
request opens the installation case; a Release resolving an open case closes it, and that case's page links its
installation case; an account's platform shows its gateways' distance behind GA (3 or more highlighted), staff record it
and a customer reads their own. Seeded through the API with the session's tokens; axe on every page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from functions.shared.clock import from_iso
from local.demo_directory import EXAMPLE_SUPPORT_CASE
from tests.browser.conftest import accessible, sign_in

pytestmark = pytest.mark.slow

NEW_YORK = ZoneInfo("America/New_York")
KB = "KB5034441"
GATEWAY_TYPE = "audiocodes"


def desk_day(stack) -> date:
    answer = stack.request("GET", "/_local/clock")
    assert answer.status_code == 200, answer.text
    return from_iso(answer.json()["now"]).astimezone(NEW_YORK).date()


def shown_day(day: date) -> str:
    """As the portal shows a date (src/format.ts formatDay): "Jan 20, 2026"."""
    return f"{day:%b} {day.day}, {day.year}"


def open_case(stack, subject: str) -> str:
    created = stack.request("POST", "/cases", role="customer", json={**EXAMPLE_SUPPORT_CASE, "subject": subject})
    assert created.status_code == 201, created.text
    return created.json()["caseNumber"]


@pytest.fixture(scope="module")
def platform(stack) -> None:
    """audiocodes' GA catalog SU1..SU5 and acme's platform: gw-east-1 on SU1 (4 behind), gw-west-1 on SU4 (1 behind)."""
    catalog = stack.request(
        "PUT", f"/maintenance/gateway-catalog/{GATEWAY_TYPE}", role="engineer",
        json={"name": "AudioCodes Mediant", "updates": ["SU1", "SU2", "SU3", "SU4", "SU5"]},
    )  # fmt: skip
    assert catalog.status_code == 200, catalog.text
    recorded = stack.request(
        "PUT", "/accounts/acme/platform", role="engineer",
        json={
            "release": "2024 R1",
            "patches": ["2024 R1 P3"],
            "gateways": [
                {"gatewayId": "gw-east-1", "gatewayType": GATEWAY_TYPE, "installedUpdate": "SU1"},
                {"gatewayId": "gw-west-1", "gatewayType": GATEWAY_TYPE, "installedUpdate": "SU4"},
            ],
            "fiscalYearStartMonth": 1,
            "releaseUpgradesPerQuarter": 1,
            "gatewayUpdatesPerContractYear": 1,
        },
    )  # fmt: skip
    assert recorded.status_code == 200, recorded.text


def engineer_page(browser: Browser, stack) -> Page:
    page = browser.new_context(base_url=stack.portal).new_page()
    sign_in(page, stack, "engineer")
    return page


def rule_answer(page: Page):
    return page.get_by_role("status").filter(has_text=re.compile("^(Allowed|Not allowed):"))


def kb_row(page: Page, kb: str):
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=kb, exact=True))


def test_a_windows_update_is_refused_until_the_testing_department_validates_it(page: Page, browser: Browser, stack, platform):
    released = desk_day(stack) - timedelta(days=1)
    expected = released + timedelta(days=7)

    # The Testing Department has the Windows updates page only: sign-in lands there, whatever the address.
    sign_in(page, stack, "testing")
    expect(page).to_have_url(re.compile(r"/maintenance/windows-updates$"))
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_text(["Windows updates"])
    page.goto(f"{stack.portal}/queues/unassigned")
    expect(page).to_have_url(re.compile(r"/maintenance/windows-updates$"))
    expect(page.get_by_role("heading", name="Windows updates", level=1)).to_be_visible()

    form = page.get_by_role("region", name="Record an update")
    form.get_by_label("KB number").fill("KB12")
    form.get_by_label("Title").fill("2026-01 Cumulative Update for Windows Server 2022")
    form.get_by_label("Released on").fill(released.isoformat())
    form.get_by_role("button", name="Record update").click()
    expect(form.get_by_label("KB number")).to_have_attribute("aria-invalid", "true")  # the API's refusal at its field
    expect(form.get_by_label("KB number")).to_be_focused()
    accessible(page, "windows-update-refused")

    form.get_by_label("KB number").fill(KB)
    form.get_by_label("Classification").select_option("Security")
    form.get_by_label("MSRC severity").select_option("Important")
    form.get_by_label("Products").fill("Windows Server 2022\nWindows Server 2019")
    form.get_by_role("button", name="Record update").click()
    recorded = f"{KB} is recorded pending validation; its decision is expected from {shown_day(expected)}."
    expect(form.get_by_role("status")).to_have_text(recorded)
    row = kb_row(page, KB)
    expect(row).to_contain_text("Pending validation")
    expect(row).to_contain_text(f"expected from {shown_day(expected)}")
    expect(row).to_contain_text(shown_day(released))
    expect(row.get_by_role("button", name=f"Validate {KB}")).to_be_visible()
    accessible(page, "windows-updates-testing")

    # The engineer's request is refused before anything is sent, with the date the decision is expected.
    engineer = engineer_page(browser, stack)
    engineer.get_by_role("navigation", name="Main").get_by_role("link", name="Platform updates").click()
    expect(engineer.get_by_role("heading", name="Platform updates", level=1)).to_be_visible()
    accessible(engineer, "platform-updates-overview")
    engineer.get_by_role("navigation", name="Platform updates").get_by_role("link", name="Request an installation").click()
    engineer.get_by_label("Account", exact=True).fill("acme")
    engineer.get_by_label("Contact").select_option(label="Alice Admin (c-alice)")
    engineer.get_by_label("What is installed").select_option("windows-update")
    engineer.get_by_label("KB numbers").fill(KB.lower())
    engineer.get_by_label("Why").select_option("known-scr")
    engineer.get_by_label("SCRs").fill("SCR-40112")
    engineer.get_by_role("button", name="Check against the rules").click()
    expect(rule_answer(engineer)).to_contain_text(f"Not allowed: {KB} (Security, released {released.isoformat()}) is being validated")
    expect(rule_answer(engineer)).to_contain_text(f"expected from {expected.isoformat()}")
    kbs = engineer.get_by_label("KB numbers")
    expect(kbs).to_have_attribute("aria-invalid", "true")
    expect(kbs).to_have_accessible_description(re.compile(f"Error: .*expected from {expected.isoformat()}"))
    accessible(engineer, "installation-request-refused")

    # The Testing Department validates it; the same request is now allowed, and opens the installation case.
    row.get_by_role("button", name=f"Validate {KB}").click()
    expect(page.get_by_role("status").filter(has_text=f"{KB} is validated")).to_be_visible()
    expect(row).to_contain_text("Validated")
    expect(row.get_by_role("button", name=f"Validate {KB}")).to_have_count(0)
    page.get_by_label("Status").select_option("validated")
    page.get_by_role("button", name="Show updates").click()
    expect(page).to_have_url(re.compile(r"\?status=validated$"))
    expect(kb_row(page, KB)).to_be_visible()

    engineer.get_by_role("button", name="Check against the rules").click()
    expect(rule_answer(engineer)).to_have_text("Allowed: Every update asked for is validated by the Testing Department.")
    expect(kbs).not_to_have_attribute("aria-invalid", "true")
    engineer.get_by_role("button", name="Request installation").click()
    accepted = engineer.get_by_role("region", name=re.compile(r"^Installation case \d{10} opened$"))
    expect(accepted.get_by_role("heading")).to_be_focused()
    expect(accepted).to_contain_text("It closed no other case.")
    accessible(engineer, "installation-request-accepted")
    accepted.get_by_role("link", name=re.compile(rf"^Case \d{{10}}: Installation: .*{KB}")).click()
    expect(engineer.get_by_role("heading", level=1)).to_contain_text("Installation")
    details = engineer.get_by_role("region", name="Details")
    expect(details).to_contain_text(KB)
    expect(details).to_contain_text("A service problem from a known SCR: SCR-40112")
    accessible(engineer, "installation-case-windows-update")

    # A customer reads the catalog, without the Testing Department's controls.
    customer = browser.new_context(base_url=stack.portal).new_page()
    sign_in(customer, stack, "customer")
    customer.get_by_role("navigation", name="Main").get_by_role("link", name="Windows updates").click()
    expect(kb_row(customer, KB)).to_contain_text("Validated")
    expect(customer.get_by_role("button", name=re.compile("^Validate"))).to_have_count(0)
    expect(customer.get_by_role("region", name="Record an update")).to_have_count(0)
    customer.set_viewport_size({"width": 375, "height": 740})
    accessible(customer, "windows-updates-customer-phone")


def test_the_testing_department_rejects_an_update_with_its_reason(page: Page, stack):
    released = desk_day(stack) - timedelta(days=2)
    recorded = stack.request(
        "POST", "/maintenance/windows-updates", role="testing",
        json={"kb": "KB5035000", "title": "Preview of a driver", "classification": "Driver", "releasedOn": released.isoformat()},
    )  # fmt: skip
    assert recorded.status_code == 201, recorded.text
    sign_in(page, stack, "testing")
    row = kb_row(page, "KB5035000")
    row.get_by_role("button", name="Reject KB5035000").click()
    decision = page.get_by_role("region", name="Reject KB5035000")
    expect(decision.get_by_role("heading", name="Reject KB5035000")).to_be_focused()
    decision.get_by_role("button", name="Reject KB5035000").click()
    expect(decision.get_by_label("Reason")).to_have_attribute("aria-invalid", "true")
    decision.get_by_label("Reason").fill("Breaks the IC server's SIP stack in our lab.")
    decision.get_by_role("button", name="Reject KB5035000").click()
    expect(page.get_by_role("status").filter(has_text="KB5035000 is rejected")).to_be_visible()
    expect(row).to_contain_text("Rejected")
    expect(row).to_contain_text("Reason: Breaks the IC server's SIP stack in our lab.")
    accessible(page, "windows-update-rejected")


def test_a_release_resolving_an_open_case_closes_it_and_its_page_links_the_installation(browser: Browser, stack, platform):
    resolved = open_case(stack, "Calls drop on transfer after the upgrade")
    engineer = engineer_page(browser, stack)
    engineer.goto(f"{stack.portal}/maintenance/requests/new")
    engineer.get_by_label("Account", exact=True).fill("acme")
    engineer.get_by_label("What is installed").select_option("release")
    engineer.get_by_label("Release", exact=True).fill("2025 R1")
    engineer.get_by_label("Why").select_option("known-scr")
    engineer.get_by_label("SCRs").fill("SCR-51200")
    engineer.get_by_label("Cases it resolves").fill(resolved)
    engineer.get_by_role("button", name="Check against the rules").click()
    expect(rule_answer(engineer)).to_contain_text("Not allowed: A Release is applied only when a system-impacting issue drives it.")
    impacting = engineer.get_by_label("A system-impacting issue drives it")
    expect(impacting).to_have_attribute("aria-invalid", "true")
    accessible(engineer, "release-request-refused")

    impacting.check()
    expect(rule_answer(engineer)).to_have_count(0)  # the answer was for the request as it was
    engineer.get_by_role("button", name="Check against the rules").click()
    expect(rule_answer(engineer)).to_contain_text(re.compile(r"^Allowed: This Release uses the account's Release upgrade for "))
    engineer.get_by_role("button", name="Request installation").click()
    accepted = engineer.get_by_role("region", name=re.compile(r"^Installation case \d{10} opened$"))
    expect(accepted).to_contain_text("Release upgrade")  # the entitlement it uses
    installation = re.search(r"\d{10}", accepted.get_by_role("heading").inner_text()).group(0)
    accessible(engineer, "release-request-accepted")

    accepted.get_by_role("link", name=re.compile(rf"^Case {resolved}: ")).click()
    expect(engineer.get_by_role("heading", level=1)).to_contain_text(f"Case {resolved}")
    link = engineer.get_by_role("link", name=f"Resolved by installation case {installation}")
    expect(link).to_have_attribute("href", f"/cases/{installation}")
    expect(engineer.get_by_role("region", name="Details")).to_contain_text("Closed")
    accessible(engineer, "case-resolved-by-installation")
    link.click()
    details = engineer.get_by_role("region", name="Details")
    expect(details).to_contain_text("2025 R1")
    expect(details.get_by_role("link", name=f"Case {resolved}")).to_have_attribute("href", f"/cases/{resolved}")

    # A second Release this quarter is refused before sending, naming the case that used it.
    engineer.goto(f"{stack.portal}/maintenance/requests/new?account=acme")
    engineer.get_by_label("Contact").select_option(label="Alice Admin (c-alice)")
    engineer.get_by_label("What is installed").select_option("release")
    engineer.get_by_label("Release", exact=True).fill("2025 R2")
    engineer.get_by_label("Why").select_option("feature")
    engineer.get_by_label("Feature").fill("Callback scheduling")
    engineer.get_by_label("A system-impacting issue drives it").check()
    engineer.get_by_role("button", name="Check against the rules").click()
    expect(rule_answer(engineer)).to_contain_text("Not allowed: A Release was already requested for this account in ")
    expect(rule_answer(engineer)).to_contain_text(f"case {installation}")
    expect(engineer.get_by_label("What is installed")).to_have_attribute("aria-invalid", "true")


def test_the_platform_page_shows_gateways_behind_ga_and_staff_record_it(page: Page, browser: Browser, stack, platform):
    engineer = engineer_page(browser, stack)
    engineer.goto(f"{stack.portal}/accounts/acme")
    engineer.get_by_role("link", name=re.compile("^the Release, patches and gateways")).click()
    expect(engineer).to_have_url(re.compile(r"/accounts/acme/platform$"))
    expect(engineer.get_by_role("heading", name="Platform of Acme Contact Centers", level=1)).to_be_visible()
    gateways = engineer.get_by_role("region", name=re.compile("^Gateways and their updates"))
    east = gateways.get_by_role("row").filter(has=engineer.get_by_role("rowheader", name="gw-east-1"))
    west = gateways.get_by_role("row").filter(has=engineer.get_by_role("rowheader", name="gw-west-1"))
    expect(east).to_contain_text("SU1")
    expect(east).to_contain_text("SU5")
    expect(east.locator(".badge.behind-ga")).to_have_text("4 updates behind GA")  # 3 or more: highlighted
    expect(west).to_contain_text("1 update behind GA")
    expect(west.locator(".badge.behind-ga")).to_have_count(0)
    expect(engineer.get_by_text("1 gateway is 3 or more updates behind the current GA")).to_be_visible()
    expect(engineer.get_by_role("region", name="Contract")).to_contain_text("January")
    accessible(engineer, "platform-staff")

    form = engineer.get_by_role("region", name="Record the platform")
    west_fields = form.get_by_role("group", name="Gateway 2: gw-west-1")
    west_fields.get_by_label("Installed update").fill("SU5")
    form.get_by_role("button", name="Add a gateway").click()
    added = form.get_by_role("group", name="Gateway 3")
    expect(added.get_by_label("Gateway id")).to_be_focused()
    added.get_by_label("Gateway id").fill("gw-lab")
    added.get_by_label("Type").fill("Not A Type")
    form.get_by_role("button", name="Record platform").click()
    bad_type = form.get_by_role("group", name="Gateway 3: gw-lab").get_by_label("Type")
    expect(bad_type).to_have_attribute("aria-invalid", "true")  # the API names gateways.2.gatewayType
    expect(bad_type).to_be_focused()
    accessible(engineer, "platform-refused")
    form.get_by_role("button", name="Remove gateway 3").click()
    form.get_by_role("button", name="Record platform").click()
    expect(engineer.get_by_role("status").filter(has_text="The platform of Acme Contact Centers is recorded.")).to_be_visible()
    expect(west).to_contain_text("At the current GA")
    expect(east.locator(".badge.behind-ga")).to_have_text("4 updates behind GA")

    # The gateway catalog page: audiocodes' updates in release order, the current GA last.
    engineer.goto(f"{stack.portal}/maintenance/gateway-catalog")
    catalog = engineer.get_by_role("article", name=f"AudioCodes Mediant ({GATEWAY_TYPE})")
    expect(catalog.get_by_role("listitem")).to_have_text(["SU1", "SU2", "SU3", "SU4", "SU5"])
    expect(catalog).to_contain_text("Current GA: SU5")
    accessible(engineer, "gateway-catalog")

    # A customer reads their own platform from their account page, without the form.
    sign_in(page, stack, "customer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Your account").click()
    page.get_by_role("link", name=re.compile("^the Release, patches and gateways")).click()
    expect(page.get_by_role("heading", name="Platform of Acme Contact Centers", level=1)).to_be_visible()
    expect(page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="gw-east-1"))).to_contain_text("4 updates behind GA")
    expect(page.get_by_role("region", name="Record the platform")).to_have_count(0)
    page.set_viewport_size({"width": 375, "height": 740})
    accessible(page, "platform-customer-phone")
