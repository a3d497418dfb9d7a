"""dss CLI: `dss reports show|csv` and `dss reports subscriptions …` (dss_cli/commands/reports.py, the reports calls of
dss_cli/api.py) against a scripted API on the loopback: the query each period option makes and the ones refused before
anything is sent, the summary and the three sections with their times in US Eastern, the CSV saved byte for byte with
its BOM (to a file, a directory or stdout), a new subscription retried with one Idempotency-Key, a change retried and a
send or a delete sent once, and the API's refusal as one line with exit code 1."""

from __future__ import annotations

import json
import re

import pytest

from dss_cli.commands import reports
from dss_cli.commands.reports import csv_rows, duration, eastern
from tests.unit.test_dss_cli_alerts import BUSY, body, dss  # noqa: F401 (the fixture)
from tests.unit.test_dss_cli_http import Reply, server  # noqa: F401 (the fixture)

SUBSCRIPTION_ID = "rs-3f2a9c0d1e2b3a4f5061"
OPEN_CASE = {
    "caseNumber": "0000000041", "subject": "[urgent] Agents cannot log in", "caseType": "Support", "priority": "3-Medium",
    "status": "Awaiting Info", "subStatus": None, "contactId": "c-alice", "ownerId": "u-erin", "createdAt": "2026-11-24T14:30:00.000Z",
    "closedAt": None, "firstResponseAt": "2026-11-24T15:00:00.000Z", "responseDueAt": "2026-11-24T18:30:00.000Z",
    "nextAutomatedAction": {"action": "reminder1", "description": "Reminder 1", "dueAt": "2026-12-08T14:00:00.000Z"},
    "ageBusinessDays": 9, "hoursToClose": None,
}  # fmt: skip
OPENED_CASE = {
    "caseNumber": "0000000042", "subject": "Queue stuck", "caseType": "Admin", "priority": "4-Low", "status": "Open", "subStatus": None,
    "contactId": "c-bob", "ownerId": None, "createdAt": "2026-12-01T14:05:00.000Z", "closedAt": None, "firstResponseAt": None,
    "responseDueAt": "2026-12-02T14:05:00.000Z", "nextAutomatedAction": None, "ageBusinessDays": 4, "hoursToClose": None,
}  # fmt: skip
CLOSED_CASE = {
    **OPENED_CASE, "caseNumber": "0000000043", "subject": "Café menu garbled", "status": "Closed", "subStatus": "Resolved",
    "closedAt": "2026-12-02T16:35:00.000Z", "ageBusinessDays": None, "hoursToClose": 26.5,
}  # fmt: skip
REPORT = {
    "accountId": "acme", "accountName": "Acme Contact Centers",
    "period": {"cadence": "weekly", "start": "2026-11-30T05:00:00.000Z", "end": "2026-12-07T05:00:00.000Z", "firstDay": "2026-11-30",
               "lastDay": "2026-12-06", "label": "week of Nov 30–Dec 6, 2026", "timeZone": "America/New_York"},
    "generatedAt": "2026-12-07T11:00:00.000Z",
    "summary": {"counts": {"opened": 5, "closed": 4, "openAtEnd": 7}, "previous": {"opened": 3, "closed": 4, "openAtEnd": 8},
                "firstResponses": {"measured": 5, "withinTarget": 4, "share": 0.8}, "medianHoursToClose": 26.5},
    "chart": [{"label": "Nov 30", "firstDay": "2026-11-30", "opened": 5, "closed": 4}],
    "openAtEnd": [OPEN_CASE, OPENED_CASE], "opened": [OPENED_CASE, CLOSED_CASE], "closed": [CLOSED_CASE],
}  # fmt: skip
# As the API writes it: a BOM, CRLF line ends, quoted text, a subject with a line break and one that is not ASCII.
CSV = (
    '\ufeff"section","case number","subject","priority"\r\n'
    '"open at end","0000000041","Agents cannot log in\r\nsince Monday","3-Medium"\r\n'
    '"opened","0000000042","Queue stuck","4-Low"\r\n'
    '"closed","0000000043","Café menu garbled","4-Low"\r\n'
).encode()
CSV_NAME = "case-report-acme-contact-centers-2026-11-30-weekly.csv"
CSV_HEADERS = {"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{CSV_NAME}"'}
RECIPIENTS = [
    {"email": "bob@acme.example", "status": "active", "contactId": "c-bob", "addedAt": "2026-12-01T15:00:00.000Z"},
    {"email": "cfo@partner.example", "status": "pending", "contactId": None, "addedAt": "2026-12-01T15:00:00.000Z"},
]  # fmt: skip
SUBSCRIPTION = {
    "subscriptionId": SUBSCRIPTION_ID, "accountId": "acme", "cadence": "weekly", "anchor": None, "recipients": RECIPIENTS,
    "caseNumber": "0000000042", "paused": False, "nextDeliveryAt": "2026-12-07T11:00:00.000Z", "lastDelivery": None,
    "createdAt": "2026-12-01T15:00:00.000Z", "createdBy": {"userId": "u-bob", "role": "customer", "contactId": "c-bob"},
    "modifiedAt": "2026-12-01T15:00:00.000Z", "version": 1,
}  # fmt: skip
DELIVERED = {
    **SUBSCRIPTION, "version": 2,
    "lastDelivery": {"firstDay": "2026-11-23", "lastDay": "2026-11-29", "label": "week of Nov 23–29, 2026",
                     "sentAt": "2026-12-01T15:01:00.000Z", "recipients": 1},
}  # fmt: skip
RUN = {
    "subscriptionId": SUBSCRIPTION_ID, "accountId": "acme", "cadence": "weekly", "firstDay": "2026-11-23", "lastDay": "2026-11-29",
    "label": "week of Nov 23–29, 2026", "sentAt": "2026-11-30T11:00:00.000Z", "opened": 3, "closed": 4, "openAtEnd": 8,
    "recipients": 1, "fileName": "case-report-acme-contact-centers-2026-11-23-weekly.csv",
}  # fmt: skip


def sent(seen) -> dict:
    return json.loads(seen.body)


def one_line(text: str) -> bool:
    return len(text.strip().splitlines()) == 1


# --- the report ---------------------------------------------------------------------------------------------------------


def test_show_asks_for_the_period_and_prints_the_summary_then_the_three_sections(dss, server):  # noqa: F811
    server.script = [Reply(200, body(REPORT))]

    shown = dss("reports", "show", "--account", "acme", "--period", "weekly", "--period-start", "2026-12-02").stdout

    assert server.seen[0].path == "/reports/cases?accountId=acme&period=weekly&periodStart=2026-12-02"
    assert "Acme Contact Centers (acme): week of Nov 30–Dec 6, 2026" in shown
    assert "Weekly report, 2026-11-30 to 2026-12-06 (US Eastern); generated 2026-12-07 06:00 ET" in shown
    assert re.search(r"Opened\s+5  \+2 vs the previous period \(3\)", shown)
    assert re.search(r"Closed\s+4  same as the previous period", shown)
    assert re.search(r"Open at the end\s+7  -1 vs the previous period \(8\)", shown)
    assert re.search(r"First responses within target\s+80%  4 of 5", shown) and re.search(r"Median time to close\s+26.5 hours", shown)
    titles = [
        "Open at the end of the period, the oldest first (2)",
        "Opened in the period (2)",
        "Closed in the period, in order of closure (1)",
    ]
    assert [shown.index(title) for title in titles] == sorted(shown.index(title) for title in titles)
    # Times in US Eastern, labelled; a subject's brackets are text, not markup.
    assert "[urgent] Agents cannot log in" in shown and "2026-11-24 09:30 ET" in shown and "Reminder 1, due 2026-12-08 09:00 ET" in shown
    assert "2026-12-02 11:35 ET" in shown and "Resolved" in shown and "unassigned" in shown


def test_show_prints_each_section_as_an_aligned_table(dss, server):  # noqa: F811
    server.script = [Reply(200, body(REPORT))]

    shown = dss("reports", "show", "--period", "weekly").stdout

    tables = re.split(r"(?:Open at the end of the period|Opened in the period|Closed in the period).*\n", shown)[1:]
    assert len(tables) == 3
    for table in tables:
        rows = [line for line in table.splitlines() if line.startswith(("┃", "│"))]
        borders = {tuple(index for index, char in enumerate(row) if char in "┃│") for row in rows}
        assert len(rows) >= 2 and len(borders) == 1, table  # the header and every case: the same columns
    assert re.search(r"│\s+9 │ u-erin", tables[0]) and re.search(r"│\s+26.5 hours │", tables[2])  # figures right-aligned


def test_show_of_a_range_and_as_json(dss, server):  # noqa: F811
    empty = {**REPORT, "period": {**REPORT["period"], "cadence": None}, "summary": {**REPORT["summary"], "previous": None,
             "firstResponses": {"measured": 0, "withinTarget": 0, "share": None}, "medianHoursToClose": None},
             "openAtEnd": [], "opened": [], "closed": []}  # fmt: skip
    server.script = [Reply(200, body(empty)), Reply(200, body(REPORT))]

    shown = dss("reports", "show", "--from", "2026-11-01", "--to", "2026-11-30").stdout
    as_json = dss("reports", "show", "--period", "monthly", "--json").stdout

    assert [seen.path for seen in server.seen] == ["/reports/cases?from=2026-11-01&to=2026-11-30", "/reports/cases?period=monthly"]
    assert "A range of dates" in shown and "no previous period to compare" in shown and "no first response was due" in shown
    assert "none closed" in shown and "No case was open at the end of the period." in shown and "No case was closed" in shown
    assert json.loads(as_json) == REPORT


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ((), "--period / --from"),
        (("--period", "weekly", "--from", "2026-11-01", "--to", "2026-11-30"), "not both"),
        (("--period-start", "2026-11-30"), "--period-start goes with --period"),
        (("--from", "2026-11-01"), "--from and --to"),
        (("--period", "daily"), "--period"),
        (("--period", "weekly", "--period-start", "2026-13-01"), "--period-start"),
        (("--from", "yesterday", "--to", "2026-11-30"), "--from"),
    ],
)
def test_period_options_that_make_no_period_are_refused_before_anything_is_sent(dss, server, options, said):  # noqa: F811
    refused = dss("reports", "show", *options, expect=2)
    assert said in refused.stderr and refused.stdout == ""
    assert said in dss("reports", "csv", *options, expect=2).stderr
    assert server.seen == []


