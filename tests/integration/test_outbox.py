"""The transactional outbox end to end under moto: a change commits its events with it; the real publisher
puts them on the bus from the table's stream; the bus failing after a commit loses nothing; a client retry
with the same Idempotency-Key changes nothing; every event entry stays far below EventBridge's limit."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from functions.shared.domain_event import EXCERPT_CHARACTERS, MAX_ENTRY_BYTES
from functions.shared.text_limits import LONG_TEXT_MAX_BYTES, SHORT_TEXT_MAX_BYTES
from tests.support.faults import BusOutage
from tests.support.payloads import support_case

ASK = {"message": "Please send the IC server logs of this morning."}


@pytest.fixture
def case(local_aws):
    number = local_aws.call("POST", "/cases", body=support_case()).body["caseNumber"]
    local_aws.published_events()
    local_aws.timer_events()  # the response escalation's start: not what these tests look at
    return number


def outbox_entries(local_aws, case: str) -> list[dict]:
    """The case's outbox items as the table holds them."""
    items = boto3.client("dynamodb").query(
        TableName=local_aws.resources.table_name,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :events)",
        ExpressionAttributeValues={":pk": {"S": f"CASE#{case}"}, ":events": {"S": "EVENT#"}},
    )["Items"]
    return [{name: value["S"] for name, value in item.items() if "S" in value} for item in items]


def test_a_change_answers_at_once_while_the_bus_is_down_and_its_ladder_and_email_follow_when_it_is_back(local_aws, case, monkeypatch):
    outage = BusOutage(monkeypatch)

    asked = local_aws.call("POST", f"/cases/{case}/request-info", user="engineer", body=ASK)

    assert asked.status == 200 and asked.body["status"] == "Awaiting Info"  # committed, never a 503
    assert local_aws.published_events() == [] and outage.calls >= 1
    assert local_aws.timer_events() == []  # nothing reached the bus yet, nothing is lost either
    assert local_aws.publish_outbox() == 0  # still down: the stream position stays where it was

    outage.clear()
    events = local_aws.published_events()
    kinds = [event["detail-type"] for event in events]
    assert kinds == ["CaseStatusChanged", "CaseUpdated", "CaseTimerStarted", "CaseTimerStopped"]
    assert len({event["detail"]["eventKey"] for event in events}) == 4

    local_aws.run_timer_events([json.dumps(event) for event in events if event["detail-type"].startswith("CaseTimer")])
    assert any(execution["status"] == "RUNNING" for execution in local_aws.executions(case))  # the ladder started
    local_aws.deliver([json.dumps(event) for event in events])
    (email,) = local_aws.sent_mail("alice@acme.example")
    assert ASK["message"] in email["text"]  # the words, read by the consumer


def test_a_partly_refused_batch_is_published_again_from_the_first_refused_event_in_order(local_aws, case, monkeypatch):
    outage = BusOutage(monkeypatch, refuse_from=1)
    local_aws.call("POST", f"/cases/{case}/request-info", user="engineer", body=ASK)
    local_aws.call("POST", f"/cases/{case}/updates", body={"text": "Logs attached."})

    first = local_aws.published_events()
    outage.clear()
    rest = local_aws.published_events()

    keys = [event["detail"]["eventKey"] for event in first + rest]
    entries = sorted(outbox_entries(local_aws, case), key=lambda entry: entry["sk"])
    expected = [entry["event_key"] for entry in entries if json.loads(entry["detail"])["version"] > 1]  # after the opening
    assert [event["detail"]["eventKey"] for event in first] == expected[:1]
    assert keys == expected  # every event once, in the order committed
    versions = [event["detail"]["version"] for event in first + rest]
    assert versions == sorted(versions)


def test_the_publisher_failing_outright_loses_nothing(local_aws, case, monkeypatch):
    from functions.outbox.logic import publish_events as publish_module

    def crash(records, bus):
        raise RuntimeError("the publisher's Lambda crashed")

    monkeypatch.setattr("functions.outbox.handlers.handle_table_stream.publish_events", crash)
    local_aws.call("POST", f"/cases/{case}/updates", body={"text": "More detail."})
    assert local_aws.published_events() == []

    monkeypatch.setattr("functions.outbox.handlers.handle_table_stream.publish_events", publish_module.publish_events)
    assert [event["detail-type"] for event in local_aws.published_events()] == ["CaseUpdated"]


