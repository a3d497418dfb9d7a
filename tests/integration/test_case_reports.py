"""Case reports through the real reports handlers under moto: the on-demand report (JSON and CSV) over cases the
cases API opened and closed, the tallies kept by the reports consumer, subscriptions with their double opt-in and
signed links, a send now and the dispatcher's delivery (once per recipient and period)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import boto3
import pytest

from bench.aws_calls import count_aws_calls
from functions.reports.logic.dependencies import dependencies
from functions.shared.clock import FixedClock
from local.demo_directory import EXAMPLE_SUPPORT_CASE

# Tuesday 2026-12-08 10:00 US Eastern: the week of Dec 7-13.
TUESDAY = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
NEXT_MONDAY_6_ET = datetime(2026, 12, 14, 11, 0, tzinfo=UTC)


def at(local_aws, moment: datetime) -> None:
    """The cases API and the reports act at `moment`."""
    local_aws.set_api_time(moment)
    dependencies().clock = FixedClock(moment)


def open_case(local_aws, subject: str, user: str = "customer") -> str:
    created = local_aws.call("POST", "/cases", user=user, body={**EXAMPLE_SUPPORT_CASE, "subject": subject})
    assert created.status == 201, created
    return created.body["caseNumber"]


def report(local_aws, user: str = "customer", **query: str):
    return local_aws.call("GET", "/reports/cases", user=user, api="reports", query=query)


@pytest.fixture
def week(local_aws) -> dict[str, str]:
    """Three acme cases opened on Tuesday, one of them closed an hour later, and one of globex's."""
    at(local_aws, TUESDAY)
    numbers = {
        name: open_case(local_aws, subject)
        for name, subject in (("open", "Agents cannot log in"), ("formula", '=HYPERLINK("x")'), ("closed", "Queue stuck"))
    }
    numbers["globex"] = open_case(local_aws, "Globex's own", user="other_customer")
    at(local_aws, TUESDAY + timedelta(hours=1))
    closed = local_aws.call("POST", f"/cases/{numbers['closed']}/close", body={"subStatus": "Resolved", "comment": "Fixed."})
    assert closed.status == 200, closed
    return numbers


def test_todays_cases_are_in_todays_report_in_their_sections(local_aws, week):
    with count_aws_calls() as calls:
        answer = report(local_aws, period="weekly", periodStart="2026-12-08")
    assert answer.status == 200, answer
    body = answer.body
    assert body["period"]["label"] == "week of Dec 7–13, 2026"
    assert {case["caseNumber"] for case in body["opened"]} == {week["open"], week["formula"], week["closed"]}
    assert [case["caseNumber"] for case in body["closed"]] == [week["closed"]]
    assert body["closed"][0]["subStatus"] == "Resolved" and body["closed"][0]["hoursToClose"] == 1.0
    assert {case["caseNumber"] for case in body["openAtEnd"]} == {week["open"], week["formula"]}
    assert body["summary"]["counts"] == {"opened": 3, "closed": 1, "openAtEnd": 2}
    assert len(body["chart"]) == 8 and body["chart"][-1]["opened"] == 3
    # One Query a page per section (opened, closed, open now, closed since the end) and one of the tallies.
    assert calls == {("DynamoDB", "Query"): 5, ("DynamoDB", "GetItem"): 1}, calls  # and the account's name


def test_the_csv_opens_with_a_bom_and_escapes_a_formula(local_aws, week):
    answer = report(local_aws, period="weekly", periodStart="2026-12-08", format="csv")
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/csv")
    text = answer.body
    assert text.startswith("\ufeff") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    subjects = {row[2] for row in rows[1:]}
    assert '\'=HYPERLINK("x")' in subjects and '=HYPERLINK("x")' not in subjects
    assert week["open"] in {row[1] for row in rows[1:]}  # the number with its zeros


def test_another_accounts_report_is_404_and_staff_read_any(local_aws, week):
    assert report(local_aws, accountId="globex", period="weekly").status == 404
    staff = report(local_aws, user="engineer", accountId="globex", period="weekly", periodStart="2026-12-08")
    assert staff.status == 200 and [case["caseNumber"] for case in staff.body["opened"]] == [week["globex"]]


