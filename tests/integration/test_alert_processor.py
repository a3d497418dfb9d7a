"""The alerts processor through its real handler under moto: storms folded into their alerts, one incident
(and one case request) per incident however the alerts arrive, incidents held outside business hours, and the
calls a batch costs."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from bench.aws_calls import count_aws_calls
from functions.alerts.dal.alert_store import AlertStore
from functions.alerts.handlers.handle_alert_queue import lambda_handler as processor
from functions.alerts.logic.dependencies import dependencies
from functions.alerts.models.received import ReceivedEvent
from functions.shared.clock import FixedClock, to_iso
from local.event_sources import sqs_record
from local.http_adapter import LambdaContext

TUESDAY_10_ET = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)  # business hours
MONDAY_22_ET = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)  # after hours; opens Tuesday 07:00 ET
BATCH_SIZE = 100  # the event source mapping's (infra/components/alerts.py)


def trigger(account: str, key: str, *, device: str = "ic-01", at: datetime, event_id: str, severity: str = "critical") -> dict:
    return queued(
        account, key, event_id, at, {"summary": f"{key} failing", "source": device, "severity": severity, "timestamp": to_iso(at)}
    )


def resolve(account: str, key: str, *, at: datetime, event_id: str) -> dict:
    return queued(account, key, event_id, at, None, action="resolve")


def queued(account: str, key: str, event_id: str, at: datetime, payload: dict | None, action: str = "trigger") -> dict:
    event = {"routing_key": "", "event_action": action, "dedup_key": key, **({"payload": payload} if payload else {})}
    received = {
        "eventId": event_id,
        "integrationId": "abcdefghij",
        "accountId": account,
        "channel": "events-api",
        "receivedAt": to_iso(at + timedelta(seconds=1)),
        "dedupKey": key,
        "event": event,
    }
    return ReceivedEvent.model_validate(received).model_dump(mode="json", by_alias=True)


def process(events: list[dict], *, now: datetime) -> None:
    """Runs the real processor on the events in queue-sized batches, as the event source mapping would."""
    dependencies().clock = FixedClock(now)
    for start in range(0, len(events), BATCH_SIZE):
        records = [
            sqs_record(json.dumps(event), "arn:aws:sqs:us-east-1:123456789012:alerts") for event in events[start : start + BATCH_SIZE]
        ]
        assert processor({"Records": records}, LambdaContext("alerts-processor", timeout_seconds=60)) == {"batchItemFailures": []}


def items(local_aws, prefix: str, account: str = "acme") -> list[dict]:
    table = boto3.resource("dynamodb").Table(local_aws.resources.table_name)
    found = table.query(
        KeyConditionExpression="pk = :pk AND begins_with(sk, :sk)", ExpressionAttributeValues={":pk": f"ALERTS#{account}", ":sk": prefix}
    )
    return [json.loads(item["body"]) for item in found["Items"]]


def monitoring_events(local_aws) -> list[dict]:
    return [event for event in local_aws.published_events() if event["source"] == "dss.alerts"]


def storm(account: str, keys: list[str], *, devices: list[str], count: int, start: datetime, span: timedelta, seed: int) -> list[dict]:
    """`count` triggers spread over `span`, 5 % of them delivered twice (the same event id) and 2 % swapped
    with a later one (out of order)."""
    shuffle = random.Random(seed)
    events = [
        trigger(
            account,
            keys[index % len(keys)],
            device=devices[index % len(devices)],
            at=start + span * index / count,
            event_id=f"{account}-{index}",
        )
        for index in range(count)
    ]
    events += [events[index] for index in shuffle.sample(range(count), count * 5 // 100)]
    for index in shuffle.sample(range(count - 1), count * 2 // 100):
        events[index], events[index + 1] = events[index + 1], events[index]
    return events


def test_a_storm_on_one_device_makes_ten_alerts_and_one_case_request(local_aws):
    keys = [f"ic-01/check-{number}" for number in range(10)]
    events = storm("acme", keys, devices=["ic-01"], count=1000, start=TUESDAY_10_ET, span=timedelta(minutes=5), seed=1)

    process(events, now=TUESDAY_10_ET + timedelta(minutes=5))

    alerts = items(local_aws, "ALERT#")
    assert sorted(alert["dedup_key"] for alert in alerts) == keys
    assert {alert["dedup_key"]: alert["trigger_count"] for alert in alerts} == dict.fromkeys(keys, 100)  # duplicates dropped
    assert {alert["state"] for alert in alerts} == {"firing"}
    (group,) = items(local_aws, "GROUP#")
    assert (group["status"], group["alert_count"], sorted(group["firing_keys"])) == ("requested", 10, keys)
    assert group["detected_at"] == to_iso(TUESDAY_10_ET)
    (request,) = monitoring_events(local_aws)
    assert request["detail-type"] == "MonitoringCaseRequested"
    assert (request["detail"]["groupId"], request["detail"]["reason"], request["detail"]["device"]) == (
        group["group_id"],
        "business-hours",
        "ic-01",
    )


def test_a_storm_over_fifty_devices_makes_one_incident_and_two_accounts_two(local_aws):
    acme = storm(
        "acme",
        [f"d{n}/ping" for n in range(50)],
        devices=[f"d{n}" for n in range(50)],
        count=1000,
        start=TUESDAY_10_ET,
        span=timedelta(minutes=5),
        seed=2,
    )
    globex = storm("globex", ["sw-01/link"], devices=["sw-01"], count=100, start=TUESDAY_10_ET, span=timedelta(minutes=5), seed=3)
    interleaved = [event for pair in zip(acme, globex * 11, strict=False) for event in pair]

    process(interleaved, now=TUESDAY_10_ET + timedelta(minutes=5))

    (acme_group,) = items(local_aws, "GROUP#")
    assert (acme_group["alert_count"], len(acme_group["devices"])) == (50, 50)
    assert len(items(local_aws, "GROUP#", "globex")) == 1
    requests = [event["detail"]["accountId"] for event in monitoring_events(local_aws) if event["detail-type"] == "MonitoringCaseRequested"]
    assert sorted(requests) == ["acme", "globex"]


def test_the_same_batch_delivered_again_changes_nothing(local_aws):
    events = [trigger("acme", "ic-01/cpu", at=TUESDAY_10_ET + timedelta(seconds=n), event_id=f"e{n}") for n in range(5)]
    process(events, now=TUESDAY_10_ET)
    before = (items(local_aws, "ALERT#"), items(local_aws, "GROUP#"), len(monitoring_events(local_aws)))

    process(events, now=TUESDAY_10_ET + timedelta(minutes=1))

    assert (items(local_aws, "ALERT#"), items(local_aws, "GROUP#"), len(monitoring_events(local_aws))) == (*before[:2], 0)
    assert before[0][0]["trigger_count"] == 5


def test_order_does_not_matter_and_a_trigger_after_a_resolve_is_a_new_instance(local_aws):
    first = [
        trigger("acme", "ic-01/disk", at=TUESDAY_10_ET, event_id="t1"),
        resolve("acme", "ic-01/disk", at=TUESDAY_10_ET + timedelta(minutes=1), event_id="r1"),
    ]
    process(list(reversed(first)), now=TUESDAY_10_ET + timedelta(minutes=2))
    (alert,) = items(local_aws, "ALERT#")
    resolved_at = TUESDAY_10_ET + timedelta(minutes=1, seconds=1)  # a resolve without payload happened when received
    assert (alert["state"], alert["instance"], alert["state_at"]) == ("resolved", 1, to_iso(resolved_at))

    process(
        [trigger("acme", "ic-01/disk", at=TUESDAY_10_ET + timedelta(minutes=3), event_id="t2")], now=TUESDAY_10_ET + timedelta(minutes=3)
    )

    (alert,) = items(local_aws, "ALERT#")
    assert (alert["state"], alert["instance"], alert["trigger_count"]) == ("firing", 2, 1)


def test_a_resolve_for_an_unknown_alert_is_recorded_and_opens_nothing(local_aws):
    process([resolve("acme", "never/seen", at=TUESDAY_10_ET, event_id="r1")], now=TUESDAY_10_ET)

    (alert,) = items(local_aws, "ALERT#")
    assert (alert["state"], alert["instance"], alert["group_id"]) == ("resolved", 0, None)
    assert items(local_aws, "GROUP#") == [] and monitoring_events(local_aws) == []


def test_warnings_are_recorded_and_open_nothing_but_join_an_open_incident(local_aws):
    process([trigger("acme", "ic-01/temp", at=TUESDAY_10_ET, event_id="w1", severity="warning")], now=TUESDAY_10_ET)
    assert items(local_aws, "GROUP#") == []

    process(
        [
            trigger("acme", "ic-01/down", at=TUESDAY_10_ET, event_id="c1"),
            trigger("acme", "ic-01/fan", at=TUESDAY_10_ET, event_id="w2", severity="warning"),
        ],
        now=TUESDAY_10_ET + timedelta(minutes=1),
    )

    (group,) = items(local_aws, "GROUP#")
    assert sorted(group["alert_keys"]) == ["ic-01/down", "ic-01/fan"]


def test_after_hours_a_new_incident_is_held_until_the_opening_with_one_notice(local_aws):
    events = storm("acme", ["ic-01/down"], devices=["ic-01"], count=200, start=MONDAY_22_ET, span=timedelta(minutes=5), seed=4)

    process(events, now=MONDAY_22_ET + timedelta(minutes=5))

    (group,) = items(local_aws, "GROUP#")
    assert (group["status"], group["opens_at"]) == ("held", "2026-12-08T12:00:00.000Z")  # Tuesday 07:00 ET
    held, timer = monitoring_events(local_aws)
    assert (held["detail-type"], held["detail"]["opensAt"]) == ("MonitoringGroupHeld", "2026-12-08T12:00:00.000Z")
    assert (timer["detail-type"], timer["detail"]["step"], timer["detail"]["dueAt"]) == (
        "MonitoringTimerStarted",
        "opening",
        "2026-12-08T12:00:00.000Z",
    )
    assert group["timers"]["opening"]["token"] == timer["detail"]["token"]


def test_an_account_monitored_around_the_clock_asks_for_its_case_at_once(local_aws):
    table = boto3.resource("dynamodb").Table(local_aws.resources.table_name)
    table.update_item(
        Key={"pk": "ACCOUNT#acme", "sk": "ACCOUNT"},
        UpdateExpression="SET entitlements = :entitlements",
        ExpressionAttributeValues={":entitlements": {"monitoring_around_the_clock": True}},
    )

    process([trigger("acme", "ic-01/down", at=MONDAY_22_ET, event_id="c1")], now=MONDAY_22_ET)

    (request,) = monitoring_events(local_aws)
    assert (request["detail-type"], request["detail"]["reason"]) == ("MonitoringCaseRequested", "around-the-clock")


def test_two_processors_racing_on_one_account_settle_on_one_incident(local_aws, monkeypatch):
    """Processor A reads, processor B commits an incident for another device, then A writes: A's
    conditional pointer write fails, and A decides again, joining B's incident."""
    first = [trigger("acme", "a/ping", device="a", at=TUESDAY_10_ET, event_id="a1")]
    second = [trigger("acme", "b/ping", device="b", at=TUESDAY_10_ET, event_id="b1")]
    read_accounts = AlertStore.read_accounts

    def read_then_let_the_other_commit(store, wanted):
        states = read_accounts(store, wanted)
        monkeypatch.setattr(AlertStore, "read_accounts", read_accounts)
        process(second, now=TUESDAY_10_ET)
        return states

    monkeypatch.setattr(AlertStore, "read_accounts", read_then_let_the_other_commit)
    process(first, now=TUESDAY_10_ET)

    (group,) = items(local_aws, "GROUP#")
    assert (group["alert_count"], sorted(group["devices"])) == (2, ["a", "b"])
    assert [event["detail-type"] for event in monitoring_events(local_aws)] == ["MonitoringCaseRequested"]


@pytest.mark.parametrize(("accounts", "keys", "reads", "transactions"), [(1, 25, 3, 1), (2, 25, 3, 2), (1, 100, 4, 3)])
def test_a_batch_costs_three_reads_and_a_transaction_per_account_and_forty_keys(local_aws, accounts, keys, reads, transactions):
    names = ["acme", "globex"][:accounts]
    events = [trigger(names[n % accounts], f"k{n}", device=f"d{n % 3}", at=TUESDAY_10_ET, event_id=f"e{n}") for n in range(keys + 1)]
    process(events[:1], now=TUESDAY_10_ET)  # warm: the container's clients exist

    with count_aws_calls() as calls:
        process(events[1:], now=TUESDAY_10_ET)

    # The alerts, pointers and settings (100 keys a call: 100 alerts, 3 devices' pointers, the account's
    # pointer and settings take two); the accounts; the incidents they name. Then the writes.
    assert calls == Counter({("DynamoDB", "BatchGetItem"): reads, ("DynamoDB", "TransactWriteItems"): transactions})
