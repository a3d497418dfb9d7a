"""The local stand-ins for what invokes Lambdas besides the API (moto delivers EventBridge rules to SQS but
runs no event source mapping and no schedule):

- SqsEventSource: a thread long-polls a queue, hands each batch to the REAL handler in-process as the
  SQS event Lambda would build, and deletes the messages the handler did not report as failed
  (ReportBatchItemFailures); those reappear after the queue's visibility timeout, and after its
  maxReceiveCount go to its dead-letter queue, as in AWS. A batch is one receive, so at most 10 messages
  (SQS's limit), where a mapping's larger batch size (the alerts processor's 100) gathers several.
- TableStreamSource: a thread reads the table's stream and hands new outbox items to the REAL publisher,
  as the stack's filtered event source mapping does.
- DailySchedule: a thread invokes a handler with an EventBridge scheduled event at start and then
  every 24 hours of the desk's clock (local/clock.py: moved forward a day, it runs at once), as the stack's
  daily rule does.
- CronSchedule: a thread invokes a handler with a scheduled event each time the desk's clock reaches the
  next instant of a cron schedule (`daily_at`: a wall-clock time in a zone), as EventBridge Scheduler does;
  a clock moved over several of them invokes it once. Its event is a scheduled event, or the target input a
  Scheduler schedule gives its Lambda (`event`: the updates domain's crons, `{"job": ...}`).
- AtSchedules: EventBridge Scheduler's one-time schedules (`at(...)` in their ScheduleExpressionTimezone) of a
  schedule group in moto, which fires nothing: when the desk's clock has passed one, the target function's handler
  runs in-process with the schedule's Input, then the schedule is deleted (ActionAfterCompletion DELETE), as the
  updates domain's validation-due schedules are."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from typing import Any, Protocol, Self
from zoneinfo import ZoneInfo

import boto3

from functions.shared.dal.outbox import OUTBOX_SORT_PREFIX
from infra.components.update_schedules import SCHEDULE_TIME_ZONE, WEEKDAYS, WeeklyCron
from local import lambda_runtime
from local.clock import DeskClock
from local.http_adapter import LambdaContext

REGION = "us-east-1"
LONG_POLL_SECONDS = 1  # short, so stopping (Ctrl-C) waits at most this long
SQS_RECEIVE_MAX = 10  # the most messages one ReceiveMessage returns
# Lambda polls a stream's shard about four times a second. Locally: at once again after records, then 0.05 s,
# doubling while the stream stays empty up to Lambda's 0.25 s (an idle stack polling 20 times a second cost a
# fifth of a core).
STREAM_POLL_SECONDS = 0.05
STREAM_IDLE_POLL_SECONDS = 0.25

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


class EventSource(Protocol):
    """What the sources here share: a thread that starts invoking its handler and, once told to stop, waits
    (up to a timeout) for the invocation in flight; the local stack stops each before moto goes away."""

    def start(self) -> Self: ...

    def stop(self) -> None: ...


class SqsEventSource:
    def __init__(
        self,
        queue_url: str,
        queue_arn: str,
        handler: Callable[[dict, Any], Mapping[str, Any] | None],  # a Lambda handler: (event, context) -> its answer
        *,
        function_name: str,
        batch_size: int,
        timeout_seconds: float,
    ):
        self.queue_url, self.queue_arn, self.handler = queue_url, queue_arn, handler
        self.function_name, self.timeout_seconds = function_name, timeout_seconds
        self.batch_size = min(batch_size, SQS_RECEIVE_MAX)
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


class ClockThread:
    """A daemon thread that sleeps on the desk's clock (so a moved clock wakes it), stopped by `stop`."""

    def __init__(self, name: str, *, clock: DeskClock, timeout_seconds: float):
        self.clock, self.timeout_seconds = clock, timeout_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.clock.wake_sleepers()
        self._thread.join(timeout=self.timeout_seconds)

    def _run(self) -> None:
        raise NotImplementedError


class ClockSchedule(ClockThread):
    """What the schedules share: a clock thread that invokes its handler with a scheduled event, logging a failed
    invocation as Lambda would and going on."""

    def __init__(
        self,
        handler: Callable[[dict, object], object],
        *,
        function_name: str,
        timeout_seconds: float,
        clock: DeskClock,
        event: Callable[[datetime], dict] | None = None,
    ):
        # The clock is the desk's, which the handler's container reads too.
        super().__init__(f"schedule:{function_name}", clock=clock, timeout_seconds=timeout_seconds)
        self.handler, self.function_name = handler, function_name
        self.event = event or scheduled_event  # what the handler is invoked with, at a fire instant

    def _invoke(self, time: datetime) -> None:
        try:
            self.handler(self.event(time), LambdaContext(self.function_name, timeout_seconds=self.timeout_seconds))
        except Exception:
            log.exception("local schedule %s: the handler failed", self.function_name)


