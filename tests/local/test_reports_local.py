"""Case reports over real HTTP on the local stack: cases opened and closed today are in today's on-demand report in
their sections, its CSV opens with a BOM and escapes a formula, a subscription's send puts the report with its CSV
attached in the outbox, and moving the desk's clock past Monday 06:00 Eastern delivers a weekly subscription's
report once, however often the clock moves on."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from functions.reports.logic.periods import eastern_day
from functions.shared.clock import from_iso
from local.demo_directory import EXAMPLE_SUPPORT_CASE
from tests.local.test_local_clock import desk_time, eventually, move_clock

pytestmark = pytest.mark.slow
EASTERN = ZoneInfo("America/New_York")


def open_case(stack, subject: str) -> str:
    created = stack.request("POST", "/cases", role="customer", json={**EXAMPLE_SUPPORT_CASE, "subject": subject})
    assert created.status_code == 201, created.text
    return created.json()["caseNumber"]


def report_mails(stack, to: str) -> list[dict]:
    mails = stack.request("GET", "/_local/outbox", params={"to": to}).json()["items"]
    return [mail for mail in mails if mail["attachments"]]


def subscribe(stack, recipient: str) -> dict:
    body = {"accountId": "acme", "cadence": "weekly", "recipients": [recipient]}
    created = stack.request("POST", "/report-subscriptions", role="customer_mac", json=body)
    assert created.status_code == 201, created.text
    return created.json()


def test_todays_cases_are_in_todays_report_and_its_csv(local_stack):
    kept, formula, closed = (open_case(local_stack, subject) for subject in ("Agents cannot log in", "=1+2", "Queue stuck"))
    done = local_stack.request("POST", f"/cases/{closed}/close", role="customer", json={"subStatus": "Resolved", "comment": "Fixed."})
    assert done.status_code == 200, done.text
    today = eastern_day(desk_time(local_stack)).isoformat()

    answer = local_stack.request("GET", "/reports/cases", role="customer", params={"period": "weekly", "periodStart": today})
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert {kept, formula, closed} <= {case["caseNumber"] for case in report["opened"]}
    assert closed in {case["caseNumber"] for case in report["closed"]}
    open_at_end = {case["caseNumber"] for case in report["openAtEnd"]}
    assert {kept, formula} <= open_at_end and closed not in open_at_end

    exported = local_stack.request(
        "GET", "/reports/cases", role="customer", params={"period": "weekly", "periodStart": today}, headers={"Accept": "text/csv"}
    )
    assert exported.status_code == 200 and exported.headers["Content-Type"].startswith("text/csv")
    assert exported.content.startswith(b"\xef\xbb\xbf")  # UTF-8's BOM: Excel reads the file as UTF-8
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"), newline="")))
    assert {row[2] for row in rows[1:] if row[1] == formula} == {"'=1+2"}  # opened, and open at the end


def test_a_subscriptions_send_puts_the_report_with_its_csv_in_the_outbox(local_stack):
    subscription = subscribe(local_stack, "bob@acme.example")
    sent = local_stack.request("POST", f"/report-subscriptions/{subscription['subscriptionId']}/send", role="customer_mac")
    assert sent.status_code == 200, sent.text
    (mail,) = report_mails(local_stack, "bob@acme.example")
    (attachment,) = mail["attachments"]
    assert attachment["contentType"] == "text/csv" and attachment["fileName"].endswith(".csv")
    assert attachment["content"].startswith("\ufeff") and "\r\n" in attachment["content"]
    assert mail["listUnsubscribe"]


def test_moving_the_clock_past_monday_six_delivers_a_weekly_report_once(local_stack):
    subscription = subscribe(local_stack, "carol@acme.example")
    due = from_iso(subscription["nextDeliveryAt"])
    assert eastern_day(due).weekday() == 0 and due.astimezone(EASTERN).hour == 6
    move_clock(local_stack, due + timedelta(minutes=1))
    (first,) = eventually(lambda: report_mails(local_stack, "carol@acme.example"), lambda mails: len(mails) == 1, "the weekly report")
    # The delivery records the next date after it sends: the email can be read before that write.
    eventually(
        lambda: local_stack.request("GET", f"/report-subscriptions/{subscription['subscriptionId']}", role="customer_mac").json(),
        lambda read: from_iso(read["nextDeliveryAt"]) == due + timedelta(days=7),
        "the next week's delivery date",
    )

    # The same morning's later runs and the week's find that period delivered; the next Monday's run delivers the next
    # week's alone (the dispatcher's runs follow one another, so its mail comes after theirs).
    move_clock(local_stack, due + timedelta(hours=3))
    move_clock(local_stack, due + timedelta(days=7, minutes=1))
    mails = eventually(lambda: report_mails(local_stack, "carol@acme.example"), lambda mails: len(mails) >= 2, "the next week's report")
    assert len(mails) == 2 and mails[0]["subject"] == first["subject"] and mails[1]["subject"] != first["subject"]
