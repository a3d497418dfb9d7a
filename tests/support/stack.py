"""The product's resources in moto, calls to the real cases API handler as API Gateway would make them,
deliveries to the real notifications, followups, cases and alerts consumers and to the alerts processor as
their SQS event sources would make them, and the state machines those start, executed by moto with their
tasks running the real step handlers."""

from __future__ import annotations

import importlib
import json
import os
import time
from dataclasses import dataclass
from datetime import datetime

import boto3
from moto import mock_aws
from moto.core.config import default_user_config

from functions.cases.logic.dependencies import dependencies as cases_dependencies
from functions.notifications.models.delivery import FUNCTION_TIMEOUT_SECONDS
from functions.shared.clock import FixedClock, SystemClock
from functions.shared.environment import reset_environment
from infra import alert_queue
from local.api_gateway import proxy_event
from local.demo_directory import DEMO_USERS, seed_demo_directory
from local.event_sources import TableStreamSource, sqs_record
from local.http_adapter import LambdaContext
from local.outbox import sent_mail
from local.provision import LocalResources, provision
from local.run import MOTO_CONFIG


@dataclass
class ApiResult:
    status: int
    body: dict | str  # parsed JSON, or the text of any other content type
    headers: dict

    def __repr__(self) -> str:
        return f"ApiResult({self.status}, {self.body})"