def test_a_bad_period_is_a_4xx_that_says_what_to_fix(local_aws, week):
    both = report(local_aws, period="weekly", **{"from": "2026-12-01", "to": "2026-12-02"})
    backwards = report(local_aws, **{"from": "2026-12-05", "to": "2026-12-01"})
    assert (both.status, both.body["field"]) == (400, "from")
    assert (backwards.status, backwards.body["field"]) == (400, "to")


def test_the_tallies_count_each_case_event_once(local_aws, week):
    local_aws.run_report_events()
    local_aws.run_report_events()  # nothing left: a redelivery would count nothing either
    at(local_aws, datetime(2026, 12, 22, 15, 0, tzinfo=UTC))
    later = report(local_aws, period="weekly", periodStart="2026-12-21").body
    bars = {bar["firstDay"]: (bar["opened"], bar["closed"]) for bar in later["chart"]}
    assert bars["2026-12-07"] == (3, 1)
    assert later["summary"]["counts"]["openAtEnd"] == 2


def subscribe(local_aws, user: str = "customer_mac", **fields):
    body = {"accountId": "acme", "cadence": "weekly", "recipients": ["bob@acme.example", "outsider@example.com"], **fields}
    return local_aws.call("POST", "/report-subscriptions", user=user, api="reports", body=body)


def link_token(mail: dict) -> str:
    url = next(word for word in (mail["text"] or "").split() if "token=" in word)
    return parse_qs(urlparse(url.strip("<>()")).query)["token"][0]


def test_a_subscription_sends_to_contacts_at_once_and_to_others_once_they_confirm(local_aws, week):
    assert subscribe(local_aws, user="customer").status == 403  # neither MAC-authorized nor an administrator
    created = subscribe(local_aws)
    assert created.status == 201, created
    subscription = created.body
    statuses = {recipient["email"]: recipient["status"] for recipient in subscription["recipients"]}
    assert statuses == {"bob@acme.example": "active", "outsider@example.com": "pending"}
    assert subscription["nextDeliveryAt"] == "2026-12-14T11:00:00.000Z"  # Monday 06:00 Eastern
    assert (
        local_aws.call("GET", f"/report-subscriptions/{subscription['subscriptionId']}", user="other_customer", api="reports").status == 404
    )

    local_aws.run_report_events()  # the invitation: one confirmation email to the outsider
    (confirmation,) = local_aws.sent_mail("outsider@example.com")
    confirmed = local_aws.call("POST", "/report-subscriptions/confirm", user=None, api="reports", query={"token": link_token(confirmation)})
    assert confirmed.status == 200 and confirmed.body["status"] == "active", confirmed
    tampered = local_aws.call(
        "POST", "/report-subscriptions/confirm", user=None, api="reports", query={"token": link_token(confirmation)[:-2] + "xx"}
    )
    assert tampered.status == 400 and tampered.body["error"] == "invalid_link"

    sent = local_aws.call("POST", f"/report-subscriptions/{subscription['subscriptionId']}/send", user="customer_mac", api="reports")
    assert sent.status == 200, sent
    mails = [mail for mail in local_aws.sent_mail() if mail["attachments"]]
    assert sorted(mail["to"][0] for mail in mails) == ["bob@acme.example", "outsider@example.com"]
    (attachment,) = mails[0]["attachments"]
    assert attachment["contentType"] == "text/csv" and attachment["content"].startswith("\ufeff")


