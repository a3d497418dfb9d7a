"""The notifications domain end to end under moto: the real cases handler changes a case, its events
(as published on the bus) reach the real notifications handler as SQS batches, which reads the updates'
texts and the directory's names from the table, and the emails land in moto's SES."""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from bench.aws_calls import count_aws_calls  # imported at collection: before any client exists
from functions.notifications.dal.tables import ManagementEmailItem, NotifiedItem, bind_notification_tables
from functions.notifications.handlers.handle_case_events import lambda_handler
from functions.notifications.logic.dependencies import dependencies as notification_dependencies
from functions.notifications.models.delivery import BATCH_SIZE, FUNCTION_TIMEOUT_SECONDS
from functions.shared.clock import to_iso
from functions.shared.dal.case_view import CaseUpdateViewItem, case_update_key
from functions.shared.dal.directory import RegionItem, region_key
from functions.shared.dal.secrets import secret_bytes
from functions.shared.environment import reset_environment
from functions.shared.reference_id import ReferenceIds
from local.event_sources import SqsEventSource
from local.provision import LOCAL_SENDER_EMAIL
from tests.support.moto_server import serialise_in_process_moto
from tests.support.payloads import support_case

ALICE, CAROL, ERIN, MIKE = "alice@acme.example", "carol@acme.example", "erin@support.example", "mike@support.example"
SUBJECT = "Agents cannot log in"  # tests/support/payloads.py support_case


@pytest.fixture
def case(local_aws):
    """An open Support case of Alice's (acme), owned by Erin; its events so far are drained."""
    number = local_aws.call("POST", "/cases", body=support_case()).body["caseNumber"]
    local_aws.call("PATCH", f"/cases/{number}", user="engineer", body={"ownerId": "u-erin"})
    local_aws.published_events()
    return number


def act(local_aws, case, path, body, user="customer"):
    result = local_aws.call("POST", f"/cases/{case}{path}", user=user, body=body)
    assert result.status in (200, 201), result
    return result


def notify(local_aws) -> dict:
    """Delivers what the bus published since the last call to the notifications handler, in one batch."""
    events = local_aws.published_events()
    assert events
    response = local_aws.deliver([json.dumps(event) for event in events])
    assert response == {"batchItemFailures": []}
    return response


def references(local_aws) -> ReferenceIds:
    return ReferenceIds(secret_bytes(local_aws.resources.reference_secret_arn))


def mails(local_aws, to: str | None = None) -> list[dict]:
    """The emails sent, as their reader sees them: the plain text's lines (SMTP ends them with CRLF) and the
    subject unfolded (Python's SMTP policy may fold a long one, which the outbox's parser keeps)."""
    return [
        mail | {"subject": " ".join(mail["subject"].split()), "text": mail["text"].replace("\r\n", "\n")}
        for mail in local_aws.sent_mail(to)
    ]


def what(mail: dict) -> str:
    """What an email's subject says happened: between "Case <number>: " and " – <case subject> [ref:…]"."""
    return mail["subject"].strip().split(": ", 1)[1].rsplit(" [", 1)[0].rsplit(" – ", 1)[0]


@pytest.fixture
def api_at(local_aws):
    """Sets the time the cases API sees."""
    return local_aws.set_api_time


def test_an_information_request_emails_the_contact_what_is_asked_by_whom_and_until_when(local_aws, case, api_at):
    api_at(datetime(2026, 12, 1, 15, 30, tzinfo=UTC))  # Tuesday 10:30 US Eastern
    request = "Send the IC server logs from this morning.\n\nAnd the station trace: " + "t" * 1500  # longer than an excerpt
    act(local_aws, case, "/request-info", {"message": request}, user="engineer")
    notify(local_aws)

    (mail,) = mails(local_aws)
    ref = references(local_aws).reference_id(case)
    assert mail["to"] == [ALICE]
    assert mail["from"] == f"Dedicated Support Services <{LOCAL_SENDER_EMAIL}>"
    assert mail["subject"].strip() == f"Case {case}: information requested – {SUBJECT} [{ref}]"
    assert references(local_aws).verify_reference_id(case, mail["subject"].rsplit("[", 1)[1].rstrip("]"))
    link = f"{local_aws.resources.portal_url}/cases/{case}"
    assert ref in mail["text"] and f"Open the case: {link}" in mail["text"]
    assert ref in mail["html"] and f'<a href="{link}"' in mail["html"] and '<html lang="en"' in mail["html"]
    assert "post the information as an update" in mail["text"]
    assert f"Subject: {SUBJECT}" in mail["text"] and SUBJECT in mail["html"]
    assert f"Erin Engineer (Dedicated Support Services) needs information from you to continue working on case {case}" in mail["text"]
    assert f"What support asks:\n\n{request}\n" in mail["text"]  # whole, read from the update
    assert "t" * 1500 in mail["html"]
    assert (
        "What happens next:\n"
        "- Reminder 1, if there is no answer by then: Thursday 3 December 2026, 10:30 US Eastern (EST)\n"
        "- Reminder 2, if there is still no answer: Tuesday 8 December 2026, 10:30 US Eastern (EST)\n"
        "- The case is closed automatically (Auto-closed) if there is no answer by: Tuesday 15 December 2026, 10:30 US Eastern (EST)\n"
    ) in mail["text"]