def test_a_retry_with_the_same_key_returns_the_first_answer_and_changes_nothing(local_aws, case):
    key = {"Idempotency-Key": "retry-1"}
    first = local_aws.call("POST", f"/cases/{case}/updates", body={"text": "Logs attached."}, headers=key)
    again = local_aws.call("POST", f"/cases/{case}/updates", body={"text": "Logs attached."}, headers=key)

    assert (first.status, again.status) == (201, 201)
    assert again.body == first.body and again.headers["etag"] == first.headers["etag"]
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert len(local_aws.call("GET", f"/cases/{case}/updates").body["items"]) == 1
    assert [event["detail-type"] for event in local_aws.published_events()] == ["CaseUpdated"]

    other = local_aws.call("POST", f"/cases/{case}/updates", body={"text": "Something else."}, headers=key)
    assert (other.status, other.body["error"]) == (409, "idempotency_key_reused")
    elsewhere = local_aws.call("POST", f"/cases/{case}/escalations", body={"kind": "priority", "reason": "x"}, headers=key)
    assert elsewhere.status == 409  # the key names one request, whatever the route
    # Keys are the caller's own: the engineer's same key is a new change.
    theirs = local_aws.call("POST", f"/cases/{case}/updates", user="engineer", body={"text": "Logs attached."}, headers=key)
    assert theirs.status == 201 and "idempotent-replayed" not in theirs.headers


def test_an_escalation_replayed_answers_its_first_outcome(local_aws, case):
    key = {"Idempotency-Key": "escalate-1"}
    body = {"kind": "priority", "reason": "More agents are affected."}
    first = local_aws.call("POST", f"/cases/{case}/escalations", body=body, headers=key)
    again = local_aws.call("POST", f"/cases/{case}/escalations", body=body, headers=key)
    assert first.body["outcome"] == "applied" and again.body == first.body
    assert local_aws.call("GET", f"/cases/{case}").body["priority"] == "3-Medium"  # raised once, not to High


def test_changes_over_the_callers_limit_answer_429_with_retry_after_and_write_nothing(local_aws, case, monkeypatch):
    monkeypatch.setenv("DSS_CHANGES_PER_MINUTE", "3")
    moment = datetime(2027, 1, 5, 15, 0, 30, tzinfo=UTC)  # the API's clock: all in one minute, 30 s before its end
    local_aws.set_api_time(moment)
    answers = [local_aws.call("POST", f"/cases/{case}/updates", body={"text": f"Update {n}."}) for n in range(4)]

    assert [answer.status for answer in answers] == [201, 201, 201, 429]
    assert answers[3].body["error"] == "too_many_requests" and answers[3].headers["retry-after"] == "31"
    assert len(local_aws.call("GET", f"/cases/{case}/updates").body["items"]) == 3
    # The limit is the caller's: the engineer still works.
    assert local_aws.call("POST", f"/cases/{case}/updates", user="engineer", body={"text": "On it."}).status == 201


CHARACTERS = st.sampled_from(["a", "é", "€", "😀", '"', "\\", "<"])


def at_caps(character: str, max_characters: int, max_bytes: int) -> str:
    """The longest valid text of one character: the character cap or the byte cap, whichever binds."""
    return character * min(max_characters, max_bytes // len(character.encode()))


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(long=CHARACTERS, short=CHARACTERS)
def test_every_event_of_the_largest_valid_inputs_of_every_route_stays_small(local_aws, long, short):
    text, subject = at_caps(long, 32_000, LONG_TEXT_MAX_BYTES), at_caps(short, 255, SHORT_TEXT_MAX_BYTES)
    opened = local_aws.call("POST", "/cases", body=support_case(subject=subject, description=text))
    assert opened.status == 201, opened
    case = opened.body["caseNumber"]
    steps = [
        ("customer", "/updates", {"text": text}),
        ("engineer", "/request-info", {"message": text}),
        ("customer", "/escalations", {"kind": "management", "reason": text}),
        ("engineer", "/propose-solution", {"solution": text}),
        ("customer", "/solution/reject", {"reason": text}),
        ("engineer", "/propose-solution", {"solution": text}),
        ("customer", "/solution/accept", {"comment": text}),
        ("customer", "/reopen", {"information": text}),
        ("customer", "/close", {"subStatus": "Cancelled", "comment": text}),
    ]
    for user, path, body in steps:
        answer = local_aws.call("POST", f"/cases/{case}{path}", user=user, body=body)
        assert answer.status < 300, (path, answer)

    entries = outbox_entries(local_aws, case)
    assert len(entries) >= len(steps) + 1
    for entry in entries:
        size = sum(len(entry[name].encode()) for name in ("source", "detail_type", "detail"))
        assert size < 16 * 1024 < MAX_ENTRY_BYTES, (entry["detail_type"], size)  # the excerpt, never the whole text
        excerpt = json.loads(entry["detail"]).get("excerpt")
        assert excerpt is None or len(excerpt) <= EXCERPT_CHARACTERS
    assert len(local_aws.published_events()) == len(entries)  # and the bus took every one of them
