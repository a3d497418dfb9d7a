"""Cold import + init of each Lambda handler, each sample in a fresh interpreter, timed inside the child
(interpreter start-up is the runtime's, not ours). Baseline: `import boto3` + one client, the floor any
Python Lambda that calls AWS pays."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from functions.shared.observability import METRICS_NAMESPACE, SERVICE_NAME

ROOT = Path(__file__).resolve().parent.parent
RUNS = 9
BUDGET_MS = 300
BUDGET_X_BASELINE = 2.5

# handler module -> what its first invocation creates before any AWS call. For the cases API that is
# POST /cases, its widest request: the table binding with its one shared DynamoDB client (its events go
# in the same transaction: no EventBridge client).
CASES_INIT = """
from functions.cases.logic.dependencies import dependencies
dependencies().store._connection.client
"""
# Every API Lambda's first customer request also reads the caller's account contacts
# (functions/shared/caller_directory.py): its cache and the read-only view's binding, a second DynamoDB
# client on the same botocore session (~4 ms).
CALLER_DIRECTORY_INIT = """
from functions.shared.caller_directory import caller_directory
caller_directory().reader._connection.client
"""
CASES_API_INIT = CASES_INIT + CALLER_DIRECTORY_INIT
# The notifications function: the table binding (directory reads, duplicate guard) and the SES client;
# the Reference ID key is a Secrets Manager read, an AWS call, so it is not part of init.
NOTIFICATIONS_INIT = """
from functions.notifications.logic.dependencies import dependencies
from functions.shared.dal.aws import client
dependencies().directory
dependencies().ledger
dependencies().mailer
client("dynamodb")
client("ses")
"""
# The timer step: the table binding, as the cases API (no caller: no caller directory).
TIMER_STEP_INIT = CASES_INIT
# The followups function: the Step Functions client.
FOLLOWUPS_INIT = """
from functions.followups.logic.dependencies import dependencies
from functions.shared.dal.aws import client
dependencies().state_machines
client("stepfunctions")
"""
# The files API: the table binding and the S3 client (SigV4).
FILES_API_INIT = (
    """
from functions.files.logic.dependencies import dependencies
from functions.files.dal.object_storage import s3_client
dependencies().store
s3_client()
"""
    + CALLER_DIRECTORY_INIT
)
# The outbox publisher: the EventBridge client, the only one in the project.
PUBLISHER_INIT = """
from functions.outbox.logic.dependencies import dependencies
from functions.shared.dal.aws import client
dependencies().event_bus
client("events")
"""
# The directory API: the table binding.
DIRECTORY_API_INIT = (
    """
from functions.directory.logic.dependencies import dependencies
dependencies().store._connection.client
"""
    + CALLER_DIRECTORY_INIT
)
# The monitoring intake: the integration's table binding (its cached read) and the SQS client, no caller.
INTAKE_INIT = """
from functions.alerts.logic.dependencies import dependencies
from functions.shared.dal.aws import client
dependencies().integration_cache.reader._connection.client
dependencies().queue
client("sqs")
"""
# The alerts API: the integrations' table binding.
ALERTS_API_INIT = (
    """