def test_a_deleted_update_is_quoted_from_the_events_excerpt(local_aws, case):
    act(local_aws, case, "/updates", {"text": "Agents still cannot log in. " + "z" * 2000})
    events = local_aws.published_events()
    update_id = next(event["detail"]["updateId"] for event in events if event["detail-type"] == "CaseUpdated")
    bind_notification_tables(local_aws.resources.table_name)  # the view model, read directly here
    CaseUpdateViewItem.get(*case_update_key(case, update_id)).delete()
    assert local_aws.deliver([json.dumps(event) for event in events]) == {"batchItemFailures": []}

    (mail,) = mails(local_aws, ERIN)
    assert "The update:\n\nAgents still cannot log in. " in mail["text"] and "z" * 2000 not in mail["text"]
    assert "(This is the beginning of the text; read it in full on the case.)" in mail["text"]


def test_who_hears_what_through_a_cases_life(local_aws, case):
    # (path, body, who acts, who is emailed, what the subject says happened, the words the email quotes)
    steps = [
        ("/updates", {"text": "Agents still cannot log in now."}, "customer", [ERIN], "update from Alice Admin", "text"),
        ("/propose-solution", {"solution": "Reinstall the station client."}, "engineer", [ALICE], "solution proposed", "solution"),
        ("/solution/reject", {"reason": "Still failing."}, "customer", [ERIN], "solution rejected", "reason"),
        ("/updates", {"text": "Trying another fix."}, "engineer", [ALICE], "new update from support", "text"),
        (
            "/escalations",
            {"kind": "priority", "reason": "More agents down."},
            "customer",
            [ERIN],
            "priority raised to 3-Medium",
            "reason",
        ),
        (
            "/escalations",
            {"kind": "priority", "requestedPriority": "2-High", "reason": "Outage"},
            "customer",
            [MIKE, ERIN],
            "2-High requested",
            "reason",
        ),
        (
            "/escalations",
            {"kind": "management", "reason": "No progress."},
            "customer",
            [MIKE],
            "escalated to regional support management (north-america)",
            "reason",
        ),
        (
            "/close",
            {"subStatus": "Resolved", "comment": "Fixed by the patch."},
            "customer",
            [ERIN],
            "closed by the customer",
            "comment",
        ),
        ("/reopen", {"information": "It is back."}, "customer", [ERIN], "reopened by the customer", "information"),
        (
            "/close",
            {"subStatus": "Resolved", "comment": "Done", "reason": "customer-asked"},
            "engineer",
            [ALICE],
            "closed",
            "comment",
        ),
    ]
    actors = {"customer": "Alice Admin (Acme Contact Centers)", "engineer": "Erin Engineer (Dedicated Support Services)"}
    ref = references(local_aws).reference_id(case)
    for path, body, user, recipients, subject, quoted in steps:
        before = len(mails(local_aws))
        act(local_aws, case, path, body, user=user)
        notify(local_aws)
        sent = mails(local_aws)[before:]
        assert sorted(address for mail in sent for address in mail["to"]) == sorted(recipients), path
        assert {what(mail) for mail in sent} == {subject}, path
        for mail in sent:
            assert mail["subject"].strip().endswith(f" – {SUBJECT} [{ref}]"), path
            assert f"{actors[user]} " in mail["text"] and f"Subject: {SUBJECT}" in mail["text"], path
            assert f":\n\n{body[quoted]}\n" in mail["text"] and body[quoted] in mail["html"], path  # the words posted
            assert "u-erin" not in mail["text"] + mail["html"] and "u-alice" not in mail["text"] + mail["html"], path


