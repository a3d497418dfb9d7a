"""`dss reports` against the local stack (`make run`) as a user runs it: a case opened through the API is in this week's
report as `dss reports show` prints it, `dss reports csv` saves the API's CSV byte for byte (BOM first), and a
MAC-authorized contact subscribes, sends the report now, finds the delivery and its CSV, and deletes the subscription;
a contact who may not manage subscriptions is refused in one line."""

from __future__ import annotations

import re

import pytest

from functions.reports.logic.periods import eastern_day
from local.demo_directory import EXAMPLE_SUPPORT_CASE
from tests.local.test_dss_cli import dss, json_of  # noqa: F401 (the fixture)
from tests.local.test_local_clock import desk_time

pytestmark = pytest.mark.slow
BOM = b"\xef\xbb\xbf"


def open_case(stack, subject: str) -> str:
    created = stack.request("POST", "/cases", role="customer", json={**EXAMPLE_SUPPORT_CASE, "subject": subject})
    assert created.status_code == 201, created.text
    return created.json()["caseNumber"]


def test_this_weeks_report_lists_a_new_case_and_its_csv_is_saved_as_the_api_sends_it(dss, local_stack, tmp_path):  # noqa: F811
    number = open_case(local_stack, "[site-b] Agents cannot log in")
    week = ("--period", "weekly", "--period-start", eastern_day(desk_time(local_stack)).isoformat())

    shown = dss("reports", "show", *week).stdout
    assert "Acme Contact Centers (acme): week of" in shown and "Weekly report" in shown
    assert re.search(rf"│ {number} │ \[site-b\] Agents cannot log in", shown)  # in its sections, the subject as text
    assert shown.index("Open at the end of the period") < shown.index("Opened in the period") < shown.index("Closed in the period")
    report = json_of(dss("reports", "show", *week, "--json"))
    assert number in {case["caseNumber"] for case in report["opened"]} and number in {case["caseNumber"] for case in report["openAtEnd"]}

    target = tmp_path / "week.csv"
    saved = dss("reports", "csv", *week, "-o", str(target))
    params = {"period": "weekly", "periodStart": week[-1], "format": "csv"}
    sent = local_stack.request("GET", "/reports/cases", role="customer", params=params)
    assert sent.status_code == 200, sent.text
    assert target.read_bytes().startswith(BOM) and target.read_bytes() == sent.content
    rows = len(report["openAtEnd"]) + len(report["opened"]) + len(report["closed"])
    assert saved.stdout.startswith(f"Saved {target}: {rows} rows (")


def test_a_mac_contact_subscribes_sends_now_and_finds_the_delivery(dss, tmp_path):  # noqa: F811
    mac = ("--as", "customer_mac")
    created = json_of(dss(*mac, "reports", "subscriptions", "create", "--account", "acme", "--cadence", "weekly",
                          "--recipient", "bob@acme.example", "--json"))  # fmt: skip
    subscription = created["subscriptionId"]
    assert created["recipients"][0]["status"] == "active" and created["nextDeliveryAt"]
    assert subscription in dss(*mac, "reports", "subscriptions", "list").stdout

    delivered = dss(*mac, "reports", "subscriptions", "send", subscription)
    assert re.match(r"Sent: week of .+, sent \d{4}-\d\d-\d\d \d\d:\d\d ET to 1 recipient\.", delivered.stderr)
    (run,) = json_of(dss(*mac, "reports", "subscriptions", "runs", subscription, "--json"))["items"]
    saved = dss(*mac, "reports", "subscriptions", "run-csv", subscription, run["firstDay"], "-o", str(tmp_path))
    assert (tmp_path / run["fileName"]).read_bytes().startswith(BOM) and "rows" in saved.stdout

    paused = json_of(dss(*mac, "reports", "subscriptions", "update", subscription, "--pause", "--json"))
    assert paused["paused"] is True and paused["nextDeliveryAt"] is None
    dss(*mac, "reports", "subscriptions", "delete", subscription)
    gone = dss(*mac, "reports", "subscriptions", "show", subscription, expect=1)
    assert gone.stdout == "" and gone.stderr.startswith("Error: ") and "(not_found" in gone.stderr and "HTTP 404)" in gone.stderr

    refused = dss("reports", "subscriptions", "create", "--account", "acme", "--cadence", "weekly", expect=1)
    assert refused.stdout == "" and refused.stderr.count("\n") == 1 and "(forbidden; HTTP 403)" in refused.stderr