def test_a_refusal_is_one_line_with_the_apis_message_and_exit_code_1(dss, server):  # noqa: F811
    message = "A range covers at most 366 days; ask for a shorter one."
    server.script = [
        Reply(422, body({"error": "validation_error", "message": message, "field": "to"})),
        Reply(404, body({"error": "not_found", "message": "Account initech does not exist; check the account id.", "field": "accountId"})),
    ]

    too_long = dss("reports", "show", "--from", "2025-01-01", "--to", "2026-06-30", expect=1)
    missing = dss("reports", "csv", "--account", "initech", "--period", "weekly", "-o", "-", expect=1)

    assert too_long.stdout == "" and too_long.stderr == f"Error: {message} (validation_error, field to; HTTP 422)\n"
    assert missing.stdout == "" and one_line(missing.stderr) and "(not_found, field accountId; HTTP 404)" in missing.stderr


# --- the CSV ------------------------------------------------------------------------------------------------------------


def test_csv_is_saved_byte_for_byte_with_its_bom(dss, server, tmp_path):  # noqa: F811
    server.script = [Reply(200, CSV, CSV_HEADERS)]
    target = tmp_path / "report.csv"

    saved = dss("reports", "csv", "--account", "acme", "--period", "weekly", "--period-start", "2026-11-30", "-o", str(target))

    (seen,) = server.seen
    assert seen.path == "/reports/cases?accountId=acme&period=weekly&periodStart=2026-11-30&format=csv"
    assert seen.headers["Accept"] == "text/csv" and seen.headers["Authorization"] == "t"
    assert target.read_bytes() == CSV and target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert saved.stdout == f"Saved {target}: 3 rows (1 open at end, 1 opened, 1 closed), {len(CSV)} bytes\n"
    assert [path.name for path in tmp_path.iterdir()] == ["report.csv"]  # no temporary file left


