"""The product provisioned in a moto *server* on a loopback port, for tests that need real HTTP against
S3 (presigned URLs; moto's in-process mock cannot serve them). Calls run the real files and cases
handlers on API Gateway events in this process; their AWS clients reach the server through
AWS_ENDPOINT_URL, as the local stack's do."""

from __future__ import annotations

import json
import logging
import os
from contextlib import contextmanager

import boto3
import requests
from moto.server import ThreadedMotoServer

from functions.shared.environment import reset_environment
from local.api_gateway import proxy_event
from local.demo_directory import DEMO_USERS, seed_demo_directory
from local.event_sources import TableStreamSource
from local.http_adapter import LambdaContext
from local.provision import LocalResources, provision
from local.run import MOTO_CONFIG
from tests.support.moto_server import free_port
from tests.support.stack import ApiResult


class ServerAws:
    """moto in server mode with the product provisioned; `call` runs the files API handler, `cases` the
    cases API handler, each on an API Gateway event."""

    def __init__(self, url: str, resources: LocalResources):
        self.url = url
        self.resources = resources

    def call(self, method: str, path: str, *, user: str | None = "customer", body=None, headers=None, query=None) -> ApiResult:
        from functions.files.handlers.api import lambda_handler

        return self._invoke(lambda_handler, "files-api", method, path, user, body, headers, query)

    def cases(self, method: str, path: str, *, user: str | None = "customer", body=None, headers=None, query=None) -> ApiResult:
        from functions.cases.handlers.api import lambda_handler

        return self._invoke(lambda_handler, "cases-api", method, path, user, body, headers, query)

    def directory(self, method: str, path: str, *, user: str | None = "engineer", body=None, headers=None, query=None) -> ApiResult:
        from functions.directory.handlers.api import lambda_handler

        return self._invoke(lambda_handler, "directory-api", method, path, user, body, headers, query)

    def reports(self, method: str, path: str, *, user: str | None = "customer_mac", body=None, headers=None, query=None) -> ApiResult:
        from functions.reports.handlers.api import lambda_handler

        return self._invoke(lambda_handler, "reports-api", method, path, user, body, headers, query)

    def updates(self, method: str, path: str, *, user: str | None = "testing", body=None, headers=None, query=None) -> ApiResult:
        from functions.updates.handlers.api import lambda_handler

        return self._invoke(lambda_handler, "updates-api", method, path, user, body, headers, query)

    def run_update_job(self, job: str, **job_input: str) -> dict:
        """Runs the real update job with a schedule's input, as its schedule would; its summary."""
        from functions.updates.handlers.handle_update_schedule import lambda_handler

        return lambda_handler({"job": job, **job_input}, LambdaContext("update-job", timeout_seconds=300))

    def fire_due_schedules(self, now=None) -> list[str]:
        """Fires the updates domain's one-time schedules due at `now` (by default the real time), as the local stack does."""
        from local.clock import DeskClock
        from local.event_sources import AtSchedules

        return AtSchedules(self.resources.updates_schedule_group, clock=DeskClock()).fire_due(now)

    @staticmethod
    def _invoke(handler, function_name, method, path, user, body, headers, query) -> ApiResult:
        if body is not None and not isinstance(body, (str, bytes)):
            body = json.dumps(body)
        claims = DEMO_USERS[user].claims() if user else None
        event = proxy_event(method, path, claims=claims, headers=headers, query=query, body=body)
        response = handler(event, LambdaContext(function_name))
        response_headers = {key.lower(): value for key, value in (response.get("headers") or {}).items()}
        for key, values in (response.get("multiValueHeaders") or {}).items():
            response_headers[key.lower()] = values[-1]
        is_json = "json" in response_headers.get("content-type", "application/json")
        payload = json.loads(response["body"]) if is_json and response.get("body") else response.get("body") or {}
        return ApiResult(response["statusCode"], payload, response_headers)

    def published_events(self) -> list[dict]:
        """Publishes what the outbox holds (the real publisher on the table's stream), then takes every
        event off the queue that receives all of the bus's events."""
        from functions.outbox.handlers.handle_table_stream import lambda_handler

        self._outbox = getattr(self, "_outbox", None) or TableStreamSource(self.resources.table_stream_arn, lambda_handler)
        self._outbox.poll_once()
        sqs, events = boto3.client("sqs"), []
        while messages := sqs.receive_message(QueueUrl=self.resources.events_queue_url, MaxNumberOfMessages=10).get("Messages"):
            for message in messages:
                events.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self.resources.events_queue_url, ReceiptHandle=message["ReceiptHandle"])
        return events

    def item_count(self) -> int:
        return boto3.client("dynamodb").scan(TableName=self.resources.table_name, Select="COUNT")["Count"]

    def object_keys(self, prefix: str = "") -> list[str]:
        listed = boto3.client("s3").list_objects_v2(Bucket=self.resources.files_bucket, Prefix=prefix)
        return [entry["Key"] for entry in listed.get("Contents", [])]

    def multipart_uploads(self) -> list[dict]:
        return boto3.client("s3").list_multipart_uploads(Bucket=self.resources.files_bucket).get("Uploads", [])


@contextmanager
def server_aws():
    """Starts the server, provisions, points this process at it; restores the environment after."""
    werkzeug_log = logging.getLogger("werkzeug")
    log_level = werkzeug_log.level
    werkzeug_log.setLevel(logging.WARNING)  # one line per request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    saved = dict(os.environ)
    try:
        requests.post(f"{url}/moto-api/reset", timeout=10).raise_for_status()
        requests.post(f"{url}/moto-api/config", json=MOTO_CONFIG, timeout=10).raise_for_status()
        os.environ.update({"AWS_ENDPOINT_URL": url, "MOTO_PORT": str(port)})
        reset_environment()
        resources = provision()
        seed_demo_directory()
        os.environ.update(resources.environment())
        yield ServerAws(url, resources)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        reset_environment()
        server.stop()
        werkzeug_log.setLevel(log_level)