class DailySchedule(ClockSchedule):
    PERIOD_SECONDS = 24 * 60 * 60

    def __init__(
        self, handler: Callable[[dict, object], object], *, function_name: str, timeout_seconds: float = 900, clock: DeskClock | None = None
    ):
        super().__init__(handler, function_name=function_name, timeout_seconds=timeout_seconds, clock=clock or DeskClock())

    def _run(self) -> None:
        while not self._stop.is_set():
            ran_at = self.clock.now()
            self._invoke(ran_at)
            self.clock.sleep_until(ran_at + timedelta(seconds=self.PERIOD_SECONDS), stopped=self._stop.is_set)


class CronSchedule(ClockSchedule):
    """An EventBridge Scheduler cron schedule on the desk's clock: it invokes the handler when the clock reaches
    each instant `next_fire` names (the first fire strictly after a given instant; `daily_at` for a daily cron),
    never at start. A clock moved over several fire instants invokes it once, with the latest of them as the
    event's time: the handler catches up on the days between from its stored data."""

    def __init__(
        self,
        handler: Callable[[dict, object], object],
        *,
        function_name: str,
        next_fire: Callable[[datetime], datetime],
        clock: DeskClock,
        timeout_seconds: float = 900,
        event: Callable[[datetime], dict] | None = None,
    ):
        super().__init__(handler, function_name=function_name, timeout_seconds=timeout_seconds, clock=clock, event=event)
        self.next_fire = next_fire

    def _run(self) -> None:
        due = self.next_fire(self.clock.now())
        while self.clock.sleep_until(due, stopped=self._stop.is_set):
            now = self.clock.now()
            while (following := self.next_fire(due)) <= now:  # the instants a moved clock skipped: one invocation
                due = following
            self._invoke(due)
            # From the instant fired, not from the time the handler ended: a move while it ran fires once more.
            due = self.next_fire(due)


def daily_at(local_time: dt_time, zone: str) -> Callable[[datetime], datetime]:
    """The fire instants of a daily cron at `local_time` in `zone` (`cron(0 6 * * ? *)` in America/New_York is
    `daily_at(time(6), "America/New_York")`): the first strictly after a given aware instant, in UTC. As EventBridge
    Scheduler does across daylight saving time, a wall time the spring change skips fires not at all that day
    and one the autumn change repeats fires once (its first occurrence)."""
    if local_time.tzinfo is not None:
        raise ValueError("daily_at takes a wall-clock time; the zone says where")
    tz = ZoneInfo(zone)

    def next_after(instant: datetime) -> datetime:
        if instant.tzinfo is None:
            raise ValueError("the next fire is computed after an aware instant")
        after = instant.astimezone(UTC)
        day = after.astimezone(tz).date()
        while True:
            wall = datetime.combine(day, local_time)
            candidate = wall.replace(tzinfo=tz).astimezone(UTC)
            exists = candidate.astimezone(tz).replace(tzinfo=None) == wall
            if exists and candidate > after:
                return candidate
            day += timedelta(days=1)

    return next_after