def test_csv_goes_under_the_apis_name_refuses_to_replace_a_file_and_describes_itself_as_json(dss, server, tmp_path, monkeypatch):  # noqa: F811
    server.script = [Reply(200, CSV, CSV_HEADERS)] * 2 + [
        Reply(200, CSV, {**CSV_HEADERS, "Content-Disposition": 'attachment; filename="../../x.csv"'})
    ]
    monkeypatch.chdir(tmp_path)

    dss("reports", "csv", "--period", "weekly")
    again = dss("reports", "csv", "--period", "weekly", expect=1)
    described = json.loads(dss("reports", "csv", "--from", "2026-11-01", "--to", "2026-11-30", "-o", str(tmp_path), "--json").stdout)

    assert (tmp_path / CSV_NAME).read_bytes() == CSV
    assert "exists" in again.stderr and "--force" in again.stderr and one_line(again.stderr)
    assert described == {"path": str(tmp_path / "x.csv"), "fileName": "x.csv", "rows": 3, "bytes": len(CSV),
                         "sections": {"open at end": 1, "opened": 1, "closed": 1}}  # fmt: skip
    # A named file that exists is refused before anything is asked; --force replaces it.
    asked = len(server.seen)
    assert "exists" in dss("reports", "csv", "--period", "weekly", "-o", str(tmp_path / "x.csv"), expect=1).stderr
    assert len(server.seen) == asked
    server.script = [Reply(200, CSV, CSV_HEADERS)]
    dss("reports", "csv", "--period", "weekly", "-o", str(tmp_path / "x.csv"), "--force")
    assert (tmp_path / "x.csv").read_bytes() == CSV