from functions.alerts.logic.dependencies import dependencies
dependencies().integrations._connection.client
"""
    + CALLER_DIRECTORY_INIT
)
# The alerts processor, the incident timer's step and the alerts case events consumer: the alerts table binding.
ALERT_STORE_INIT = """
from functions.alerts.logic.dependencies import dependencies
dependencies().window_store._connection.client
"""
# The reports functions: the reports table binding (the API also resolves its callers).
REPORTS_INIT = """
from functions.reports.logic.dependencies import dependencies
dependencies().store._connection.client
"""
# The updates functions: the updates table binding (the API also resolves its callers).
UPDATES_INIT = """
from functions.updates.logic.dependencies import dependencies
dependencies().connection.client
"""
HANDLERS = {
    "functions.cases.handlers.api": CASES_API_INIT,
    "functions.notifications.handlers.handle_case_events": NOTIFICATIONS_INIT,
    "functions.cases.handlers.handle_timer_step": TIMER_STEP_INIT,
    "functions.followups.handlers.handle_timer_events": FOLLOWUPS_INIT,
    "functions.files.handlers.api": FILES_API_INIT,
    "functions.directory.handlers.api": DIRECTORY_API_INIT,
    "functions.outbox.handlers.handle_table_stream": PUBLISHER_INIT,
    "functions.alerts.handlers.intake": INTAKE_INIT,
    "functions.alerts.handlers.api": ALERTS_API_INIT,
    "functions.alerts.handlers.handle_alert_queue": ALERT_STORE_INIT,
    "functions.alerts.handlers.handle_timer_step": ALERT_STORE_INIT,
    "functions.alerts.handlers.handle_case_events": ALERT_STORE_INIT,
    "functions.alerts.handlers.handle_monitoring_bus": INTAKE_INIT,  # as the HTTP intake
    "functions.reports.handlers.api": REPORTS_INIT + CALLER_DIRECTORY_INIT,
    "functions.reports.handlers.handle_report_schedule": REPORTS_INIT,
    "functions.reports.handlers.handle_bus_events": REPORTS_INIT,
    "functions.updates.handlers.api": UPDATES_INIT + CALLER_DIRECTORY_INIT,
    "functions.updates.handlers.handle_update_schedule": UPDATES_INIT,
}
BASELINE = ("import boto3", 'boto3.client("dynamodb")')

CHILD = """
import json, time
start = time.perf_counter()
{imports}
imported = time.perf_counter()
{init}
done = time.perf_counter()
print(json.dumps({{"import_ms": (imported - start) * 1e3, "init_ms": (done - imported) * 1e3}}))
"""

# What the stack gives a cases Lambda (infra/components/cases.py), plus what the runtime sets; the values
# are placeholders: nothing here calls AWS.
LAMBDA_ENV = {
    "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
    "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
    "POWERTOOLS_LOG_LEVEL": "INFO",
    "PYDANTIC_DISABLE_PLUGINS": "__all__",
    "TABLE_NAME": "dss-support",
    "EVENT_BUS_NAME": "dss-support",
    "PAGE_TOKEN_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:dss/page-token-key",
    "REFERENCE_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:dss/reference-key",
    "SENDER_EMAIL": "support@support.example",
    "PORTAL_URL": "https://support.example",
    "FILES_BUCKET": "dss-case-files",
    "ALERTS_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/dss-alerts",
    "ALERTS_MASTER_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:dss/alerts-master-key",
    "REPORT_LINK_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:dss/report-link-key",
    "FOLLOW_UP_STATE_MACHINE_ARN": "arn:aws:states:us-east-1:123456789012:stateMachine:dss-follow-up-ladder",
    "RESPONSE_ESCALATION_STATE_MACHINE_ARN": "arn:aws:states:us-east-1:123456789012:stateMachine:dss-response-escalation",
    "INCIDENT_TIMER_STATE_MACHINE_ARN": "arn:aws:states:us-east-1:123456789012:stateMachine:dss-incident-timer",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    # No ~/.aws files on Lambda: keep this machine's out of the measurement.
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


@dataclass(frozen=True)
class Timing:
    name: str
    totals_ms: list[float]
    import_ms: float  # medians
    init_ms: float

    @property
    def median_ms(self) -> float:
        return statistics.median(self.totals_ms)


def _sample(imports: str, init: str) -> dict:
    env = {**LAMBDA_ENV, "PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)}
    script = CHILD.format(imports=imports, init=init)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(runs: int = RUNS) -> list[Timing]:
    """The baseline first, then each handler."""
    subjects = {"baseline: boto3 + 1 client": BASELINE, **{module: (f"import {module}", init) for module, init in HANDLERS.items()}}
    for code in subjects.values():
        _sample(*code)  # writes the bytecode caches (pip ships the layer compiled), so no sample compiles
    samples: dict[str, list[dict]] = {name: [] for name in subjects}
    for _ in range(runs):  # interleaved, so drift on a shared machine hits every subject alike
        for name, code in subjects.items():
            samples[name].append(_sample(*code))
    return [
        Timing(
            name,
            [sample["import_ms"] + sample["init_ms"] for sample in runs_of],
            statistics.median(sample["import_ms"] for sample in runs_of),
            statistics.median(sample["init_ms"] for sample in runs_of),
        )
        for name, runs_of in samples.items()
    ]
