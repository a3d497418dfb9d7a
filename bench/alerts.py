"""Monitoring alerts (`make bench`): the alert-to-case latency on the local stack, and the AWS calls of the intake
and of the processor's batches.

- Latency: the local stack (`make run`) in a subprocess, its desk clock in business hours. Each incident is a burst
  of signed webhooks on a device of its own (local/simulate_alerts.py, as `python -m local.simulate_alerts` sends
  it), timed from the first send to its 1-Prod Down case listed in the staff's case view; the account window is set
  to 0 so that each device opens an incident of its own. The baseline, measured in the same run and interleaved, is
  a plain `POST /cases` answered (the request that opens a case by hand).
- Calls: moto in-process with the product provisioned (tests/support/stack.py); the real intake handler on API
  Gateway events and the real processor on SQS batches of 100 events, counted by bench.aws_calls, each warm (its
  container's clients made, the integration read). tests/integration/test_alert_intake.py and
  test_alert_processor.py assert the same counts."""

from __future__ import annotations

import json
import math
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.aws_calls import count_aws_calls
from bench.call_budgets import Row
from bench.timers import quiet
from functions.shared.clock import FixedClock, to_iso
from local.simulate_alerts import Burst, Desk, business_moment, simulate
from tests.local.stack_process import LocalStack

INCIDENTS = 10
BURST_EVENTS, BURST_KEYS = 20, 2  # a small storm per incident: two alerts of one device
LATENCY_BUDGET_SECONDS = 5.0  # the monitoring alerts spec, Targets: alert -> case visible in the views, p95 on the local stack
ADMIN_CASE = {"caseType": "Admin", "subject": "Bench baseline", "description": "A plain POST /cases, timed."}

BATCH_SIZE = 100  # the alerts queue's event source mapping (infra/alert_queue.py)
KEYS_PER_TRANSACTION = 40  # the processor writes an account's outcome in transactions of at most 40 alert keys
BATCH_GET, TRANSACTION = ("DynamoDB", "BatchGetItem"), ("DynamoDB", "TransactWriteItems")
SEND = ("SQS", "SendMessage")
TUESDAY_10_ET = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)  # business hours: a new incident asks for its case


