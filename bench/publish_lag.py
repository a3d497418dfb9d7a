"""Publish lag on the local stack (`make run` in a subprocess): from a change's commit (its HTTP answer) to
its event on the bus (the local queue that receives every event of the bus), through the table's stream
and the real outbox publisher. The baseline, measured in the same run, is the change's own request time."""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
import requests

from tests.local.stack_process import LocalStack

CHANGES = 20
POLL_SECONDS = 0.005
# Lambda polls a stream shard about 4 times a second and the mapping waits up to its 1 s batching window,
# so in AWS the lag is about a second; locally the poller looks every 50 ms.
BUDGET_MS = 1000


@dataclass(frozen=True)
class PublishLag:
    lag_ms: list[float]
    request_ms: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.lag_ms)

    @property
    def p95_ms(self) -> float:
        return sorted(self.lag_ms)[int(0.95 * (len(self.lag_ms) - 1))]

    @property
    def request_median_ms(self) -> float:
        return statistics.median(self.request_ms)


def measure(changes: int = CHANGES) -> PublishLag:
    with tempfile.TemporaryDirectory() as workdir:
        stack = LocalStack(Path(workdir)).start()
        try:
            return _measure(stack, changes)
        finally:
            stack.stop()


def _measure(stack: LocalStack, changes: int) -> PublishLag:
    session = stack.session
    headers = {"Authorization": session["tokens"]["customer"]}
    sqs = boto3.client("sqs", endpoint_url=session["aws"], region_name="us-east-1", aws_access_key_id="local",
                       aws_secret_access_key="local")  # fmt: skip
    queue = sqs.get_queue_url(QueueName="dss-local-all-events")["QueueUrl"]
    body = {"caseType": "Admin", "subject": "Publish lag", "description": "Measured by the bench."}
    case = requests.post(f"{stack.api}/cases", json=body, headers=headers, timeout=30).json()["caseNumber"]
    lags, requests_ms = [], []
    for number in range(changes):
        started = time.perf_counter()
        answer = requests.post(f"{stack.api}/cases/{case}/updates", json={"text": f"Update {number}."}, headers=headers, timeout=30)
        committed = time.perf_counter()
        wanted = f'"{case}#{answer.json()["updateId"]}#CaseUpdated"'
        while not _received(sqs, queue, wanted):
            time.sleep(POLL_SECONDS)
        lags.append((time.perf_counter() - committed) * 1e3)
        requests_ms.append((committed - started) * 1e3)
    return PublishLag(lags, requests_ms)


def _received(sqs, queue: str, event_key: str) -> bool:
    found = False
    for message in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
        found |= event_key in message["Body"]
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    return found
