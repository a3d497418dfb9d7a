"""The alerts domain's incidents end to end under moto: the monitoring events, built from their contract models,
are put on the bus, whose rules (the domains' EVENT_PATTERNs) route them to the cases domain's queue and the
notifications queue; the real consumers read those queues' messages as SQS batches (whole EventBridge
envelopes); the case is read through the real cases API and the emails in moto's SES."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import boto3
import pytest

from bench.aws_calls import count_aws_calls  # imported at collection: before any client exists
from functions.cases.dal.tables import MONITORING_CASE_SORT_KEY, MONITORING_PREFIX
from functions.shared.clock import to_iso, utc_now
from functions.shared.contracts import (
    DetailType,
    MonitoringAlertsAttached,
    MonitoringAlertsRecovered,
    MonitoringCaseRequested,
    MonitoringGroupHeld,
)
from functions.shared.dal.directory import AccountItem, ContactStatus, RegionItem, account_key, region_key
from functions.shared.environment import reset_environment
from local.event_sources import sqs_record
from local.http_adapter import LambdaContext
from tests.support.moto_server import moto_server

ROOT = Path(__file__).resolve().parents[2]
ALICE, CAROL, NA_QUEUE, NA_AFTER_HOURS = "alice@acme.example", "carol@acme.example", "na-queue@support.example", "na-oncall@support.example"
AUTOMATION = {"userId": "automation", "role": "automation"}


def group_id() -> str:
    return uuid.uuid4().hex


def alert(key: str, device: str = "db01", summary: str = "Disk C: 98% full", severity: str = "critical", minutes_ago: int = 5) -> dict:
    first = to_iso(utc_now() - timedelta(minutes=minutes_ago))
    return {"dedupKey": key, "device": device, "severity": severity, "summary": summary, "firstTriggeredAt": first}


def requested(group: str, account: str = "acme", **changes) -> MonitoringCaseRequested:
    detail = {
        "eventKey": f"{group}#case-requested", "groupId": group, "accountId": account, "device": "db01", "alertCount": 2,
        "occurredAt": to_iso(utc_now()), "reason": "business-hours", "summary": "Disk C: 98% full", "severity": "critical",
        "detectedAt": to_iso(utc_now() - timedelta(minutes=5)),
        "alerts": [alert("disk-db01"), alert("cpu-db01", summary="CPU 100% for 10 minutes", severity="error", minutes_ago=4)],
        "actor": AUTOMATION,
    }  # fmt: skip
    return MonitoringCaseRequested.model_validate(detail | changes)


def attached(group: str, case: str, key: str = "attached#1") -> MonitoringAlertsAttached:
    detail = {
        "eventKey": f"{group}#{key}", "groupId": group, "accountId": "acme", "device": "db01", "alertCount": 4,
        "occurredAt": to_iso(utc_now()), "caseNumber": case, "newAlertCount": 2,
        "newAlerts": [alert("mem-db01", summary="Memory low", severity="warning"), alert("svc-ic", device="ic01", summary="IC stopped")],
    }  # fmt: skip
    return MonitoringAlertsAttached.model_validate(detail)


def recovered(group: str, case: str, *, close_if_untouched: bool = False) -> MonitoringAlertsRecovered:
    detail = {
        "eventKey": f"{group}#recovered", "groupId": group, "accountId": "acme", "device": "db01", "alertCount": 4,
        "occurredAt": to_iso(utc_now()), "caseNumber": case, "recoveredAt": "2026-12-07T16:30:00.000Z",
        "closeIfUntouched": close_if_untouched,
    }  # fmt: skip
    return MonitoringAlertsRecovered.model_validate(detail)


def held(group: str, account: str = "acme") -> MonitoringGroupHeld:
    detail = {
        "eventKey": f"{group}#held", "groupId": group, "accountId": account, "device": "db01", "alertCount": 1,
        "occurredAt": "2026-12-08T04:00:00.000Z", "summary": "Disk C: 98% full", "severity": "critical",
        "detectedAt": "2026-12-08T03:58:00.000Z", "opensAt": "2026-12-08T12:00:00.000Z",
    }  # fmt: skip
    return MonitoringGroupHeld.model_validate(detail)


def put_on_bus(local_aws, *events, times: int = 1) -> None:
    """The events as the alerts domain's outbox publisher puts them on the bus (its rules route them)."""
    entries = [
        {
            "Source": event.source.value,
            "DetailType": event.detail_type.value,
            "Detail": json.dumps(event.to_bus()),
            "EventBusName": local_aws.resources.event_bus_name,
        }
        for event in events
        for _ in range(times)
    ]
    assert boto3.client("events").put_events(Entries=entries)["FailedEntryCount"] == 0