@dataclass(frozen=True)
class AlertLatency:
    alert_to_case_ms: list[float]
    create_case_ms: list[float]  # the baseline

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.alert_to_case_ms) if self.alert_to_case_ms else math.inf

    @property
    def p95_ms(self) -> float:
        return percentile(self.alert_to_case_ms, 0.95)

    @property
    def baseline_p50_ms(self) -> float:
        return statistics.median(self.create_case_ms)

    @property
    def baseline_p95_ms(self) -> float:
        return percentile(self.create_case_ms, 0.95)

    @property
    def met(self) -> bool:
        return len(self.alert_to_case_ms) == INCIDENTS and self.p95_ms <= LATENCY_BUDGET_SECONDS * 1000


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (p95 of 10 values is the 10th); infinite for none."""
    ordered = sorted(values)
    if not ordered:
        return math.inf
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure_latency(incidents: int = INCIDENTS) -> AlertLatency:
    with tempfile.TemporaryDirectory() as workdir:
        stack = LocalStack(Path(workdir)).start()
        try:
            return _measure_latency(Desk(stack.session_file), incidents)
        finally:
            stack.stop(timeout=120)


def _measure_latency(desk: Desk, incidents: int) -> AlertLatency:
    now = desk.clock()
    if (moment := business_moment(now, room=timedelta(hours=2))) != now:
        desk.move_clock(moment)
    # Each device its own incident: a new device would otherwise join the account's incident of the last 30 minutes.
    settings = desk.request("PUT", "/alerts/settings/acme", role="engineer", json={"accountWindowMinutes": 0})
    assert settings.status_code == 200, settings.text
    alert_to_case, create_case = [], []
    for number in range(incidents):
        started = time.perf_counter()
        created = desk.request("POST", "/cases", role="customer", json=ADMIN_CASE)
        create_case.append((time.perf_counter() - started) * 1e3)
        assert created.status_code == 201, created.text
        burst = Burst(account="acme", events=BURST_EVENTS, keys=BURST_KEYS, duplicates=0.05, reorder=0.0, run_id=f"bench{number:02d}")
        report = simulate(desk, burst, threads=4, wait=30, quiet=0.5)
        assert report.sent.accepted == report.sent.requests, report.sent.answers
        if report.latency_seconds is not None:
            alert_to_case.append(report.latency_seconds * 1e3)
    return AlertLatency(alert_to_case, create_case)


# --- AWS calls ----------------------------------------------------------------------------------------------------


def received(account: str, key: str, device: str, event_id: str, at: datetime) -> dict:
    """A queued event (what the intake sends the processor): a critical trigger of `key` on `device`."""
    from functions.alerts.models.received import ReceivedEvent

    payload = {"summary": f"{key} failing", "source": device, "severity": "critical", "timestamp": to_iso(at)}
    queued = {
        "eventId": event_id,
        "integrationId": "abcdefghij",
        "accountId": account,
        "channel": "webhook",
        "receivedAt": to_iso(at),
        "dedupKey": key,
        "event": {"routing_key": "", "event_action": "trigger", "dedup_key": key, "payload": payload},
    }
    return ReceivedEvent.model_validate(queued).model_dump(mode="json", by_alias=True)


def batch(name: str, accounts: list[str], keys: int) -> list[dict]:
    """100 events of the accounts, interleaved, each account's spread over `keys` new keys of 3 new devices (so the
    batch opens an incident per account; the rest are repeats)."""
    events = []
    for number in range(BATCH_SIZE):
        account, index = accounts[number % len(accounts)], (number // len(accounts)) % keys
        key, device = f"{name}/k{index}", f"{name}-d{index % 3}"
        events.append(received(account, key, device, f"{name}-{number}", TUESDAY_10_ET))
    return events


def processor_budget(keys_by_account: dict[str, int]) -> tuple[int, int]:
    """(BatchGetItem, TransactWriteItems) allowed: 3 reads and 1 transaction per account and 40 keys."""
    units = sum(math.ceil(keys / KEYS_PER_TRANSACTION) for keys in keys_by_account.values())
    return 3 * units, units


def measure_calls() -> list[Row]:
    from functions.alerts.handlers.handle_alert_queue import lambda_handler as processor
    from functions.alerts.handlers.intake import lambda_handler as intake
    from functions.alerts.logic.credentials import sign_webhook
    from functions.alerts.logic.dependencies import dependencies
    from local.api_gateway import proxy_event
    from local.event_sources import sqs_record
    from local.http_adapter import LambdaContext
    from tests.support.stack import start_local_aws

    mock, stack = start_local_aws()
    rows = []
    try:
        with quiet():
            created = stack.call("POST", "/alerts/integrations", api="alerts", user="engineer", body={"accountId": "acme", "name": "Bench"})
        assert created.status == 201, created
        integration = created.body
        credentials = integration["credentials"]
        trigger = {
            "event_action": "trigger",
            "dedup_key": "ic-01/cpu",
            "payload": {"summary": "CPU", "source": "ic-01", "severity": "critical"},
        }

        def enqueue() -> int:
            body = json.dumps({**trigger, "routing_key": credentials["routingKey"]})
            return intake(proxy_event("POST", "/alerts/v1/enqueue", body=body), LambdaContext())["statusCode"]

        def webhook(number: int) -> int:
            body = json.dumps(trigger)
            stamp, message_id = int(dependencies().clock.now().timestamp()), f"bench-{number}"
            headers = {
                "webhook-id": message_id,
                "webhook-timestamp": str(stamp),
                "webhook-signature": sign_webhook(credentials["webhookSecret"], message_id, stamp, body.encode()),
            }
            return intake(proxy_event("POST", credentials["webhookUrlPath"], body=body, headers=headers), LambdaContext())["statusCode"]

        intake_budget = "1 SendMessage, 0 DynamoDB"
        with quiet():
            assert enqueue() == 202  # warm: the master key and the integration read
        for operation, send in (
            ("intake: an accepted event (events API, warm)", enqueue),
            ("intake: a signed webhook (warm)", lambda: webhook(1)),
        ):
            with count_aws_calls() as calls, quiet():
                assert send() == 202
            rows.append(Row(operation, calls, intake_budget, calls == Counter({SEND: 1})))

        def process(events: list[dict]) -> None:
            records = [sqs_record(json.dumps(event), stack.resources.alerts_queue_arn) for event in events]
            answer = processor({"Records": records}, LambdaContext("alerts-processor", timeout_seconds=10))
            assert answer == {"batchItemFailures": []}, answer

        dependencies().clock = FixedClock(TUESDAY_10_ET)
        with quiet():
            process(batch("warm", ["acme", "globex"], 1)[:2])  # the container's clients and the holidays
        for operation, name, accounts in (
            ("processor: a batch of 100 events, 1 account, 25 keys", "one", ["acme"]),
            ("processor: a batch of 100 events, 2 accounts, 25 keys each", "two", ["acme", "globex"]),
        ):
            events = batch(name, accounts, 25)
            reads, transactions = processor_budget(dict.fromkeys(accounts, 25))
            with count_aws_calls() as calls, quiet():
                process(events)
            met = set(calls) <= {BATCH_GET, TRANSACTION} and calls[BATCH_GET] <= reads and calls[TRANSACTION] <= transactions
            rows.append(Row(operation, calls, f"<= {reads} BatchGetItem + {transactions} TransactWriteItems", met))
    finally:
        mock.stop()
    return rows