def scheduled_event(time: datetime | None = None) -> dict:
    """An EventBridge "Scheduled Event", as a schedule rule delivers it to Lambda (at `time`, by default now)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": (time or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [],
        "detail": {},
    }


class TableStreamSource:
    """The table stream's event source mapping, as the stack defines it for the outbox publisher: records
    in stream order, only new outbox items (the mapping's filter), up to `batch_size` per invocation; on a
    partial batch response, reading goes on from the first failed record, so nothing is skipped."""

    def __init__(self, stream_arn: str, handler: Callable[[dict, object], dict | None], *, batch_size: int = 100):
        self.stream_arn, self.handler, self.batch_size = stream_arn, handler, batch_size
        # botocore 1.44 resolves DynamoDB Streams to an account-based endpoint that moto does not route
        # in-process: name the endpoint (the local server's when there is one).
        endpoint = os.environ.get("AWS_ENDPOINT_URL") or f"https://streams.dynamodb.{REGION}.amazonaws.com"
        self._streams = boto3.client("dynamodbstreams", endpoint_url=endpoint)
        self._positions: dict[str, dict] = {}  # shard id -> where reading goes on (GetShardIterator's arguments)
        self._shard_ids: list[str] = []  # described once (moto's table stream has one shard that never closes)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="event-source:outbox", daemon=True)

    def start(self) -> TableStreamSource:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        wait = STREAM_POLL_SECONDS
        while not self._stop.is_set():
            try:
                if self.poll_once():
                    wait = STREAM_POLL_SECONDS
                    continue
                self._stop.wait(wait)
                wait = min(wait * 2, STREAM_IDLE_POLL_SECONDS)
            except Exception:
                if self._stop.is_set():
                    return
                log.exception("local table stream: polling failed")
                self._shard_ids = []
                self._stop.wait(1)

    def poll_once(self) -> int:
        """Hands every new outbox record to the handler, in batches; the number handed over and taken."""
        if not self._shard_ids:
            shards = self._streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
            self._shard_ids = [shard["ShardId"] for shard in shards]
        taken = 0
        for shard_id in self._shard_ids:
            # A new iterator each poll, not GetRecords' next one: moto's iterator holds the shard it was made on, and
            # a failed transaction's rollback puts a copy of the table, with a new shard, in its place.
            records = self._streams.get_records(ShardIterator=self._iterator_at(shard_id), Limit=1000)["Records"]
            for start in range(0, len(records), self.batch_size):
                batch = records[start : start + self.batch_size]
                wanted = [self._as_lambda_record(record) for record in batch if is_outbox_insert(record)]
                failed = self._invoke(wanted) if wanted else None
                if failed is not None:  # read again from the failed record, through a new iterator
                    self._positions[shard_id] = {"ShardIteratorType": "AT_SEQUENCE_NUMBER", "SequenceNumber": failed}
                    return taken
                taken += len(wanted)
                last = batch[-1]["dynamodb"]["SequenceNumber"]
                self._positions[shard_id] = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": last}
        return taken

    def _iterator_at(self, shard_id: str) -> str:
        where = self._positions.get(shard_id, {"ShardIteratorType": "TRIM_HORIZON"})
        return self._streams.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard_id, **where)["ShardIterator"]

    def _invoke(self, records: list[dict]) -> str | None:
        """The first sequence number to hand over again, or None."""
        try:
            result = self.handler({"Records": records}, LambdaContext("outbox-publisher", timeout_seconds=60)) or {}
        except Exception:  # as in AWS, a failed invocation is retried from the batch's first record
            log.exception("local table stream: the publisher failed")
            return records[0]["dynamodb"]["SequenceNumber"]
        failures = result.get("batchItemFailures") or []
        return failures[0]["itemIdentifier"] if failures else None

    def _as_lambda_record(self, record: dict) -> dict:
        return {**record, "eventSource": "aws:dynamodb", "eventSourceARN": self.stream_arn, "awsRegion": REGION}


def is_outbox_insert(record: dict) -> bool:
    """The publisher's filter criteria (infra/components/outbox.py): inserts of `EVENT#` items."""
    sort_key = record["dynamodb"].get("NewImage", {}).get("sk", {}).get("S", "")
    return record["eventName"] == "INSERT" and sort_key.startswith(OUTBOX_SORT_PREFIX)


def hourly_between(hours: range, zone: str) -> Callable[[datetime], datetime]:
    """The fire instants of a cron on the hour within `hours` in `zone` (`cron(0 6-23 * * ? *)` in America/New_York is
    `hourly_between(range(6, 24), "America/New_York")`): the first strictly after a given aware instant."""
    each_hour = [daily_at(dt_time(hour), zone) for hour in hours]
    return lambda instant: min(next_after(instant) for next_after in each_hour)


def weekly_at(weekday: int, local_time: dt_time, zone: str) -> Callable[[datetime], datetime]:
    """The fire instants of a weekly cron on `weekday` (Monday 0) at `local_time` in `zone` (`cron(0 8 ? * MON *)` in
    America/New_York is `weekly_at(0, time(8), "America/New_York")`)."""
    daily = daily_at(local_time, zone)
    tz = ZoneInfo(zone)

    def next_after(instant: datetime) -> datetime:
        candidate = daily(instant)
        while candidate.astimezone(tz).weekday() != weekday:
            candidate = daily(candidate)
        return candidate

    return next_after


def monthly_nth_weekday(nth: int, weekday: int, local_time: dt_time, zone: str) -> Callable[[datetime], datetime]:
    """The fire instants of a monthly cron on the `nth` `weekday` of the month (`cron(0 15 ? * TUE#2 *)`, Patch Tuesday,
    in America/New_York is `monthly_nth_weekday(2, 1, time(15), "America/New_York")`)."""
    weekly = weekly_at(weekday, local_time, zone)
    tz = ZoneInfo(zone)

    def next_after(instant: datetime) -> datetime:
        candidate = weekly(instant)
        while (candidate.astimezone(tz).day - 1) // 7 + 1 != nth:
            candidate = weekly(candidate)
        return candidate

    return next_after


def job_input(cron: WeeklyCron) -> Callable[[datetime], dict]:
    """What the cron's schedule hands its Lambda target at every fire: its input, not a scheduled event."""
    return lambda _time: dict(cron.job_input)


def cron_instants(cron: WeeklyCron) -> Callable[[datetime], datetime]:
    """The fire instants of one of the updates domain's crons (infra/components/update_schedules.py), in its zone."""
    at = dt_time(cron.hour, cron.minute)
    weekday = WEEKDAYS.index(cron.weekday)
    if cron.nth:
        return monthly_nth_weekday(cron.nth, weekday, at, SCHEDULE_TIME_ZONE)
    return weekly_at(weekday, at, SCHEDULE_TIME_ZONE)


AT_EXPRESSION = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
AT_POLL_SECONDS = 1.0  # new schedules are looked for this often (real time), and at once when the desk's clock moves


def at_instant(expression: str, zone: str | None) -> datetime | None:
    """The instant of a one-time schedule's `at(yyyy-mm-ddThh:mm:ss)`, a wall-clock time in `zone` (Scheduler's
    ScheduleExpressionTimezone; UTC when none), in UTC; None for a rate() or cron() expression. A wall time the spring
    change skips is read as its instant after the change, one the autumn change repeats as its first occurrence."""
    matched = AT_EXPRESSION.match(expression)
    if matched is None:
        return None
    wall = datetime.fromisoformat(matched.group(1))
    tz = ZoneInfo(zone or "UTC")
    instant = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) < wall:  # in the spring gap: the wall time did not exist
        instant = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    return instant