def drain(queue_url: str) -> list[str]:
    """Every message body a queue holds (EventBridge envelopes as JSON), taken off it."""
    sqs, bodies = boto3.client("sqs"), []
    while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages"):
        for message in messages:
            bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def run_cases_consumer(local_aws, bodies: list[str]) -> dict:
    from functions.cases.handlers.handle_bus_events import lambda_handler

    records = [sqs_record(body, local_aws.resources.cases_queue_arn) for body in bodies]
    return lambda_handler({"Records": records}, LambdaContext("cases-events", timeout_seconds=30))


def notify(local_aws) -> list[str]:
    """Publishes the outbox, then runs the real notifications handler on what its queue holds; the bodies."""
    local_aws.publish_outbox()
    bodies = drain(local_aws.resources.notifications_queue_url)
    assert local_aws.deliver(bodies) == {"batchItemFailures": []}
    return bodies


def case_events(local_aws) -> list[dict]:
    """The cases domain's events published since the last call (the bus's other events are left out)."""
    return [event for event in local_aws.published_events() if event["source"] == "dss.cases"]


def open_case(local_aws, event: MonitoringCaseRequested) -> str:
    """The incident's case, opened by the real consumer from the bus; its number."""
    put_on_bus(local_aws, event)
    assert local_aws.run_case_events() == {"batchItemFailures": []}
    (created,) = [event for event in case_events(local_aws) if event["detail-type"] == DetailType.CASE_CREATED]
    assert created["detail"]["monitoringGroupId"] == event.group_id
    return created["detail"]["caseNumber"]


def mails(local_aws, to: str | None = None) -> list[dict]:
    return [
        mail | {"subject": " ".join(mail["subject"].split()), "text": mail["text"].replace("\r\n", "\n")}
        for mail in local_aws.sent_mail(to)
    ]


def updates(local_aws, case: str, user: str) -> list[dict]:
    answer = local_aws.call("GET", f"/cases/{case}/updates", user=user)
    assert answer.status == 200, answer
    return answer.body["items"]


# --- one case per incident ----------------------------------------------------------------------------


def test_a_case_requested_three_times_and_redelivered_opens_once(local_aws):
    group = group_id()
    put_on_bus(local_aws, requested(group), times=3)  # three envelopes (the alerts domain's publisher retried)
    bodies = drain(local_aws.resources.cases_queue_url)
    assert len(bodies) == 3 and {json.loads(body)["detail-type"] for body in bodies} == {"MonitoringCaseRequested"}

    # One batch with the three, then the first delivered again (its visibility timeout passed).
    assert run_cases_consumer(local_aws, bodies) == {"batchItemFailures": []}
    assert run_cases_consumer(local_aws, bodies[:1]) == {"batchItemFailures": []}

    created = [event for event in case_events(local_aws) if event["detail-type"] == DetailType.CASE_CREATED]
    assert [event["detail"]["monitoringGroupId"] for event in created] == [group]
    number = created[0]["detail"]["caseNumber"]
    claim = boto3.client("dynamodb").get_item(
        TableName=local_aws.resources.table_name, Key={"pk": {"S": f"{MONITORING_PREFIX}{group}"}, "sk": {"S": MONITORING_CASE_SORT_KEY}}
    )["Item"]
    assert (claim["case_number"]["S"], claim["account_id"]["S"]) == (number, "acme")
    listed = local_aws.call("GET", "/cases", query={"view": "all-non-closed"}).body["items"]
    assert [row["caseNumber"] for row in listed if row["subject"].startswith("Monitoring: ")] == [number]


