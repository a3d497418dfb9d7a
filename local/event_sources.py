"""The local stand-ins for what invokes Lambdas besides the API (moto delivers EventBridge rules to SQS but
runs no event source mapping and no schedule):

- SqsEventSource: a thread long-polls a queue, hands each batch to the REAL handler in-process as the
  SQS event Lambda would build, and deletes the messages the handler did not report as failed
  (ReportBatchItemFailures); those reappear after the queue's visibility timeout, and after its
  maxReceiveCount go to its dead-letter queue, as in AWS.
- DailySchedule: a thread invokes a handler with an EventBridge scheduled event at start and then
  every 24 hours, as the stack's daily rule does."""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import boto3

from local.http_adapter import LambdaContext

REGION = "us-east-1"
LONG_POLL_SECONDS = 1  # short, so stopping (Ctrl-C) waits at most this long

log = logging.getLogger("local.events")


def sqs_record(body: str, queue_arn: str, *, message_id: str | None = None, receipt_handle: str | None = None) -> dict:
    """One record of an SQS event as Lambda delivers it."""
    return {
        "messageId": message_id or str(uuid.uuid4()),
        "receiptHandle": receipt_handle or str(uuid.uuid4()),
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": hashlib.md5(body.encode()).hexdigest(),  # noqa: S324 (SQS's own checksum, not security)
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }


class SqsEventSource:
    def __init__(
        self,
        queue_url: str,
        queue_arn: str,
        handler: Callable[[dict, object], dict | None],
        *,
        function_name: str,
        batch_size: int,
        timeout_seconds: float,
    ):
        self.queue_url, self.queue_arn, self.handler = queue_url, queue_arn, handler
        self.function_name, self.batch_size, self.timeout_seconds = function_name, batch_size, timeout_seconds
        self._sqs = boto3.client("sqs")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"event-source:{function_name}", daemon=True)

    def start(self) -> SqsEventSource:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=LONG_POLL_SECONDS + self.timeout_seconds)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once()
            except Exception:
                if self._stop.is_set():  # moto is shutting down under us
                    return
                log.exception("local event source %s: polling failed", self.function_name)
                self._stop.wait(1)

    def poll_once(self) -> int:
        """One receive and one invocation; the number of messages received."""
        messages = self._sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=self.batch_size, WaitTimeSeconds=LONG_POLL_SECONDS
        ).get("Messages", [])
        if not messages:
            return 0
        event = {
            "Records": [
                sqs_record(message["Body"], self.queue_arn, message_id=message["MessageId"], receipt_handle=message["ReceiptHandle"])
                for message in messages
            ]
        }
        try:
            result = self.handler(event, LambdaContext(self.function_name, timeout_seconds=self.timeout_seconds)) or {}
        except Exception:  # as in AWS, a failed invocation leaves the whole batch to be delivered again
            log.exception("local event source %s: the handler failed", self.function_name)
            return len(messages)
        failed = {failure["itemIdentifier"] for failure in result.get("batchItemFailures", [])}
        for message in messages:
            if message["MessageId"] not in failed:
                self._sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)


class DailySchedule:
    PERIOD_SECONDS = 24 * 60 * 60

    def __init__(self, handler: Callable[[dict, object], object], *, function_name: str, timeout_seconds: float = 900):
        self.handler, self.function_name, self.timeout_seconds = handler, function_name, timeout_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"schedule:{function_name}", daemon=True)

    def start(self) -> DailySchedule:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.timeout_seconds)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.handler(scheduled_event(), LambdaContext(self.function_name, timeout_seconds=self.timeout_seconds))
            except Exception:
                log.exception("local schedule %s: the handler failed", self.function_name)
            self._stop.wait(self.PERIOD_SECONDS)


def scheduled_event() -> dict:
    """An EventBridge "Scheduled Event", as a schedule rule delivers it to Lambda."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [],
        "detail": {},
    }