def test_csv_to_stdout_is_the_bytes_alone(dss, server):  # noqa: F811
    server.script = [Reply(200, CSV, CSV_HEADERS)]

    written = dss("reports", "csv", "--period", "quarterly", "-o", "-")

    assert written.stdout_bytes == CSV
    assert written.stderr == f"Wrote {len(CSV)} bytes of CSV: 3 rows (1 open at end, 1 opened, 1 closed)\n"
    assert "--json" in dss("reports", "csv", "--period", "weekly", "-o", "-", "--json", expect=2).stderr


def test_an_answer_that_is_not_a_csv_writes_nothing(dss, server, tmp_path):  # noqa: F811
    server.script = [Reply(200, body(REPORT))]

    refused = dss("reports", "csv", "--period", "weekly", "-o", str(tmp_path / "r.csv"), expect=1)

    assert "not a CSV" in refused.stderr and list(tmp_path.iterdir()) == []


# --- subscriptions ------------------------------------------------------------------------------------------------------


def test_subscriptions_list_shows_each_ones_recipients_and_deliveries(dss, server):  # noqa: F811
    server.script = [Reply(200, body({"items": [SUBSCRIPTION, {**DELIVERED, "paused": True, "nextDeliveryAt": None}]}))] * 2

    listed = dss("reports", "subscriptions", "list", "--account", "acme")
    as_json = dss("reports", "subscriptions", "list", "--json")

    assert [seen.path for seen in server.seen] == ["/report-subscriptions?accountId=acme", "/report-subscriptions"]
    assert "Report subscriptions of acme (2)" in listed.stdout and SUBSCRIPTION_ID in listed.stdout
    assert "1 active, 1 pending" in listed.stdout and "2026-12-07 06:00 ET" in listed.stdout and "paused" in listed.stdout
    assert "week of Nov 23–29, 2026, sent 2026-12-01 10:01 ET to 1 recipient" in listed.stdout
    assert json.loads(as_json.stdout)["items"][0] == SUBSCRIPTION