def test_the_case_is_a_prod_down_support_case_for_the_account_on_the_monitoring_channel(local_aws):
    group = group_id()
    event = requested(group, alertCount=3)
    number = open_case(local_aws, event)

    for user in ("engineer", "customer"):  # the contact sees it as support does
        answer = local_aws.call("GET", f"/cases/{number}", user=user)
        assert answer.status == 200, answer
        case = answer.body
        expected = {
            "caseType": "Support", "caseSubType": "Problem", "priority": "1-Prod Down", "channel": "monitoring",
            "status": "Open", "subStatus": "New", "ownerId": None, "region": "north-america",
            "accountId": "acme", "contactId": "c-alice", "openedBy": "automation",  # no emergency contacts: the first active
        }  # fmt: skip
        assert {name: case[name] for name in expected} == expected
        assert (case["detectedAt"], case["monitoringGroupId"]) == (to_iso(event.detected_at), group)
        assert case["subject"] == "Monitoring: Disk C: 98% full on db01"
        assert case["firstResponseAt"] is None and case["nextAutomatedAction"]["action"] == "escalateToOwner"
    description = case["description"]
    assert "The incident has 3 alerts in all; the first 2:" in description
    assert "- [critical] db01: Disk C: 98% full (dedup key disk-db01; first triggered " in description
    assert "- [error] db01: CPU 100% for 10 minutes (dedup key cpu-db01; first triggered " in description
    assert "US Eastern" in description and description.endswith("... and 1 more (the alerts API lists them all).")
    history = local_aws.call("GET", f"/cases/{number}/history", user="engineer").body["items"]
    assert [(entry["action"], entry["actor"]["role"]) for entry in history] == [("opened", "automation")]


def test_the_case_is_for_the_first_emergency_contact_not_disabled(local_aws):
    account = AccountItem.get(*account_key("acme"))
    contacts = account.contacts.as_dict()
    contacts["c-bob"]["status"] = ContactStatus.DISABLED.value
    account.update(actions=[AccountItem.contacts.set(contacts), AccountItem.emergency_contact_ids.set(["c-bob", "c-carol", "c-alice"])])

    number = open_case(local_aws, requested(group_id()))

    assert local_aws.call("GET", f"/cases/{number}", user="engineer").body["contactId"] == "c-carol"
    assert local_aws.call("GET", f"/cases/{number}", user="colleague").status == 200  # Carol's own case


def test_an_engineers_request_opens_it_in_the_engineers_name(local_aws):
    group = group_id()
    number = open_case(local_aws, requested(group, reason="engineer", actor={"userId": "u-erin", "role": "engineers"}))
    case = local_aws.call("GET", f"/cases/{number}", user="engineer").body
    assert (case["openedBy"], case["channel"], case["firstResponseAt"]) == ("u-erin", "monitoring", None)


def test_an_account_with_no_contact_fails_to_the_queue_and_opens_nothing(local_aws):
    account = AccountItem.get(*account_key("globex"))
    contacts = account.contacts.as_dict()
    contacts["c-gina"]["status"] = ContactStatus.DISABLED.value
    account.update(actions=[AccountItem.contacts.set(contacts)])
    put_on_bus(local_aws, requested(group_id(), account="globex"))

    (body,) = drain(local_aws.resources.cases_queue_url)
    assert run_cases_consumer(local_aws, [body])["batchItemFailures"] != []  # retried, then dead-lettered (alarm)
    assert [event for event in case_events(local_aws) if event["detail-type"] == DetailType.CASE_CREATED] == []


# --- its events ------------------------------------------------------------------------------------


def test_every_event_of_the_case_names_its_incident_and_the_prod_down_escalation_starts(local_aws):
    group = group_id()
    put_on_bus(local_aws, requested(group))
    assert local_aws.run_case_events() == {"batchItemFailures": []}
    events = case_events(local_aws)
    number = events[0]["detail"]["caseNumber"]
    started = [event for event in events if event["detail-type"] == DetailType.CASE_TIMER_STARTED]
    assert [event["detail"]["timer"] for event in started] == ["response-escalation"]
    assert local_aws.run_timer_events([json.dumps(event) for event in started]) == {"batchItemFailures": []}
    assert [execution["status"] for execution in local_aws.executions(number)] == ["RUNNING"]

    assert local_aws.call("POST", f"/cases/{number}/updates", user="engineer", body={"text": "Looking at db01 now."}).status == 201
    put_on_bus(local_aws, attached(group, number), recovered(group, number))
    assert local_aws.run_case_events() == {"batchItemFailures": []}
    events += case_events(local_aws)

    of_the_case = [event for event in events if event["source"] == "dss.cases"]
    assert {event["detail-type"] for event in of_the_case} >= {"CaseCreated", "CaseTimerStarted", "CaseUpdated", "CaseTimerStopped"}
    assert {event["detail"].get("monitoringGroupId") for event in of_the_case} == {group}