def test_the_dispatcher_delivers_a_period_once(local_aws, week):
    subscription = subscribe(local_aws, recipients=["bob@acme.example"]).body
    at(local_aws, NEXT_MONDAY_6_ET - timedelta(minutes=1))
    assert local_aws.run_report_dispatcher()["delivered"] == 0
    at(local_aws, NEXT_MONDAY_6_ET + timedelta(minutes=2))
    assert local_aws.run_report_dispatcher()["delivered"] == 1
    assert local_aws.run_report_dispatcher()["delivered"] == 0  # moved to next Monday: nothing due twice
    (mail,) = [mail for mail in local_aws.sent_mail("bob@acme.example") if mail["attachments"]]
    assert "week of Dec 7–13, 2026: 3 opened, 1 closed, 2 open" in mail["subject"]
    after = local_aws.call("GET", f"/report-subscriptions/{subscription['subscriptionId']}", user="customer_mac", api="reports").body
    assert after["nextDeliveryAt"] == "2026-12-21T11:00:00.000Z" and after["lastDelivery"]["firstDay"] == "2026-12-07"
    runs = local_aws.call("GET", f"/report-subscriptions/{subscription['subscriptionId']}/runs", user="customer", api="reports").body
    archived = local_aws.call(
        "GET", f"/report-subscriptions/{subscription['subscriptionId']}/runs/2026-12-07/csv", user="customer", api="reports"
    )
    assert [run["firstDay"] for run in runs["items"]] == ["2026-12-07"] and archived.body.startswith("\ufeff")
    events = [event for event in local_aws.published_events() if event["detail-type"] == "CaseReportSent"]
    assert [(event["detail"]["opened"], event["detail"]["recipients"]) for event in events] == [(3, 1)]


def test_a_recipient_unsubscribes_through_the_reports_link_and_gets_no_more(local_aws, week):
    subscription = subscribe(local_aws, recipients=["bob@acme.example", "carol@acme.example"]).body
    send = f"/report-subscriptions/{subscription['subscriptionId']}/send"
    assert local_aws.call("POST", send, user="customer_mac", api="reports").status == 200
    (mail,) = [mail for mail in local_aws.sent_mail("bob@acme.example") if mail["attachments"]]
    assert "/reports/unsubscribe?token=" in mail["text"]  # the page a person opens; the header is the API's one-click
    one_click = urlparse(mail["listUnsubscribe"].strip("<>"))
    assert one_click.path == "/api/report-subscriptions/unsubscribe"
    token = parse_qs(one_click.query)["token"][0]
    for _ in range(2):  # a second click changes nothing more
        left = local_aws.call("POST", "/report-subscriptions/unsubscribe", user=None, api="reports", query={"token": token})
        assert (left.status, left.body["status"], left.body["email"]) == (200, "unsubscribed", "bob@acme.example")
    assert local_aws.call("POST", "/report-subscriptions/confirm", user=None, api="reports", query={"token": token}).status == 400

    at(local_aws, TUESDAY + timedelta(hours=2))
    assert local_aws.call("POST", send, user="customer_mac", api="reports").status == 200
    assert len([mail for mail in local_aws.sent_mail("bob@acme.example") if mail["attachments"]]) == 1
    assert len([mail for mail in local_aws.sent_mail("carol@acme.example") if mail["attachments"]]) == 2

    # A list that leaves bob out keeps him unsubscribed; naming him again asks him to confirm, it does not mail reports.
    path = f"/report-subscriptions/{subscription['subscriptionId']}"
    without = local_aws.call("PATCH", path, user="customer_mac", api="reports", body={"recipients": ["carol@acme.example"]}).body
    assert {(each["email"], each["status"]) for each in without["recipients"]} == {
        ("carol@acme.example", "active"),
        ("bob@acme.example", "unsubscribed"),
    }
    again = local_aws.call(
        "PATCH", path, user="customer_mac", api="reports", body={"recipients": ["carol@acme.example", "bob@acme.example"]}
    )
    assert {each["email"]: each["status"] for each in again.body["recipients"]}["bob@acme.example"] == "pending"
    local_aws.run_report_events()
    assert [mail for mail in local_aws.sent_mail("bob@acme.example") if not mail["attachments"]]  # the confirmation