def test_the_escalation_reason_is_escaped_in_html(local_aws, case):
    act(local_aws, case, "/escalations", {"kind": "management", "reason": "<script>alert(1)</script> & more"})
    notify(local_aws)
    (mail,) = mails(local_aws, MIKE)
    assert "<script>" in mail["text"] and "<script>" not in mail["html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in mail["html"]


def test_a_case_opened_by_support_for_a_contact_tells_that_contact(local_aws):
    opened = local_aws.call("POST", "/cases", user="engineer", body=support_case(onBehalfOf={"accountId": "acme", "contactId": "c-carol"}))
    notify(local_aws)
    (mail,) = mails(local_aws)
    assert mail["to"] == [CAROL]
    assert mail["subject"].startswith(f"Case {opened.body['caseNumber']}: opened for you – {SUBJECT} [ref:")


def test_a_replayed_create_delivered_again_emails_once(local_aws):
    body = support_case(onBehalfOf={"accountId": "acme", "contactId": "c-carol"})
    for _ in range(3):  # the engineer's client retries with the same Idempotency-Key
        local_aws.call("POST", "/cases", user="engineer", body=body, headers={"Idempotency-Key": "call-42"})
    events = local_aws.published_events()
    assert {event["detail-type"] for event in events} == {"CaseCreated"}
    assert len({event["detail"]["eventKey"] for event in events}) == 1

    # The bus and the queue deliver at least once: the same change, delivered again, is the same news.
    assert local_aws.deliver([json.dumps(event) for event in events * 3]) == {"batchItemFailures": []}
    assert len(mails(local_aws, CAROL)) == 1


def test_a_customer_update_on_a_case_without_owner_emails_nobody(local_aws):
    number = local_aws.call("POST", "/cases", body=support_case()).body["caseNumber"]
    act(local_aws, number, "/updates", {"text": "Any news?"})
    notify(local_aws)
    assert mails(local_aws) == []


def test_a_duplicate_delivery_sends_once(local_aws, case):
    act(local_aws, case, "/request-info", {"message": "Logs?"}, user="engineer")
    bodies = [json.dumps(event) for event in local_aws.published_events()]

    assert local_aws.deliver(bodies + bodies) == {"batchItemFailures": []}  # twice in one batch
    assert local_aws.deliver(bodies) == {"batchItemFailures": []}  # and again later
    assert len(mails(local_aws, ALICE)) == 1


def test_a_malformed_record_fails_alone(local_aws, case):
    act(local_aws, case, "/request-info", {"message": "Logs?"}, user="engineer")
    good = [json.dumps(event) for event in local_aws.published_events()]
    updated = next(json.loads(body) for body in good if json.loads(body)["detail-type"] == "CaseUpdated")
    bad_detail = json.dumps(updated | {"id": "bad-detail", "detail": updated["detail"] | {"caseNumber": "42"}})
    unknown = json.dumps(updated | {"id": "unknown", "detail-type": "CaseTeleported"})
    bodies = ["not json", *good, bad_detail, unknown]

    response = lambda_handler_batch(local_aws, bodies)

    assert response["failed"] == [0, len(good) + 1]  # the unparseable record and the invalid detail
    assert [mail["to"] for mail in mails(local_aws)] == [[ALICE]]


def lambda_handler_batch(local_aws, bodies: list[str]) -> dict:
    """The batch response, as the positions of the failed records."""
    from local.event_sources import sqs_record
    from local.http_adapter import LambdaContext

    records = [sqs_record(body, local_aws.resources.notifications_queue_arn) for body in bodies]
    response = lambda_handler({"Records": records}, LambdaContext("notifications", timeout_seconds=FUNCTION_TIMEOUT_SECONDS))
    ids = [record["messageId"] for record in records]
    return {"failed": sorted(ids.index(failure["itemIdentifier"]) for failure in response["batchItemFailures"])}


def test_when_ses_refuses_the_record_fails_and_its_retry_sends(local_aws, case):
    act(local_aws, case, "/request-info", {"message": "Logs?"}, user="engineer")
    bodies = [json.dumps(event) for event in local_aws.published_events()]
    ses = boto3.client("ses")
    ses.delete_identity(Identity=LOCAL_SENDER_EMAIL)

    # An invocation about to time out: its claim on Alice's email ends with it.
    failed = local_aws.deliver(bodies, timeout_seconds=0)
    assert len(failed["batchItemFailures"]) == 1 and mails(local_aws) == []

    ses.verify_email_identity(EmailAddress=LOCAL_SENDER_EMAIL)
    time.sleep(1.1)  # claims are kept to the second; the queue redelivers only after its visibility timeout
    assert local_aws.deliver(bodies) == {"batchItemFailures": []}
    assert len(mails(local_aws, ALICE)) == 1


def test_the_bus_routes_to_the_notifications_queue_that_the_local_event_source_drains(local_aws, case):
    act(local_aws, case, "/propose-solution", {"solution": "Restart the IC service."}, user="engineer")
    local_aws.publish_outbox()  # the change's events, from the table's stream to the bus
    resources = local_aws.resources
    source = SqsEventSource(
        resources.notifications_queue_url,
        resources.notifications_queue_arn,
        lambda_handler,
        function_name="notifications",
        batch_size=BATCH_SIZE,
        timeout_seconds=FUNCTION_TIMEOUT_SECONDS,
    )
    while source.poll_once():
        pass

    assert [mail["to"] for mail in mails(local_aws)] == [[ALICE]]
    attributes = boto3.client("sqs").get_queue_attributes(QueueUrl=resources.notifications_queue_url, AttributeNames=["All"])["Attributes"]
    assert (attributes["ApproximateNumberOfMessages"], attributes["ApproximateNumberOfMessagesNotVisible"]) == ("0", "0")


def test_aws_calls_per_email_and_per_duplicate(local_aws, case):
    act(local_aws, case, "/request-info", {"message": "Logs?"}, user="engineer")
    bodies = [json.dumps(event) for event in local_aws.published_events()]  # CaseStatusChanged (ignored) and CaseUpdated
    with count_aws_calls() as first:
        local_aws.deliver(bodies)
    with count_aws_calls() as again:
        local_aws.deliver(bodies)
    # The account (for the contact's address), the update's text, the engineer's name; the claim and the sent
    # record, the email; the key once per container.
    assert first == {
        ("DynamoDB", "GetItem"): 3,
        ("DynamoDB", "PutItem"): 2,
        ("SES", "SendRawEmail"): 1,
        ("Secrets Manager", "GetSecretValue"): 1,
    }
    assert again == {("DynamoDB", "GetItem"): 1, ("DynamoDB", "PutItem"): 1}  # the account, the refused claim: nothing more


def test_aws_calls_for_a_management_escalation(local_aws, case):
    act(local_aws, case, "/escalations", {"kind": "management", "reason": "No progress."})
    bodies = [json.dumps(event) for event in local_aws.published_events()]
    with count_aws_calls() as calls:
        local_aws.deliver(bodies)
    assert calls.pop(("Secrets Manager", "GetSecretValue")) == 1  # once per container
    # The account, the region's managers, each manager's address, the reason's text, the owner's name; the
    # case's management interval; per email a claim, a record and the send.
    assert calls == {("DynamoDB", "GetItem"): 5, ("DynamoDB", "PutItem"): 3, ("SES", "SendRawEmail"): 1}


AUTOMATION = {"userId": "automation", "role": "automation", "contactId": None}
NA_QUEUE = "na-queue@support.example"


def latest(local_aws, detail_type: str = "CaseUpdated") -> dict:
    """The last event of this type the bus published (the others are drained), as the base of the timer
    step's events, which the automation publishes about the case as it stands."""
    return [event for event in local_aws.published_events() if event["detail-type"] == detail_type][-1]


def by_automation(base: dict, detail_type: str, **fields) -> str:
    posted_nothing = {"updateId": None, "updateKind": None, "excerpt": None}
    detail = base["detail"] | {"actor": AUTOMATION, "byCustomer": False, "changedFields": [], **posted_nothing}
    detail |= {"eventKey": f"{detail['caseNumber']}#{detail['version']}#{detail_type}", **fields}
    return json.dumps(base | {"id": f"{detail_type}-{uuid.uuid4()}", "detail-type": detail_type, "detail": detail})


def delivered(local_aws, *bodies: str) -> list[dict]:
    """The emails one batch of these events sent."""
    before = len(mails(local_aws))
    assert local_aws.deliver(list(bodies)) == {"batchItemFailures": []}
    return mails(local_aws)[before:]


def test_the_follow_up_reminders_and_the_auto_closed_final_email_reach_the_contact(local_aws, case):
    act(local_aws, case, "/request-info", {"message": "Send the IC server logs."}, user="engineer")
    asked = latest(local_aws)
    ask = {"asked": "information", "askedAt": asked["detail"]["occurredAt"], "autoCloseAt": "2026-12-08T15:00:00.000Z"}
    ref, link = references(local_aws).reference_id(case), f"{local_aws.resources.portal_url}/cases/{case}"

    for number in (1, 2):
        reminder = by_automation(asked, "CaseFollowUpReminder", reminder=number, **ask)
        (mail,) = delivered(local_aws, reminder, reminder)  # a duplicate delivery sends once
        assert mail["to"] == [ALICE]
        assert mail["subject"] == f"Case {case}: reminder {number}: information still needed – {SUBJECT} [{ref}]"
        for body in (mail["text"], mail["html"]):
            assert f"This is reminder {number} of 2 of the automated follow-up." in body
            assert "the case will be closed automatically on Tuesday 8 December 2026, 10:00 US Eastern" in body
            assert "post the information as an update" in body and ref in body
        assert f"Open the case: {link}" in mail["text"] and f'<a href="{link}"' in mail["html"]

    closed = by_automation(asked, "CaseClosed", status="Closed", subStatus="Auto-closed", version=asked["detail"]["version"] + 1)
    (mail,) = delivered(local_aws, closed)
    assert mail["to"] == [ALICE]
    assert mail["subject"] == f"Case {case}: closed automatically (no answer) – {SUBJECT} [{ref}]"
    assert "can be reopened only by phone" in mail["text"] and "1-866-794-3423 or 1-317-715-8686" in mail["text"]
    assert "Closed (Auto-closed)" in mail["html"] and f'<a href="{link}"' in mail["html"]


def test_a_solution_reminder_asks_to_accept_or_reject(local_aws, case):
    act(local_aws, case, "/propose-solution", {"solution": "Reinstall the station client."}, user="engineer")
    proposed = latest(local_aws)
    reminder = by_automation(
        proposed, "CaseFollowUpReminder", reminder=2, asked="solution", askedAt=proposed["detail"]["occurredAt"],
        autoCloseAt="2026-07-01T11:30:00Z",
    )  # fmt: skip
    (mail,) = delivered(local_aws, reminder)
    assert mail["to"] == [ALICE] and "please accept or reject the proposed solution" in mail["subject"]
    assert "accept it on the case" in mail["text"] and "Wednesday 1 July 2026, 07:30 US Eastern" in mail["text"]


def test_a_missed_response_target_goes_to_the_owner_then_to_the_managers(local_aws, case):
    act(local_aws, case, "/updates", {"text": "Any news?"})
    base = latest(local_aws)
    target = {"responseDueAt": "2026-01-05T19:00:00.000Z", "responseRule": "4-Low: first response within 14 hours"}

    (mail,) = delivered(local_aws, by_automation(base, "CaseResponseOverdue", level="owner", **target))
    assert mail["to"] == [ERIN] and "first response overdue (4-Low) – " in mail["subject"]
    assert "was due Monday 5 January 2026, 14:00 US Eastern" in mail["text"]
    assert "Answer the customer on the case now." in mail["text"]

    (mail,) = delivered(local_aws, by_automation(base, "CaseResponseOverdue", level="manager", **target))
    assert mail["to"] == [MIKE]
    assert "escalated to regional support management (north-america)" in mail["subject"] and "owner: Erin Engineer." in mail["text"]


def test_a_missed_response_target_on_a_case_without_owner_goes_to_the_regions_queue(local_aws):
    number = local_aws.call("POST", "/cases", body=support_case()).body["caseNumber"]
    overdue = by_automation(
        latest(local_aws, "CaseCreated"), "CaseResponseOverdue", level="owner", responseDueAt="2026-01-05T19:00:00.000Z",
        responseRule="4-Low: <first> response & more", region=None,
    )  # fmt: skip

    (mail,) = delivered(local_aws, overdue)
    assert mail["to"] == [NA_QUEUE]
    assert mail["subject"].startswith(f"Case {number}: first response overdue (4-Low), no owner – {SUBJECT} [ref:")
    assert "Hello north-america support queue," in mail["text"] and "Assign the case now" in mail["text"]
    assert "4-Low: &lt;first&gt; response &amp; more" in mail["html"] and "<first>" not in mail["html"]


def test_a_region_without_a_queue_address_notifies_nobody(local_aws):
    RegionItem.get(*region_key("north-america")).update(actions=[RegionItem.queue_email.remove()])
    local_aws.call("POST", "/cases", body=support_case())
    created = latest(local_aws, "CaseCreated")
    overdue = by_automation(created, "CaseResponseOverdue", level="owner", responseDueAt="2026-01-05T19:00:00Z")
    assert delivered(local_aws, overdue) == []


def test_management_escalations_email_the_managers_at_most_once_per_interval(local_aws, case, api_at):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    ref = references(local_aws).reference_id(case)

    def escalate(at: datetime, reason: str) -> list[dict]:
        api_at(at)
        act(local_aws, case, "/escalations", {"kind": "management", "reason": reason})
        before = len(mails(local_aws, MIKE))
        events = local_aws.published_events()
        assert local_aws.deliver([json.dumps(event) for event in events]) == {"batchItemFailures": []}
        return mails(local_aws, MIKE)[before:]

    (first,) = escalate(start, "No progress.")
    assert "Reason given:\n\nNo progress.\n" in first["text"]
    assert "Further management escalations of this case are recorded on it but not emailed until" in first["text"]

    assert escalate(start + timedelta(hours=23, minutes=59), "Still nothing.") == []  # within 24 hours: not emailed
    withheld = [item for item in NotifiedItem.scan() if item.sk == "managers" and item.pk.endswith("#CaseEscalated")]
    assert len(withheld) == 1 and withheld[0].withheld_at and withheld[0].sent_at is None  # but kept in the ledger

    (again,) = escalate(start + timedelta(hours=24), "A day later, still down.")
    assert "Reason given:\n\nA day later, still down.\n" in again["text"] and again["subject"].strip().endswith(f"[{ref}]")
    held = ManagementEmailItem.get(f"NOTIFIED#{case}#management", "managers")
    assert held.event_key.endswith("#CaseEscalated") and to_iso(held.occurred_at).startswith(
        (start + timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M")
    )


def test_the_management_email_interval_is_configuration(local_aws, case, monkeypatch):
    monkeypatch.setenv("DSS_MANAGEMENT_EMAIL_INTERVAL_HOURS", "0")
    reset_environment()
    for reason in ("No progress.", "Still nothing."):
        act(local_aws, case, "/escalations", {"kind": "management", "reason": reason})
        notify(local_aws)
    assert len(mails(local_aws, MIKE)) == 2


def test_of_escalations_delivered_at_once_only_one_emails_the_managers(local_aws, case, monkeypatch):
    serialise_in_process_moto(monkeypatch)
    ledger, occurred = notification_dependencies().ledger, datetime.now(UTC)
    barrier, results = threading.Barrier(8), []

    def claim(version: int) -> None:
        barrier.wait()
        results.append(
            ledger.claim_management_email(case, f"{case}#{version}#CaseEscalated", occurred_at=occurred, interval=timedelta(hours=24))
        )

    threads = [threading.Thread(target=claim, args=(version,)) for version in range(10, 18)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]
    winner = ManagementEmailItem.get(f"NOTIFIED#{case}#management", "managers").event_key
    # The winner's redelivery may still send (after a refused email); the others may not.
    assert ledger.claim_management_email(case, winner, occurred_at=occurred, interval=timedelta(hours=24))
    loser = next(f"{case}#{version}#CaseEscalated" for version in range(10, 18) if f"{case}#{version}#CaseEscalated" != winner)
    assert not ledger.claim_management_email(case, loser, occurred_at=occurred + timedelta(hours=23), interval=timedelta(hours=24))
    assert ledger.claim_management_email(case, loser, occurred_at=occurred + timedelta(hours=24), interval=timedelta(hours=24))