def test_create_sends_the_subscription_and_retries_with_one_idempotency_key(dss, server):  # noqa: F811
    server.script = [BUSY, Reply(201, body(SUBSCRIPTION))]

    created = dss(
        "reports", "subscriptions", "create", "--account", "acme", "--cadence", "biweekly", "--recipient", "bob@acme.example",
        "--recipient", "cfo@partner.example", "--anchor", "2026-11-30", "--case", "42",
    )  # fmt: skip

    assert [(seen.method, seen.path) for seen in server.seen] == [("POST", "/report-subscriptions")] * 2
    assert sent(server.seen[0]) == {
        "accountId": "acme", "cadence": "biweekly", "recipients": ["bob@acme.example", "cfo@partner.example"], "anchor": "2026-11-30",
        "caseNumber": "0000000042",
    }  # fmt: skip
    keys = {seen.headers.get("Idempotency-Key") for seen in server.seen}
    assert len(keys) == 1 and keys.pop().startswith("dss-cli-")
    assert f"Created subscription {SUBSCRIPTION_ID} (weekly) for acme: recipients 1 active, 1 pending" in created.stderr
    assert "Asked to confirm by email before they receive anything: cfo@partner.example." in created.stderr
    assert re.search(r"Next delivery\s+2026-12-07 06:00 ET", created.stdout) and "cfo@partner.example" in created.stdout
    assert re.search(r"Created\s+2026-12-01 10:00 ET c-bob \(customer\)", created.stdout)


def test_create_without_recipients_leaves_them_to_the_api_and_uses_the_key_given(dss, server):  # noqa: F811
    server.script = [Reply(201, body(SUBSCRIPTION))]

    created = dss("reports", "subscriptions", "create", "--account", "acme", "--cadence", "weekly", "--idempotency-key", "mine", "--json")

    assert sent(server.seen[0]) == {"accountId": "acme", "cadence": "weekly"} and server.seen[0].headers["Idempotency-Key"] == "mine"
    assert json.loads(created.stdout) == SUBSCRIPTION and created.stderr == ""
    assert "--cadence" in dss("reports", "subscriptions", "create", "--account", "acme", "--cadence", "daily", expect=2).stderr
    assert "--account" in dss("reports", "subscriptions", "create", "--cadence", "weekly", expect=2).stderr
    assert len(server.seen) == 1


def test_update_sends_only_the_options_given_and_is_retried(dss, server):  # noqa: F811
    server.script = [BUSY, Reply(200, body({**SUBSCRIPTION, "paused": True, "nextDeliveryAt": None})), Reply(200, body(SUBSCRIPTION))]

    paused = dss("reports", "subscriptions", "update", SUBSCRIPTION_ID, "--cadence", "biweekly", "--anchor", "2026-12-07", "--recipient",
                 "bob@acme.example", "--pause")  # fmt: skip
    dss("reports", "subscriptions", "update", SUBSCRIPTION_ID, "--resume", "--json")

    assert [(seen.method, seen.path) for seen in server.seen] == [("PATCH", f"/report-subscriptions/{SUBSCRIPTION_ID}")] * 3
    assert sent(server.seen[0]) == {"cadence": "biweekly", "recipients": ["bob@acme.example"], "anchor": "2026-12-07", "paused": True}
    assert sent(server.seen[2]) == {"paused": False}
    assert f"Changed subscription {SUBSCRIPTION_ID} (version 1): next delivery paused." in paused.stderr
    assert "nothing to change" in dss("reports", "subscriptions", "update", SUBSCRIPTION_ID, expect=2).stderr
    assert len(server.seen) == 3


def test_show_a_subscription_with_its_recipients(dss, server):  # noqa: F811
    server.script = [Reply(200, body(DELIVERED))]

    shown = dss("reports", "subscriptions", "show", SUBSCRIPTION_ID).stdout

    assert server.seen[0].path == f"/report-subscriptions/{SUBSCRIPTION_ID}"
    assert re.search(r"Last delivery\s+week of Nov 23–29, 2026, sent 2026-12-01 10:01 ET to 1 recipient", shown)
    assert re.search(r"cfo@partner.example\s+│\s+pending", shown) and re.search(r"Case\s+0000000042", shown)