def test_a_report_reads_at_most_two_items_per_case_it_reports_whatever_the_history(local_aws):
    """The bench's account, smaller: 2,000 closed cases of history, 50 opened in the week (make bench: 10,000 and 100)."""
    from bench.reports import ACCOUNT, NOW, STAFF, WEEK_START, write_history
    from functions.reports.logic.case_reports import case_report
    from functions.reports.logic.periods import Cadence, period_containing
    from functions.reports.models.records import ReadCount
    from functions.shared.business_time import business_calendar

    write_history(1, 2_000, 50)
    deps, reads = dependencies(), ReadCount()
    period = period_containing(Cadence.WEEKLY, WEEK_START)
    report = case_report(
        ACCOUNT,
        period,
        STAFF,
        store=deps.store,
        sections=deps.sections,
        tallies=deps.store,
        calendar=business_calendar(),
        now=NOW,
        reads=reads,
    )
    reported = {case.case_number for section in (report.opened, report.closed, report.open_at_end) for case in section}
    assert len(reported) == 50 and reads.queries == 5
    assert reads.items <= 2 * len(reported), reads


def test_the_backfill_keys_the_cases_written_before_the_reports_and_sets_their_tallies(local_aws):
    """A stage deployed before the reports: its cases lack the report keys (so no report finds them) and no case
    event fed the tallies. infra/backfill_reports.py puts both right; run twice, it changes nothing more."""
    from bench.reports import WEEK_START, write_history
    from infra.backfill_reports import backfill

    write_history(1, 30, 10)
    client = boto3.client("dynamodb")
    table = local_aws.resources.table_name
    for number in range(1, 41):  # as written before the reports
        client.update_item(
            TableName=table,
            Key={"pk": {"S": f"CASE#{number:010d}"}, "sk": {"S": "CASE"}},
            UpdateExpression="REMOVE report_account, report_closed_at",
        )
    at(local_aws, datetime(2026, 12, 22, 15, 0, tzinfo=UTC))
    week = {"accountId": "acme", "period": "weekly", "periodStart": WEEK_START.date().isoformat()}
    assert report(local_aws, user="engineer", **week).body["summary"]["counts"]["opened"] == 0

    done = backfill(table)
    assert (done.cases, done.keyed, done.changed_meanwhile) == (40, 40, 0)
    after = report(local_aws, user="engineer", **week).body
    assert after["summary"]["counts"] == {"opened": 10, "closed": 6, "openAtEnd": 4}
    later = report(local_aws, user="engineer", accountId="acme", period="weekly", periodStart="2026-12-14").body
    assert {bar["firstDay"]: (bar["opened"], bar["closed"]) for bar in later["chart"]}["2026-11-30"] == (10, 6)
    assert backfill(table).keyed == 0


def test_a_failed_delivery_fails_the_run_after_the_others_and_its_retry_sends_nobody_twice(local_aws, week, monkeypatch):
    """SES refusing one subscription's recipient: the other subscription is delivered, the run then fails (Lambda
    retries it, then its dead-letter queue's alarm calls a human); the retry delivers the failed one only."""
    from functions.reports.dal.delivery import SesReportMailer
    from functions.reports.handlers.handle_report_schedule import ReportsNotDelivered
    from functions.reports.models.errors import ReportDelayed

    subscribe(local_aws, recipients=["bob@acme.example"])
    subscribe(local_aws, recipients=["carol@acme.example"])
    send = SesReportMailer.send

    def refuses_carol(self, sender: str, recipient: str, message: bytes) -> str:
        if recipient == "carol@acme.example":
            raise ReportDelayed("SES did not send: throttled")
        return send(self, sender, recipient, message)

    monkeypatch.setattr(SesReportMailer, "send", refuses_carol)
    at(local_aws, NEXT_MONDAY_6_ET + timedelta(minutes=2))
    with pytest.raises(ReportsNotDelivered):
        local_aws.run_report_dispatcher()
    monkeypatch.setattr(SesReportMailer, "send", send)
    at(local_aws, NEXT_MONDAY_6_ET + timedelta(minutes=5))  # Lambda's retry: the failed send gave its claim up
    retried = local_aws.run_report_dispatcher()
    reports = {
        to: len([mail for mail in local_aws.sent_mail(to) if mail["attachments"]]) for to in ("bob@acme.example", "carol@acme.example")
    }
    assert (retried["delivered"], reports) == (1, {"bob@acme.example": 1, "carol@acme.example": 1})
