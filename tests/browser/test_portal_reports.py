"""Case reports in the portal (/reports, /reports/subscriptions and the recipients' public link pages) on the local
stack: a customer reads today's period's report (cases opened through the API, in their sections, the chart) and
downloads its CSV with their token; a MAC-authorized contact subscribes a contact and an outside address, sends the
report now (the outbox holds it with its CSV), and the emailed links confirm and unsubscribe without signing in; the
API's refusal shows at its field; a contact who may not manage sees no controls; staff choose the account and open an
email's report link."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from functions.shared.clock import from_iso
from local.demo_directory import EXAMPLE_SUPPORT_CASE
from tests.browser.conftest import accessible, sign_in

pytestmark = pytest.mark.slow

NEW_YORK = ZoneInfo("America/New_York")
ASYNC_DEADLINE_SECONDS = 30  # the reports consumer's poll on a loaded 2-core machine
BOM = b"\xef\xbb\xbf"
OUTSIDE = "ops-lead@partner.example"
CONTACT = "carol@acme.example"


def desk_day(stack) -> date:
    """Today in US Eastern on the desk's clock (the reports' days)."""
    answer = stack.request("GET", "/_local/clock")
    assert answer.status_code == 200, answer.text
    return from_iso(answer.json()["now"]).astimezone(NEW_YORK).date()


def eventually(read: Callable[[], object], done: Callable[[object], bool], what: str) -> object:
    deadline = time.monotonic() + ASYNC_DEADLINE_SECONDS
    while not done(value := read()):
        assert time.monotonic() < deadline, f"{what} did not happen within {ASYNC_DEADLINE_SECONDS} s: {value}"
        time.sleep(0.2)
    return value


def outbox(stack, to: str) -> list[dict]:
    answer = stack.request("GET", "/_local/outbox", params={"to": to})
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def open_case(stack, subject: str) -> str:
    created = stack.request("POST", "/cases", role="customer", json={**EXAMPLE_SUPPORT_CASE, "subject": subject})
    assert created.status_code == 201, created.text
    return created.json()["caseNumber"]


@pytest.fixture(scope="module")
def todays_cases(stack) -> dict[str, str]:
    """Three cases of acme opened today through the API, one of them closed today."""
    cases = {name: open_case(stack, f"Report check: {name}") for name in ("still open", "also open", "closed")}
    closed = stack.request("POST", f"/cases/{cases['closed']}/close", role="customer", json={"subStatus": "Resolved", "comment": "Fixed."})
    assert closed.status_code == 200, closed.text
    # The chart counts from the tallies the reports consumer keeps from case events, asynchronously; the page reads the
    # report once, so it opens only once this week's bar counts them.
    day = desk_day(stack)
    query = {"accountId": "acme", "period": "weekly", "periodStart": (day - timedelta(days=day.weekday())).isoformat()}
    eventually(
        lambda: stack.request("GET", "/reports/cases", role="customer", params=query).json()["chart"][-1],
        lambda bar: bar["opened"] >= 3 and bar["closed"] >= 1,
        "this week's tallies of the three cases",
    )
    return cases


def section(page: Page, title: str):
    return page.get_by_role("region", name=re.compile(f"^{re.escape(title)}: cases of"))


def test_a_customer_reads_todays_report_and_downloads_its_csv(page: Page, stack, todays_cases, tmp_path):
    today = desk_day(stack)
    sign_in(page, stack, "customer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Case report", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Acme Contact Centers: week of"))).to_be_visible()  # the last complete week

    page.get_by_label("Period", exact=True).select_option("weekly")
    page.get_by_label("A day in the period").fill(today.isoformat())
    page.get_by_role("button", name="Show period").click()
    expect(page).to_have_url(re.compile(rf"/reports\?period=weekly&periodStart={today.isoformat()}$"))
    monday = today - timedelta(days=today.weekday())
    expect(page.get_by_label("A day in the period")).to_have_value(today.isoformat())

    # The sections in the report's order: open at the end first, then opened, then closed.
    headings = page.get_by_role("main").get_by_role("heading", level=2)
    expect(headings).to_have_text(
        [
            re.compile(r"^Acme Contact Centers: week of"),
            "Summary",
            "Opened and closed per period",
            re.compile(r"^Open at the end of the period \(\d+\)$"),
            re.compile(r"^Opened in the period \(\d+\)$"),
            re.compile(r"^Closed in the period \(\d+\)$"),
        ]
    )
    open_at_end, opened, closed = (
        section(page, title) for title in ("Open at the end of the period", "Opened in the period", "Closed in the period")
    )
    for name in ("still open", "also open"):
        expect(open_at_end.get_by_role("link", name=todays_cases[name], exact=True)).to_have_attribute(
            "href", f"/cases/{todays_cases[name]}"
        )
    expect(open_at_end.get_by_role("link", name=todays_cases["closed"], exact=True)).to_have_count(0)
    for number in todays_cases.values():
        expect(opened.get_by_role("link", name=number, exact=True)).to_be_visible()
    closed_row = closed.get_by_role("row").filter(has=page.get_by_role("link", name=todays_cases["closed"], exact=True))
    expect(closed_row).to_contain_text("Resolved")
    expect(closed_row).to_contain_text(re.compile(r"\w{3} \d+, \d{4}, \d+:\d\d [AP]M E[SD]T"))  # closed at, in Eastern time

    summary = page.get_by_role("region", name="Summary")
    expect(summary.get_by_text("Open at the end", exact=True)).to_be_visible()
    expect(summary).to_contain_text("First responses within target")
    chart = page.get_by_role("region", name=re.compile("^Cases opened and closed per period"))
    expect(chart.get_by_role("row")).to_have_count(9)  # the header and 8 periods
    this_week = chart.get_by_role("row").last
    expect(this_week.get_by_role("rowheader")).to_have_text(re.compile(rf"^{monday:%b} {monday.day} \(this report\)$"))
    expect(this_week.get_by_role("cell").first).to_have_text(re.compile(r"^[3-9]$|^\d\d+$"))  # at least the three opened today
    accessible(page, "reports-customer")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    expect(page.get_by_role("status").filter(has_text="Downloaded case-report-")).to_be_visible()
    assert download.value.suggested_filename == f"case-report-acme-contact-centers-{monday.isoformat()}-weekly.csv"
    saved = tmp_path / "report.csv"
    download.value.save_as(saved)
    content = saved.read_bytes()
    assert content.startswith(BOM), content[:20]
    assert all(number.encode() in content for number in todays_cases.values())

    page.get_by_role("link", name="Previous period").click()
    previous = monday - timedelta(days=7)
    expect(page).to_have_url(re.compile(rf"/reports\?period=weekly&periodStart={previous.isoformat()}$"))
    expect(page.get_by_label("A day in the period")).to_have_value(previous.isoformat())
    expect(section(page, "Opened in the period").get_by_role("link", name=todays_cases["still open"])).to_have_count(0)
    page.get_by_role("link", name="Next period").click()
    expect(page).to_have_url(re.compile(rf"periodStart={monday.isoformat()}$"))
    expect(section(page, "Opened in the period").get_by_role("link", name=todays_cases["still open"])).to_be_visible()
    expect(page.get_by_role("link", name="Next period")).to_have_count(0)  # this week is not over
    page.set_viewport_size({"width": 375, "height": 740})  # a phone: the chart and tables scroll in their own regions
    accessible(page, "reports-customer-phone")


def subscription(page: Page, number: int):
    return page.get_by_role("article", name=re.compile(rf"^Subscription {number}: "))


def recipient_row(scope, address: str):
    return scope.get_by_role("row").filter(has=scope.page.get_by_role("rowheader", name=re.compile(f"^{re.escape(address)}")))


def test_a_mac_contact_subscribes_sends_now_and_the_emailed_links_confirm_and_unsubscribe(page: Page, browser, stack, tmp_path):
    sign_in(page, stack, "customer_mac")
    page.goto(f"{stack.portal}/reports")
    page.get_by_role("navigation", name="Case reports").get_by_role("link", name="Subscriptions").click()
    expect(page).to_have_url(re.compile(r"/reports/subscriptions$"))
    expect(page.get_by_role("heading", name="Case report subscriptions")).to_be_visible()

    form = page.get_by_role("region", name="Subscribe to the case report")
    form.get_by_label("Cadence").select_option("weekly")
    form.get_by_label("Recipients").fill(f"{CONTACT}\nnot-an-address")
    form.get_by_role("button", name="Subscribe").click()
    recipients = form.get_by_label("Recipients")
    expect(recipients).to_have_attribute("aria-invalid", "true")  # the API's refusal, at the field it names
    expect(recipients).to_be_focused()
    accessible(page, "report-subscription-refused")

    recipients.fill(f"{CONTACT}\n{OUTSIDE}")
    form.get_by_role("button", name="Subscribe").click()
    expect(form.get_by_role("status")).to_have_text(
        "Subscription created: weekly, to 2 recipients; 1 awaiting confirmation (each was emailed a link to confirm)."
    )
    entry = subscription(page, 1)
    expect(recipient_row(entry, CONTACT)).to_contain_text("Active")
    expect(recipient_row(entry, CONTACT)).to_contain_text("A contact of the account")
    expect(recipient_row(entry, OUTSIDE)).to_contain_text("Awaiting confirmation")
    expect(entry).to_contain_text(re.compile(r"Next delivery\s*\w{3} \d+, \d{4}, 6:00 AM E[SD]T"))
    expect(entry.get_by_text("None delivered yet.")).to_be_visible()
    accessible(page, "report-subscription-created")

    entry.get_by_role("button", name=re.compile("^Send now")).click()
    expect(entry.get_by_role("status").filter(has_text="The report for week of")).to_contain_text("was sent to 1 recipient.")
    runs = entry.get_by_role("region", name=re.compile("^Reports delivered by subscription 1"))
    expect(runs.get_by_role("row")).to_have_count(2)
    with page.expect_download() as download:
        runs.get_by_role("button", name=re.compile("^Download CSV of week of")).click()
    saved = tmp_path / "run.csv"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(BOM)
    assert download.value.suggested_filename.startswith("case-report-acme-contact-centers-")
    accessible(page, "report-subscription-sent")

    # The report's email, with its CSV, to the contact only; the outside address is asked to confirm first.
    (report,) = [mail for mail in outbox(stack, CONTACT) if mail["attachments"]]
    (attachment,) = report["attachments"]
    assert attachment["contentType"] == "text/csv" and attachment["content"].startswith("\ufeff"), attachment
    assert attachment["fileName"] == download.value.suggested_filename
    assert re.search(r"token=[A-Za-z0-9_.%-]{16,}", report["listUnsubscribe"] or ""), report["listUnsubscribe"]
    assert not [mail for mail in outbox(stack, OUTSIDE) if mail["attachments"]]
    invitation = eventually(lambda: outbox(stack, OUTSIDE), lambda mails: len(mails) >= 1, "the confirmation email")[0]
    confirm_url = re.search(r"(\S+/reports/confirm\?token=\S+)", invitation["text"]).group(1)
    assert confirm_url.startswith(f"{stack.portal}/reports/confirm?token=")

    # The recipient opens the links in a browser that never signed in.
    stranger = browser.new_context().new_page()
    stranger.goto(confirm_url)
    expect(stranger.get_by_role("heading", name="Confirm your case report subscription")).to_be_visible()
    expect(stranger.get_by_role("status")).to_have_text(
        f"Confirmed: you will receive Acme Contact Centers's weekly case report at {OUTSIDE}. Every report carries a link to unsubscribe."
    )
    expect(stranger).to_have_url(confirm_url)  # not sent to sign in
    expect(stranger.get_by_role("button", name="Sign out")).to_have_count(0)
    accessible(stranger, "report-recipient-confirmed")

    unsubscribe_url = re.search(r"^Unsubscribe from this report: (\S+)", report["text"], re.MULTILINE).group(1)
    assert unsubscribe_url.startswith(f"{stack.portal}/reports/unsubscribe?token=")
    stranger.goto(unsubscribe_url)
    expect(stranger.get_by_role("heading", name="Unsubscribe from the case report")).to_be_visible()
    expect(stranger.get_by_role("status")).to_contain_text(
        f"You are unsubscribed: {CONTACT} will receive no more of Acme Contact Centers's weekly case report."
    )
    accessible(stranger, "report-recipient-unsubscribed")
    stranger.goto(f"{stack.portal}/reports/confirm?token={'x' * 40}")  # a link cut or changed: the API's refusal
    expect(stranger.get_by_role("alert")).to_contain_text("This link is not valid")
    stranger.context.close()

    page.reload()
    entry = subscription(page, 1)
    expect(recipient_row(entry, OUTSIDE)).to_contain_text("Active")
    expect(recipient_row(entry, CONTACT)).to_contain_text("Unsubscribed")
    expect(entry).to_contain_text(re.compile(r"Last delivery\s*Week of"))

    # Paused, then deleted (asked first).
    entry.get_by_role("button", name=re.compile("^Edit")).click()
    entry.get_by_label("Paused").check()
    entry.get_by_role("button", name="Save changes").click()
    expect(entry.get_by_role("heading", name=re.compile("Paused$"))).to_be_visible()
    expect(entry).to_contain_text("None while paused")
    expect(recipient_row(entry, CONTACT)).to_contain_text("Unsubscribed")  # an edit does not ask them again
    entry.get_by_role("button", name=re.compile("^Delete")).click()
    confirm = entry.get_by_role("button", name="Yes, delete it")
    expect(confirm).to_be_focused()
    accessible(page, "report-subscription-delete")
    confirm.click()
    expect(subscription(page, 1)).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Subscription 1: weekly is deleted")).to_be_visible()
    expect(page.get_by_role("heading", name="Subscriptions", exact=True)).to_be_focused()
    expect(page.get_by_text("No subscriptions yet.")).to_be_visible()
    listed = stack.request("GET", "/report-subscriptions", role="customer_mac").json()["items"]
    assert listed == [], listed


def test_a_contact_who_may_not_manage_reads_the_subscriptions_without_controls(page: Page, stack):
    created = stack.request(
        "POST",
        "/report-subscriptions",
        role="customer_mac",
        json={"accountId": "acme", "cadence": "monthly", "recipients": ["bob@acme.example"]},
    )
    assert created.status_code == 201, created.text
    sign_in(page, stack, "customer")  # Alice: neither an administrator nor MAC-authorized
    page.goto(f"{stack.portal}/reports/subscriptions")
    entry = page.get_by_role("article", name=re.compile(r"^Subscription \d+: monthly"))
    expect(recipient_row(entry, "bob@acme.example")).to_contain_text("Active")
    expect(page.get_by_text("Your account's administrators and MAC-authorized contacts manage the subscriptions.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^(Send now|Edit|Delete)"))).to_have_count(0)
    expect(page.get_by_role("region", name="Subscribe to the case report")).to_have_count(0)
    accessible(page, "report-subscriptions-read-only")


def test_staff_choose_the_account_ask_for_a_range_and_open_an_emails_report_link(page: Page, stack, todays_cases):
    today = desk_day(stack)
    sign_in(page, stack, "engineer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_text("Choose an account to see its case report.")).to_be_visible()
    page.get_by_label("Account", exact=True).fill("acme")
    page.get_by_role("button", name="Show reports").click()
    expect(page).to_have_url(re.compile(r"/reports\?account=acme$"))
    expect(page.get_by_role("heading", name="Case report of acme")).to_be_visible()

    page.get_by_label("Period", exact=True).select_option("range")
    page.get_by_label("From", exact=True).fill(today.isoformat())
    page.get_by_label("To", exact=True).fill((today - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Show period").click()
    to = page.get_by_label("To", exact=True)
    expect(to).to_have_attribute("aria-invalid", "true")  # the API's refusal at the field it names
    expect(to).to_be_focused()
    expect(page.get_by_text("to is before from")).to_be_visible()
    accessible(page, "reports-range-refused")

    to.fill(today.isoformat())
    page.get_by_role("button", name="Show period").click()
    expect(page).to_have_url(re.compile(rf"/reports\?account=acme&periodStart={today.isoformat()}&periodEnd={today.isoformat()}$"))
    expect(section(page, "Opened in the period").get_by_role("link", name=todays_cases["still open"])).to_be_visible()
    expect(page.get_by_text(re.compile("^A range of dates, in US Eastern time"))).to_be_visible()

    # A report email's "View the report in the portal" link opens that period's report.
    created = stack.request(
        "POST",
        "/report-subscriptions",
        role="engineer",
        json={"accountId": "acme", "cadence": "weekly", "recipients": ["alice@acme.example"]},
    )
    assert created.status_code == 201, created.text
    sent = stack.request("POST", f"/report-subscriptions/{created.json()['subscriptionId']}/send", role="engineer")
    assert sent.status_code == 200, sent.text
    last = sent.json()["lastDelivery"]
    mail = [mail for mail in outbox(stack, "alice@acme.example") if mail["attachments"]][-1]
    link = re.search(r"^View the report in the portal: (\S+)", mail["text"], re.MULTILINE).group(1)
    assert link == f"{stack.portal}/reports?account=acme&period=weekly&periodStart={last['firstDay']}", link
    page.goto(link)
    expect(page.get_by_role("heading", name=f"Acme Contact Centers: {last['label']}")).to_be_visible()
    expect(page.get_by_label("A day in the period")).to_have_value(last["firstDay"])
    accessible(page, "reports-staff-email-link")