class AtSchedules(ClockThread):
    """EventBridge Scheduler's one-time schedules of `group` in moto, fired by the desk's clock: each `at()` schedule
    whose instant the clock has passed invokes its target's handler in-process (the function provision.py registered
    under the target ARN's name, local/lambda_runtime.py) with its Input, as Scheduler invokes a Lambda target, and is
    then deleted when its ActionAfterCompletion is DELETE (kept and disabled otherwise). A handler's failure is logged,
    as Lambda's asynchronous invocation would send it to the function's on-failure destination; the schedule is done
    either way. `fire_due` is one look; `start` looks every second and whenever the clock moves."""

    def __init__(self, group: str, *, clock: DeskClock, timeout_seconds: float = 300):
        super().__init__(f"at-schedules:{group}", clock=clock, timeout_seconds=timeout_seconds)
        self.group = group
        self._scheduler = boto3.client("scheduler")

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.fire_due()
            except Exception:
                if self._stop.is_set():
                    return
                log.exception("local schedules %s: polling failed", self.group)
            self.clock.sleep_until(self.clock.now() + timedelta(seconds=AT_POLL_SECONDS), stopped=self._stop.is_set)

    def fire_due(self, now: datetime | None = None) -> list[str]:
        """Fires every enabled one-time schedule of the group due at `now` (the desk's time by default), soonest
        first; the names of those fired."""
        now = now or self.clock.now()
        due: list[tuple[datetime, dict]] = []
        for listed in self._listed():
            if listed.get("State") != "ENABLED":
                continue
            schedule = self._scheduler.get_schedule(Name=listed["Name"], GroupName=self.group)
            instant = at_instant(schedule["ScheduleExpression"], schedule.get("ScheduleExpressionTimezone"))
            if instant is not None and instant <= now:
                due.append((instant, schedule))
        fired = []
        for _, schedule in sorted(due, key=lambda entry: (entry[0], entry[1]["Name"])):
            self._fire(schedule)
            fired.append(schedule["Name"])
        return fired

    def _listed(self) -> list[dict]:
        schedules, token = [], None
        while True:
            page = self._scheduler.list_schedules(GroupName=self.group, **({"NextToken": token} if token else {}))
            schedules += page["Schedules"]
            if not (token := page.get("NextToken")):
                return schedules

    def _fire(self, schedule: dict) -> None:
        target = schedule["Target"]
        function_name = target["Arn"].split(":")[6]
        try:
            handler = lambda_runtime.handler_for(function_name)
            handler(json.loads(target.get("Input") or "{}"), LambdaContext(function_name, timeout_seconds=self.timeout_seconds))
        except Exception:
            log.exception("local schedule %s/%s: the target %s failed", self.group, schedule["Name"], function_name)
        if schedule.get("ActionAfterCompletion") == "DELETE":
            self._scheduler.delete_schedule(Name=schedule["Name"], GroupName=self.group)
        else:  # a one-time schedule that stays: it has fired and fires no more
            kept = ("ScheduleExpression", "ScheduleExpressionTimezone", "FlexibleTimeWindow", "Target")
            settings = {key: schedule[key] for key in kept if key in schedule}
            self._scheduler.update_schedule(Name=schedule["Name"], GroupName=self.group, State="DISABLED", **settings)