class LocalAws:
    """moto with the product provisioned; `call` runs the real Lambda handler on an API Gateway event."""

    def __init__(self, resources: LocalResources):
        self.resources = resources
        self._outbox = None

    def set_api_time(self, moment: datetime | None) -> None:
        """Makes the cases API act at `moment` (None: the real time again); the other functions keep theirs."""
        cases_dependencies().clock = SystemClock() if moment is None else FixedClock(moment)

    def publish_outbox(self) -> int:
        """Runs the real outbox publisher on what the table's stream holds since the last call, as its
        event source mapping would (AWS runs it within a second of each commit); the events it took."""
        from functions.outbox.handlers.handle_table_stream import lambda_handler

        self._outbox = self._outbox or TableStreamSource(self.resources.table_stream_arn, lambda_handler)
        return self._outbox.poll_once()

    def call(
        self,
        method: str,
        path: str,
        *,
        user: str | None = "customer",
        body=None,
        headers=None,
        query=None,
        api: str = "cases",
        claims: dict | None = None,
    ) -> ApiResult:
        """`api`: the API Lambda to invoke, by domain (cases, directory) or by module (the monitoring intake's);
        `claims`: someone other than a demo user."""
        lambda_handler = importlib.import_module(api if "." in api else f"functions.{api}.handlers.api").lambda_handler

        if body is not None and not isinstance(body, (str, bytes)):
            body = json.dumps(body)
        claims = claims or (DEMO_USERS[user].claims() if user else None)
        event = proxy_event(method, path, claims=claims, headers=headers, query=query, body=body)
        response = lambda_handler(event, LambdaContext())
        headers = {key.lower(): value for key, value in (response.get("headers") or {}).items()}
        for key, values in (response.get("multiValueHeaders") or {}).items():
            headers[key.lower()] = values[-1]
        is_json = "json" in headers.get("content-type", "application/json")
        payload = json.loads(response["body"]) if is_json and response.get("body") else response.get("body") or {}
        return ApiResult(response["statusCode"], payload, headers)

    def published_events(self) -> list[dict]:
        self.publish_outbox()
        sqs = boto3.client("sqs")
        events = []
        while True:
            messages = sqs.receive_message(QueueUrl=self.resources.events_queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return events
            for message in messages:
                events.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self.resources.events_queue_url, ReceiptHandle=message["ReceiptHandle"])

    def deliver(self, bodies: list[str], *, timeout_seconds: float = FUNCTION_TIMEOUT_SECONDS) -> dict:
        """Runs the real notifications handler on one SQS batch of these message bodies (EventBridge
        events as JSON), as its event source mapping would; returns its batch response."""
        from functions.notifications.handlers.handle_case_events import lambda_handler

        records = [sqs_record(body, self.resources.notifications_queue_arn) for body in bodies]
        return lambda_handler({"Records": records}, LambdaContext("notifications", timeout_seconds=timeout_seconds))

    def timer_events(self) -> list[str]:
        """Takes every message off the followups queue (the followups rule's target): the bodies."""
        self.publish_outbox()
        sqs, bodies = boto3.client("sqs"), []
        while messages := sqs.receive_message(QueueUrl=self.resources.followups_queue_url, MaxNumberOfMessages=10).get("Messages"):
            for message in messages:
                bodies.append(message["Body"])
                sqs.delete_message(QueueUrl=self.resources.followups_queue_url, ReceiptHandle=message["ReceiptHandle"])
        return bodies

    def run_timer_events(self, bodies: list[str] | None = None) -> dict:
        """Runs the real followups handler on these timer events (by default, all the queue holds), as
        its event source mapping would: executions start and stop. Returns its batch response."""
        from functions.followups.handlers.handle_timer_events import lambda_handler

        records = [sqs_record(body, self.resources.followups_queue_arn) for body in (self.timer_events() if bodies is None else bodies)]
        return lambda_handler({"Records": records}, LambdaContext("followups", timeout_seconds=30))

    def run_case_events(self) -> dict:
        """Runs the real cases queue consumer on everything the cases domain's queue holds (the purge job's
        CaseFilesPurged, the alerts domain's incidents), as its event source mapping would. Returns its batch response."""
        from functions.cases.handlers.handle_bus_events import lambda_handler

        self.publish_outbox()
        sqs, records = boto3.client("sqs"), []
        while messages := sqs.receive_message(QueueUrl=self.resources.cases_queue_url, MaxNumberOfMessages=10).get("Messages"):
            for message in messages:
                records.append(sqs_record(message["Body"], self.resources.cases_queue_arn))
                sqs.delete_message(QueueUrl=self.resources.cases_queue_url, ReceiptHandle=message["ReceiptHandle"])
        return lambda_handler({"Records": records}, LambdaContext("cases-events", timeout_seconds=30))

    def run_alert_queue(self) -> dict:
        """Runs the real alerts processor on everything the alerts queue holds (the monitoring intake's events),
        in batches of the event source mapping's size, as it would; deletes what it took and returns its batch
        responses merged (what it failed stays in the queue, to be delivered again after the visibility timeout)."""
        from functions.alerts.handlers.handle_alert_queue import lambda_handler

        sqs, messages = boto3.client("sqs"), []
        while received := sqs.receive_message(QueueUrl=self.resources.alerts_queue_url, MaxNumberOfMessages=10).get("Messages"):
            messages += received
        failures: list[dict] = []
        for start in range(0, len(messages), alert_queue.BATCH_SIZE):
            batch = messages[start : start + alert_queue.BATCH_SIZE]
            records = [sqs_record(message["Body"], self.resources.alerts_queue_arn, message_id=message["MessageId"]) for message in batch]
            context = LambdaContext("alerts-processor", timeout_seconds=alert_queue.PROCESSOR_TIMEOUT_SECONDS)
            failed = lambda_handler({"Records": records}, context)["batchItemFailures"]
            failures += failed
            for message in batch:
                if message["MessageId"] not in {failure["itemIdentifier"] for failure in failed}:
                    sqs.delete_message(QueueUrl=self.resources.alerts_queue_url, ReceiptHandle=message["ReceiptHandle"])
        return {"batchItemFailures": failures}

    def run_alert_case_events(self) -> dict:
        """Runs the real alerts case-events consumer on everything its queue holds (the cases domain's events of
        monitoring cases: opened, closed, reopened), as its event source mapping would. Returns its batch response."""
        from functions.alerts.handlers.handle_case_events import lambda_handler

        self.publish_outbox()
        queue_url, sqs, records = self.resources.alerts_case_events_queue_url, boto3.client("sqs"), []
        while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages"):
            for message in messages:
                records.append(sqs_record(message["Body"], self.resources.alerts_case_events_queue_arn))
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        return lambda_handler({"Records": records}, LambdaContext("alerts-case-events", timeout_seconds=30))

    def run_report_events(self) -> dict:
        """Runs the real reports consumer on everything its queue holds (case openings, closures and reopenings for the
        tallies; the recipients a subscription invited), as its event source mapping would. Returns its batch response."""
        from functions.reports.handlers.handle_bus_events import lambda_handler

        self.publish_outbox()
        queue_url, sqs, records = self.resources.reports_queue_url, boto3.client("sqs"), []
        while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages"):
            for message in messages:
                records.append(sqs_record(message["Body"], self.resources.reports_queue_arn))
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        if not records:  # an event source mapping invokes nothing for an empty queue
            return {"batchItemFailures": []}
        return lambda_handler({"Records": records}, LambdaContext("reports-events", timeout_seconds=30))

    def run_report_dispatcher(self) -> dict:
        """Runs the real report dispatcher as its schedule would; its summary."""
        from functions.reports.handlers.handle_report_schedule import lambda_handler
        from local.event_sources import scheduled_event

        return lambda_handler(scheduled_event(), LambdaContext("report-dispatcher", timeout_seconds=900))

    def updates_settings(self) -> dict[str, str]:
        """The updates API's schedule settings as local/provision.py set them (its group exists in moto's Scheduler)."""
        names = ("VALIDATION_SCHEDULE_GROUP", "VALIDATION_SCHEDULE_TARGET_ARN", "VALIDATION_SCHEDULE_ROLE_ARN")
        return {name: os.environ[name] for name in names}

    def run_update_job(self, job: dict) -> dict:
        """Runs the real updates job as its schedule would, with the schedule's input; its summary."""
        from functions.updates.handlers.handle_update_schedule import lambda_handler

        return lambda_handler(job, LambdaContext("update-schedule", timeout_seconds=300))

    def fire_due_schedules(self, now: datetime | None = None) -> list[str]:
        """Fires the updates domain's one-time schedules (validation-due-<kb>) due at `now` (by default the real time) as
        EventBridge Scheduler would: the update job runs with each one's input, then the schedule is deleted. Their names."""
        from local.clock import DeskClock
        from local.event_sources import AtSchedules

        return AtSchedules(self._updates_schedule_group(), clock=DeskClock()).fire_due(now)

    def schedules(self) -> list[dict]:
        """The updates domain's schedules in moto's Scheduler (what its API created), each as GetSchedule answers."""
        scheduler, group = boto3.client("scheduler"), self._updates_schedule_group()
        listed = scheduler.list_schedules(GroupName=group)["Schedules"]
        return [scheduler.get_schedule(Name=entry["Name"], GroupName=group) for entry in listed]

    def _updates_schedule_group(self) -> str:
        """The group the updates API creates its schedules in (local/provision.py)."""
        return os.environ.get("VALIDATION_SCHEDULE_GROUP") or self.resources.updates_schedule_group

    def incident_executions(self, group_id: str) -> list[dict]:
        """The incident's executions of the incident timer's state machine, oldest first (named <group>-<step>-<token>)."""
        listed = boto3.client("stepfunctions").list_executions(stateMachineArn=self.resources.incident_timer_state_machine_arn)
        found = [execution for execution in listed["executions"] if execution["name"].startswith(f"{group_id}-")]
        return sorted(found, key=lambda execution: execution["startDate"])

    def executions(self, case_number: str) -> list[dict]:
        """The case's executions of both state machines, oldest first (their names start with the case number)."""
        states = boto3.client("stepfunctions")
        found = []
        for machine in (self.resources.follow_up_state_machine_arn, self.resources.response_escalation_state_machine_arn):
            listed = states.list_executions(stateMachineArn=machine)["executions"]
            found += [execution for execution in listed if execution["name"].startswith(f"{case_number}-")]
        return sorted(found, key=lambda execution: execution["startDate"])

    def finished_execution(self, execution_arn: str, *, timeout_seconds: float = 30) -> dict:
        """Waits for the execution to end; its description with its history's event types ("history") and
        its state transitions as Step Functions bills them, one per state entered ("statesEntered")."""
        states = boto3.client("stepfunctions")
        deadline = time.monotonic() + timeout_seconds
        while (described := states.describe_execution(executionArn=execution_arn))["status"] == "RUNNING":
            if time.monotonic() > deadline:
                raise TimeoutError(f"{execution_arn} still running after {timeout_seconds} s")
            time.sleep(0.05)
        events = states.get_execution_history(executionArn=execution_arn)["events"]
        history = [event["type"] for event in events]
        return {**described, "history": history, "statesEntered": sum(kind.endswith("StateEntered") for kind in history)}

    def sent_mail(self, to: str | None = None) -> list[dict]:
        return sent_mail(to)

    def item_count(self) -> int:
        return boto3.client("dynamodb").scan(TableName=self.resources.table_name, Select="COUNT")["Count"]


# moto's default is a new boto3 session per mock, which reloads every service model for each test's clients (about
# 0.4 s a test); one session for the process keeps them, and every mock still starts from empty backends.
TEST_MOTO_CONFIG = MOTO_CONFIG | {"core": default_user_config["core"] | {"reset_boto3_session": False}}


def start_local_aws():
    mock = mock_aws(config=TEST_MOTO_CONFIG)
    mock.start()
    reset_environment()
    resources = provision()
    seed_demo_directory()
    os.environ.update(resources.environment())
    return mock, LocalAws(resources)