# --- the emails ----------------------------------------------------------------------------------------


def test_the_contact_and_the_regions_queue_are_each_emailed_once(local_aws):
    number = open_case(local_aws, requested(group_id()))
    bodies = notify(local_aws)

    sent = mails(local_aws)
    assert sorted(address for mail in sent for address in mail["to"]) == [ALICE, NA_QUEUE]
    (to_alice,) = mails(local_aws, ALICE)
    assert to_alice["subject"].startswith(f"Case {number}: opened from monitoring (1-Prod Down) – Monitoring: Disk C: 98% full on db01 [")
    assert "Our monitoring detected a problem on your systems" in to_alice["text"]
    (to_queue,) = mails(local_aws, NA_QUEUE)
    assert f"Monitoring opened case {number} (1-Prod Down) for Acme Contact Centers; it has no owner yet." in to_queue["text"]

    assert local_aws.deliver(bodies) == {"batchItemFailures": []}  # delivered again
    assert len(mails(local_aws)) == 2


def test_a_held_incident_is_one_notice_to_the_after_hours_address_and_nothing_to_the_customer(local_aws):
    RegionItem.get(*region_key("north-america")).update(actions=[RegionItem.after_hours_email.set(NA_AFTER_HOURS)])
    group = group_id()
    put_on_bus(local_aws, held(group), times=2)  # published twice

    assert drain(local_aws.resources.cases_queue_url) == []  # no case yet: the cases domain is not told
    bodies = notify(local_aws)
    assert len(bodies) == 2
    assert local_aws.deliver(bodies) == {"batchItemFailures": []}  # and redelivered

    (mail,) = mails(local_aws)
    assert mail["to"] == [NA_AFTER_HOURS]
    assert mail["subject"] == "After hours: critical on db01 (Acme Contact Centers) – Disk C: 98% full"
    text = mail["text"]
    assert "Detected: Monday 7 December 2026, 22:58 US Eastern (EST)" in text
    assert "Case opens at: Tuesday 8 December 2026, 07:00 US Eastern (EST)" in text
    assert f"POST /alerts/groups/{group}/case" in text and f"{local_aws.resources.portal_url}/alerts" in text


def test_a_region_without_an_after_hours_address_is_told_nothing(local_aws):
    put_on_bus(local_aws, held(group_id(), account="globex"))  # emea has no after-hours address
    assert len(notify(local_aws)) == 1
    assert mails(local_aws) == []


# --- the notes -------------------------------------------------------------------------------------------


def test_new_alerts_are_one_internal_note_only_staff_read_and_nobody_is_emailed(local_aws):
    group = group_id()
    number = open_case(local_aws, requested(group))
    notify(local_aws)
    before = len(mails(local_aws))

    put_on_bus(local_aws, attached(group, number), times=2)
    assert local_aws.run_case_events() == {"batchItemFailures": []}
    put_on_bus(local_aws, attached(group, number))  # redelivered later: the case holds it already
    assert local_aws.run_case_events() == {"batchItemFailures": []}
    notify(local_aws)

    (note,) = updates(local_aws, number, "engineer")
    assert (note["kind"], note["author"]["role"]) == ("internal-note", "automation")
    assert note["text"].startswith("2 new alerts: the incident now has 4 alerts.\n- [warning] db01: Memory low (dedup key mem-db01;")
    assert "- [critical] ic01: IC stopped (dedup key svc-ic;" in note["text"]
    assert updates(local_aws, number, "customer") == []  # staff only
    assert len(mails(local_aws)) == before
    case = local_aws.call("GET", f"/cases/{number}", user="engineer").body
    assert (case["version"], case["status"], case["firstResponseAt"]) == (2, "Open", None)


