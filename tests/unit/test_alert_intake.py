"""The monitoring intake's logic (functions/alerts/logic/intake.py) with the integration's item and the queue
in memory: what is accepted, what is refused with one 401, what is read and sent for each."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from functions.alerts.logic.credentials import mint_routing_key, new_integration_id, sign_webhook, webhook_secret
from functions.alerts.logic.intake import REFUSED_CREDENTIAL, IntegrationCache, InvalidEvent, enqueue_event, receive_webhook
from functions.alerts.models.integrations import ROTATION_OVERLAP, Integration, IntegrationStatus
from functions.alerts.models.received import IntakeChannel, ReceivedEvent
from functions.shared.clock import FixedClock
from functions.shared.errors import Unauthorized
from functions.shared.models import Actor

MASTER = b"m" * 48
NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
TRIGGER = {"event_action": "trigger", "payload": {"summary": "IC server down", "source": "ic-01", "severity": "critical"}}


class Items:
    def __init__(self, *integrations: Integration) -> None:
        self.items = {integration.integration_id: integration for integration in integrations}
        self.reads: list[str] = []

    def get_integration(self, integration_id: str, *, consistent: bool = True) -> Integration | None:
        self.reads.append(integration_id)
        return self.items.get(integration_id)


class Queue:
    def __init__(self) -> None:
        self.sent: list[ReceivedEvent] = []

    def send(self, event: ReceivedEvent) -> None:
        self.sent.append(event)


def integration(**changes) -> Integration:
    base = Integration(
        integration_id=new_integration_id(), account_id="acme", name="Alertmanager", status=IntegrationStatus.ACTIVE, generation=0,
        created_by=Actor(user_id="u-erin", role="engineers"), created_at=NOW, modified_at=NOW, version=1,
    )  # fmt: skip
    return base.model_copy(update=changes)


def intake(*integrations: Integration, staleness: timedelta = timedelta(seconds=60)):
    items, queue, clock = Items(*integrations), Queue(), FixedClock(NOW)
    return items, queue, clock, IntegrationCache(items, clock=clock, staleness=staleness)


def enqueue(cache, queue, body: dict | str, now: datetime = NOW):
    text = body if isinstance(body, str) else json.dumps(body)
    return enqueue_event(text, master=MASTER, integrations=cache, queue=queue, now=now, event_id="e-1")


def test_a_trigger_with_a_good_routing_key_is_queued_for_its_integrations_account():
    sender = integration()
    items, queue, _, cache = intake(sender)
    key = mint_routing_key(MASTER, sender.integration_id, 0)
    answer = enqueue(cache, queue, {**TRIGGER, "routing_key": key, "dedup_key": "ic-01/down"})

    assert (answer.status, answer.message, answer.dedup_key) == ("success", "Event processed", "ic-01/down")
    (sent,) = queue.sent
    assert (sent.account_id, sent.integration_id, sent.channel) == ("acme", sender.integration_id, IntakeChannel.EVENTS_API)
    assert sent.received_at == NOW
    assert sent.event.routing_key == ""  # the credential goes no further than the intake
    assert items.reads == [sender.integration_id]


def test_the_account_comes_from_the_integration_never_from_the_body():
    sender = integration(account_id="globex")
    _, queue, _, cache = intake(sender)
    body = {**TRIGGER, "routing_key": mint_routing_key(MASTER, sender.integration_id, 0), "account_id": "acme", "accountId": "acme"}
    enqueue(cache, queue, body)
    assert queue.sent[0].account_id == "globex"


@pytest.mark.parametrize(
    "routing_key",
    ["", "x" * 32, None, 42, "not-a-key", "a" * 33],
)
def test_a_malformed_or_forged_key_is_refused_without_reading_anything(routing_key):
    items, queue, _, cache = intake(integration())
    with pytest.raises(Unauthorized) as refused:
        enqueue(cache, queue, {**TRIGGER, "routing_key": routing_key})
    assert (refused.value.message, items.reads, queue.sent) == (REFUSED_CREDENTIAL, [], [])


def test_a_key_minted_under_another_master_is_refused_without_a_read():
    sender = integration()
    items, queue, _, cache = intake(sender)
    with pytest.raises(Unauthorized):
        enqueue(cache, queue, {**TRIGGER, "routing_key": mint_routing_key(b"o" * 48, sender.integration_id, 0)})
    assert items.reads == []


def test_disabled_unknown_and_rotated_out_keys_are_refused_with_the_same_answer():
    disabled, rotated = integration(status=IntegrationStatus.DISABLED), integration(generation=2, previous_generation_valid_until=NOW)
    _, queue, _, cache = intake(disabled, rotated)
    keys = [
        mint_routing_key(MASTER, disabled.integration_id, 0),
        mint_routing_key(MASTER, new_integration_id(), 0),  # well signed, but no such integration
        mint_routing_key(MASTER, rotated.integration_id, 1),  # the previous generation, its overlap just over
        mint_routing_key(MASTER, rotated.integration_id, 0),  # two generations back
        mint_routing_key(MASTER, rotated.integration_id, 3),  # not minted yet
    ]
    for key in keys:
        with pytest.raises(Unauthorized) as refused:
            enqueue(cache, queue, {**TRIGGER, "routing_key": key})
        assert refused.value.message == REFUSED_CREDENTIAL
    assert queue.sent == []


def test_during_a_rotation_both_keys_work_until_the_overlap_ends():
    sender = integration(generation=1, previous_generation_valid_until=NOW + ROTATION_OVERLAP)
    _, queue, _, cache = intake(sender)
    for generation in (0, 1):
        enqueue(cache, queue, {**TRIGGER, "routing_key": mint_routing_key(MASTER, sender.integration_id, generation)})
    assert len(queue.sent) == 2


def test_the_integration_is_read_once_per_staleness_period():
    sender = integration()
    items, queue, clock, cache = intake(sender)
    body = {**TRIGGER, "routing_key": mint_routing_key(MASTER, sender.integration_id, 0)}
    for _ in range(5):
        enqueue(cache, queue, body)
    clock.moment = NOW + timedelta(seconds=60)
    enqueue(cache, queue, body)
    assert items.reads == [sender.integration_id] * 2


def test_a_disabled_integration_is_refused_once_its_cached_read_is_stale():
    sender = integration()
    items, queue, clock, cache = intake(sender)
    body = {**TRIGGER, "routing_key": mint_routing_key(MASTER, sender.integration_id, 0)}
    enqueue(cache, queue, body)
    items.items[sender.integration_id] = sender.model_copy(update={"status": IntegrationStatus.DISABLED})
    clock.moment = NOW + timedelta(seconds=61)
    with pytest.raises(Unauthorized):
        enqueue(cache, queue, body, now=clock.moment)


def test_an_invalid_event_with_a_good_key_is_400_as_pagerduty_answers_and_queues_nothing():
    sender = integration()
    _, queue, _, cache = intake(sender)
    key = mint_routing_key(MASTER, sender.integration_id, 0)
    with pytest.raises(InvalidEvent) as invalid:
        loud = {"summary": "x", "source": "y", "severity": "loud"}
        enqueue(cache, queue, {"routing_key": key, "event_action": "trigger", "payload": loud})
    assert (invalid.value.answer.status, invalid.value.answer.message) == ("invalid event", "Event object is invalid")
    assert any(line.startswith("payload.severity:") for line in invalid.value.answer.errors)
    for body in ("{", "[1, 2]", ""):
        with pytest.raises(InvalidEvent):
            enqueue(cache, queue, body)
    assert queue.sent == []


def test_a_trigger_without_dedup_key_gets_the_derived_key_and_the_answer_names_it():
    sender = integration()
    _, queue, _, cache = intake(sender)
    answer = enqueue(cache, queue, {**TRIGGER, "routing_key": mint_routing_key(MASTER, sender.integration_id, 0)})
    assert answer.dedup_key.startswith("derived-") and queue.sent[0].dedup_key == answer.dedup_key


def webhook_headers(secret: str, body: str, msg_id: str = "msg_1", at: datetime = NOW) -> dict[str, str]:
    stamp = int(at.timestamp())
    return {"Webhook-Id": msg_id, "Webhook-Timestamp": str(stamp), "Webhook-Signature": sign_webhook(secret, msg_id, stamp, body.encode())}


def test_a_signed_webhook_is_queued_with_its_webhook_id_as_the_event_id():
    sender = integration()
    _, queue, _, cache = intake(sender)
    body = json.dumps(TRIGGER)
    headers = webhook_headers(webhook_secret(MASTER, sender.integration_id, 0), body)
    receive_webhook(sender.integration_id, headers, body, master=MASTER, integrations=cache, queue=queue, now=NOW)
    (sent,) = queue.sent
    assert (sent.channel, sent.event_id, sent.account_id) == (IntakeChannel.WEBHOOK, f"webhook:{sender.integration_id}:msg_1", "acme")


def test_a_webhook_badly_signed_stale_or_for_another_integration_is_refused():
    sender, other = integration(), integration()
    items, queue, _, cache = intake(sender, other)
    body = json.dumps(TRIGGER)
    secret = webhook_secret(MASTER, sender.integration_id, 0)
    attempts = [
        (sender.integration_id, webhook_headers(secret, body + " ")),  # the body changed after signing
        (sender.integration_id, webhook_headers(secret, body, at=NOW - timedelta(seconds=301))),
        (other.integration_id, webhook_headers(secret, body)),  # the other integration's secret differs
        (sender.integration_id, {}),
        ("NOT-AN-ID", webhook_headers(secret, body)),  # malformed id: not even read
    ]
    for integration_id, headers in attempts:
        with pytest.raises(Unauthorized):
            receive_webhook(integration_id, headers, body, master=MASTER, integrations=cache, queue=queue, now=NOW)
    assert queue.sent == [] and "NOT-AN-ID" not in items.reads