def test_send_and_delete_are_sent_once(dss, server):  # noqa: F811
    server.script = [Reply(200, body(DELIVERED)), Reply(204, b""), BUSY, BUSY]

    delivered = dss("reports", "subscriptions", "send", SUBSCRIPTION_ID)
    deleted = dss("reports", "subscriptions", "delete", SUBSCRIPTION_ID)
    busy_send = dss("reports", "subscriptions", "send", SUBSCRIPTION_ID, expect=1)
    busy_delete = dss("reports", "subscriptions", "delete", SUBSCRIPTION_ID, expect=1)

    assert [(seen.method, seen.path) for seen in server.seen] == [
        ("POST", f"/report-subscriptions/{SUBSCRIPTION_ID}/send"), ("DELETE", f"/report-subscriptions/{SUBSCRIPTION_ID}"),
        ("POST", f"/report-subscriptions/{SUBSCRIPTION_ID}/send"), ("DELETE", f"/report-subscriptions/{SUBSCRIPTION_ID}"),
    ]  # fmt: skip
    assert "Sent: week of Nov 23–29, 2026, sent 2026-12-01 10:01 ET to 1 recipient." in delivered.stderr
    assert deleted.stdout == "" and deleted.stderr == f"Deleted subscription {SUBSCRIPTION_ID}: nothing more is sent.\n"
    assert busy_send.stderr == "Error: busy (unavailable; HTTP 503)\n" and one_line(busy_delete.stderr)


def test_a_subscription_refused_is_one_line(dss, server):  # noqa: F811
    message = "Only your account's administrators and MAC-authorized contacts manage its case report subscriptions; ask one of them."
    gone = f"Report subscription {SUBSCRIPTION_ID} does not exist."
    server.script = [
        Reply(403, body({"error": "forbidden", "message": message})),
        Reply(404, body({"error": "not_found", "message": gone})),
    ]

    forbidden = dss("reports", "subscriptions", "create", "--account", "acme", "--cadence", "weekly", expect=1)
    missing = dss("reports", "subscriptions", "show", SUBSCRIPTION_ID, expect=1)

    assert forbidden.stderr == f"Error: {message} (forbidden; HTTP 403)\n" and forbidden.stdout == ""
    assert missing.stderr == f"Error: {gone} (not_found; HTTP 404)\n"


def test_runs_and_a_runs_csv(dss, server, tmp_path):  # noqa: F811
    run_csv = {**CSV_HEADERS, "Content-Disposition": f'attachment; filename="{RUN["fileName"]}"'}
    server.script = [Reply(200, body({"items": [RUN]})), Reply(200, CSV, run_csv)]

    listed = dss("reports", "subscriptions", "runs", SUBSCRIPTION_ID).stdout
    saved = dss("reports", "subscriptions", "run-csv", SUBSCRIPTION_ID, "2026-11-23", "-o", str(tmp_path))

    assert [seen.path for seen in server.seen] == [
        f"/report-subscriptions/{SUBSCRIPTION_ID}/runs", f"/report-subscriptions/{SUBSCRIPTION_ID}/runs/2026-11-23/csv",
    ]  # fmt: skip
    assert server.seen[1].headers["Accept"] == "text/csv"
    assert "2026-11-23" in listed and "week of Nov 23–29, 2026" in listed and "2026-11-30 06:00 ET" in listed
    assert (tmp_path / RUN["fileName"]).read_bytes() == CSV and "3 rows" in saved.stdout
    assert "FIRST_DAY" in dss("reports", "subscriptions", "run-csv", SUBSCRIPTION_ID, "last-week", expect=2).stderr
    assert len(server.seen) == 2


# --- how figures read ---------------------------------------------------------------------------------------------------


def test_times_are_us_eastern_across_daylight_saving(monkeypatch):
    assert eastern("2026-12-07T11:00:00.000Z") == "2026-12-07 06:00 ET"  # EST, UTC-5
    assert eastern("2026-07-06T10:00:00.000Z") == "2026-07-06 06:00 ET"  # EDT, UTC-4
    assert eastern(None) == "" and eastern("soon") == "soon"
    monkeypatch.setattr(reports, "EASTERN", None)  # no time zone database: UTC, labelled so
    assert eastern("2026-12-07T06:00:00-05:00") == "2026-12-07 11:00 UTC"


def test_durations_and_rows_per_section():
    assert (duration(26.5), duration(48), duration(None)) == ("26.5 hours", "2.0 days", "")
    assert csv_rows(CSV) == {"open at end": 1, "opened": 1, "closed": 1}
    assert csv_rows('\ufeff"section"\r\n'.encode()) == {}