def test_recovery_is_one_note_the_customer_reads_and_nobody_is_emailed(local_aws):
    group = group_id()
    number = open_case(local_aws, requested(group))
    notify(local_aws)
    before = len(mails(local_aws))

    put_on_bus(local_aws, recovered(group, number), times=2)
    assert local_aws.run_case_events() == {"batchItemFailures": []}
    notify(local_aws)

    (note,) = updates(local_aws, number, "customer")
    assert note["kind"] == "monitoring-note"
    assert note["text"] == "All 4 alerts of the incident recovered at Monday 7 December 2026, 11:30 US Eastern (EST) (monitoring)."
    assert local_aws.call("GET", f"/cases/{number}", user="customer").body["status"] == "Open"
    assert len(mails(local_aws)) == before


def test_close_if_untouched_closes_a_case_nobody_worked_on(local_aws):
    group = group_id()
    number = open_case(local_aws, requested(group))
    put_on_bus(local_aws, attached(group, number))  # the automation's own notes do not count
    assert local_aws.run_case_events() == {"batchItemFailures": []}

    put_on_bus(local_aws, recovered(group, number, close_if_untouched=True))
    assert local_aws.run_case_events() == {"batchItemFailures": []}

    case = local_aws.call("GET", f"/cases/{number}", user="customer").body
    assert (case["status"], case["subStatus"], case["nextAutomatedAction"]) == ("Closed", "Resolved", None)
    closure = updates(local_aws, number, "customer")[-1]
    assert closure["kind"] == "closure-comment" and closure["text"].startswith("All 4 alerts of the incident recovered at ")
    history = local_aws.call("GET", f"/cases/{number}/history", user="engineer").body["items"]
    assert [entry["action"] for entry in history] == ["opened", "monitoring-alerts-attached", "monitoring-recovered-closed"]

    put_on_bus(local_aws, attached(group, number, key="attached#2"))  # a closed case: nothing recorded, no failure
    assert local_aws.run_case_events() == {"batchItemFailures": []}
    assert local_aws.call("GET", f"/cases/{number}", user="engineer").body["version"] == case["version"]


@pytest.mark.parametrize(
    ("user", "path", "body"),
    [
        pytest.param("engineer", "/updates", {"text": "Looking at db01."}, id="an engineer's update"),
        pytest.param("customer", "/updates", {"text": "We restarted db01."}, id="the customer's update"),
        pytest.param("engineer", "", {"ownerId": "u-erin"}, id="taken by an engineer"),
        pytest.param("engineer", "", {"subStatus": "Investigation"}, id="a field set by an engineer"),
    ],
)
def test_close_if_untouched_leaves_a_case_a_person_touched_open_with_the_note(local_aws, user, path, body):
    group = group_id()
    number = open_case(local_aws, requested(group))
    method = "POST" if path else "PATCH"
    assert local_aws.call(method, f"/cases/{number}{path}", user=user, body=body).status in (200, 201)

    put_on_bus(local_aws, recovered(group, number, close_if_untouched=True))
    assert local_aws.run_case_events() == {"batchItemFailures": []}

    assert local_aws.call("GET", f"/cases/{number}", user="engineer").body["status"] == "Open"
    assert updates(local_aws, number, "engineer")[-1]["kind"] == "monitoring-note"


def test_a_customers_pages_of_updates_leave_the_internal_notes_out(local_aws):
    group = group_id()
    number = open_case(local_aws, requested(group))
    assert local_aws.call("POST", f"/cases/{number}/updates", user="customer", body={"text": "First."}).status == 201
    for key in ("attached#1", "attached#2"):
        put_on_bus(local_aws, attached(group, number, key=key))
        assert local_aws.run_case_events() == {"batchItemFailures": []}
    assert local_aws.call("POST", f"/cases/{number}/updates", user="engineer", body={"text": "Second."}).status == 201

    seen, token = [], None
    while True:
        query = {"limit": "1", **({"nextToken": token} if token else {})}
        page = local_aws.call("GET", f"/cases/{number}/updates", user="customer", query=query).body
        seen += [item["text"] for item in page["items"]]
        if not (token := page.get("nextToken")):
            break
    assert seen == ["First.", "Second."]
    assert [item["kind"] for item in updates(local_aws, number, "engineer")] == ["comment", "internal-note", "internal-note", "comment"]


# --- what each event costs ----------------------------------------------------------------------------------


def test_each_event_is_a_read_and_one_transaction(local_aws):
    group = group_id()
    put_on_bus(local_aws, requested(group), times=2)
    first, again = drain(local_aws.resources.cases_queue_url)

    with count_aws_calls() as opening:
        assert run_cases_consumer(local_aws, [first]) == {"batchItemFailures": []}
    with count_aws_calls() as duplicate:
        assert run_cases_consumer(local_aws, [again]) == {"batchItemFailures": []}
    # The claim and the account in one read, a case number, the case with its claim, history and events.
    assert opening == Counter({("DynamoDB", "TransactGetItems"): 1, ("DynamoDB", "UpdateItem"): 1, ("DynamoDB", "TransactWriteItems"): 1})
    assert duplicate == Counter({("DynamoDB", "TransactGetItems"): 1})  # the claim found: no number spent, nothing written

    number = [event for event in case_events(local_aws) if event["detail-type"] == DetailType.CASE_CREATED][0]["detail"]["caseNumber"]
    put_on_bus(local_aws, attached(group, number), recovered(group, number, close_if_untouched=True))
    note, recovery = drain(local_aws.resources.cases_queue_url)
    with count_aws_calls() as noting:
        assert run_cases_consumer(local_aws, [note]) == {"batchItemFailures": []}
    with count_aws_calls() as closing:
        assert run_cases_consumer(local_aws, [recovery]) == {"batchItemFailures": []}
    assert noting == Counter({("DynamoDB", "GetItem"): 1, ("DynamoDB", "TransactWriteItems"): 1})
    # And the history's one Query: whether a person changed the case.
    assert closing == Counter({("DynamoDB", "GetItem"): 1, ("DynamoDB", "Query"): 1, ("DynamoDB", "TransactWriteItems"): 1})


# --- concurrent deliveries -------------------------------------------------------------------------------


@pytest.fixture
def shared_aws(monkeypatch):
    """One moto server for several processes (each as a Lambda container of its own)."""
    with moto_server() as endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        reset_environment()
        from local.demo_directory import seed_demo_directory
        from local.provision import provision

        resources = provision()
        seed_demo_directory()
        environment = {**os.environ, **resources.environment(), "PYTHONPATH": str(ROOT), "POWERTOOLS_METRICS_DISABLED": "true"}
        yield resources, environment
        reset_environment()


@pytest.mark.slow
def test_concurrent_deliveries_in_separate_containers_open_one_case(shared_aws, tmp_path):
    resources, environment = shared_aws
    group = group_id()
    envelope = {
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "MonitoringCaseRequested", "source": "dss.alerts",
        "account": "123456789012", "time": to_iso(utc_now()), "region": "us-east-1", "resources": [],
        "detail": requested(group).to_bus(),
    }  # fmt: skip
    body = tmp_path / "body.json"
    body.write_text(json.dumps(envelope))
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.integration.concurrent_event_worker", str(go), str(body), resources.cases_queue_arn],
            cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for _ in range(4)
    ]  # fmt: skip
    go.touch()
    with ThreadPoolExecutor(max_workers=len(workers)) as pool:
        outputs = list(pool.map(lambda worker: worker.communicate(timeout=180), workers))
    assert all(worker.returncode == 0 for worker in workers), [err[-800:] for _, err in outputs]
    results = [json.loads(stdout.strip().splitlines()[-1]) for stdout, _ in outputs]
    # A worker that lost the race on the claim either saw it committed (nothing to do) or failed on a conflicting
    # transaction and would be redelivered (which then finds the claim): never a second case.
    assert all(result == {"batchItemFailures": []} or len(result["batchItemFailures"]) == 1 for result in results)

    dynamodb = boto3.client("dynamodb", endpoint_url=environment["AWS_ENDPOINT_URL"])
    claim = dynamodb.get_item(
        TableName=resources.table_name, Key={"pk": {"S": f"{MONITORING_PREFIX}{group}"}, "sk": {"S": MONITORING_CASE_SORT_KEY}}
    )["Item"]
    open_cases = dynamodb.query(
        TableName=resources.table_name,
        IndexName="account-phase",
        KeyConditionExpression="account_phase = :partition",
        ExpressionAttributeValues={":partition": {"S": "acme#NON_CLOSED"}},
    )["Items"]
    assert [item["case_number"]["S"] for item in open_cases] == [claim["case_number"]["S"]]
