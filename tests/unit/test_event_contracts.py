"""The bus's contract (functions/shared/contracts.py) against the code on both sides of it: the real
producers are driven through a case's life, a file upload, an account's creation and change, a contact
added and disabled, and a purge run (their real handlers, against a moto server, the files API needing
real HTTP for its presigned URLs), and the events they put on the bus
are checked against the rule pattern of every consumer (each domain's models/delivery.py, which the stack
and the local stack build their rules from), the contract's models and the consumers' own readings.

Not a pure unit test: its subject is what the producers really emit, which only running them shows."""

from __future__ import annotations

import ast
import base64
import importlib
import json
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
import requests
from moto.events.models import EventPattern

from functions.cases.logic.bus_events import handle_bus_event
from functions.cases.logic.dependencies import dependencies as cases_dependencies
from functions.cases.models.bus_events import Outcome
from functions.cases.models.case import Status
from functions.followups.logic.run_timers import Outcome as TimerOutcome
from functions.followups.logic.run_timers import run_timer_event
from functions.followups.models.timer_events import TIMER_STEPS
from functions.notifications.models.events import read_event
from functions.reports.logic.tallies import tally_changes
from functions.shared.bus_event import BusEvent
from functions.shared.clock import FixedClock, SystemClock, to_iso, utc_now
from functions.shared.contracts import (
    CONTRACTS,
    CaseFacts,
    DetailType,
    IncidentTimerStep,
    ReportRecipientsInvited,
    TimerKind,
    TimerStepName,
)
from infra.workflows import FOLLOW_UP_LADDER, RESPONSE_ESCALATION, WORKFLOWS_DIR
from local.event_sources import scheduled_event, sqs_record
from local.http_adapter import LambdaContext
from tests.support.payloads import support_case
from tests.support.server_stack import ServerAws, server_aws

ROOT = Path(__file__).resolve().parents[2]
# Every consumer's rule: the stack (infra/components) and the local stack (local/provision.py) take their
# patterns from these modules only (test_the_stack_and_the_local_stack_route_with_these_patterns).
DELIVERY_MODULES = sorted(path.parent.parent.name for path in (ROOT / "functions").glob("*/models/delivery.py"))
WORKFLOWS = {TimerKind.FOLLOW_UP: FOLLOW_UP_LADDER, TimerKind.RESPONSE_ESCALATION: RESPONSE_ESCALATION}
# The local stack's rule that copies every event to a queue for the tests to read: not a consumer.
OBSERVER_PATTERN = {"source": [{"prefix": "dss."}]}


def delivery(domain: str) -> ModuleType:
    return importlib.import_module(f"functions.{domain}.models.delivery")


# --- the producers, driven ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def emitted() -> Iterator[list[dict]]:
    """Every event the producers put on the bus while a case lives its life, a file is added and a closed
    case's files are purged, as the bus delivers them (envelope and detail)."""
    with server_aws() as aws:
        try:
            yield _produce(aws)
        finally:
            cases_dependencies().clock = SystemClock()


def _produce(aws: ServerAws) -> list[dict]:
    events: list[dict] = []

    def published() -> list[dict]:
        events.extend(new := aws.published_events())
        return new

    def change(path: str, user: str, body: dict) -> None:
        answer = aws.cases("POST", path, user=user, body=body)
        assert answer.status in (200, 201), (path, answer)

    def step(case: str, kind: TimerKind, name: TimerStepName) -> None:
        from functions.cases.handlers.handle_timer_step import lambda_handler

        (started,) = [
            event["detail"]
            for event in events
            if event["detail-type"] == DetailType.CASE_TIMER_STARTED
            and (event["detail"]["caseNumber"], event["detail"]["timer"]) == (case, kind)
        ]
        request = {"caseNumber": case, "token": started["token"], "step": name}
        assert lambda_handler(request, LambdaContext("timer-step", timeout_seconds=60)) == {"timerCurrent": True}
        published()

    # A case opened and closed by its customer 31 days ago: its files are due for the purge.
    cases_dependencies().clock = FixedClock(utc_now() - timedelta(days=31))
    purged = aws.cases("POST", "/cases", body=support_case()).body["caseNumber"]
    change(f"/cases/{purged}/close", "customer", {"subStatus": "Resolved", "comment": "Works again."})
    cases_dependencies().clock = SystemClock()

    case = aws.cases("POST", "/cases", body=support_case()).body["caseNumber"]
    published()
    step(case, TimerKind.RESPONSE_ESCALATION, TimerStepName.ESCALATE_TO_OWNER)
    change(f"/cases/{case}/request-info", "engineer", {"message": "Please send the IC server logs."})
    published()
    step(case, TimerKind.FOLLOW_UP, TimerStepName.REMINDER_1)
    change(f"/cases/{case}/escalations", "customer", {"kind": "management", "reason": "No progress for a week."})
    change(f"/cases/{case}/escalations", "customer", {"kind": "priority", "reason": "More agents affected now."})
    change(f"/cases/{case}/updates", "engineer", {"text": "A fix is being tested."})
    change(f"/cases/{case}/close", "customer", {"subStatus": "Resolved", "comment": "Works again."})
    change(f"/cases/{case}/reopen", "customer", {"information": "It failed again this morning."})
    _upload(aws, case, b"2026-11-27 09:14:03 login refused\n")
    published()

    account = {"accountId": "initech", "name": "Initech", "region": "americas"}
    assert aws.directory("POST", "/accounts", body=account).status == 201
    assert aws.directory("PATCH", "/accounts/initech", body={"hardMaxContacts": 8}).status == 200
    assert aws.directory("PUT", "/regions/apac", body={"managerUserIds": ["u-mike"]}).status == 200
    contact = {"contactId": "c-ira", "name": "Ira Initech", "email": "ira@initech.example"}
    assert aws.directory("POST", "/accounts/initech/contacts", body=contact).status == 201
    assert aws.directory("POST", "/accounts/initech/contacts/c-ira/disable").status == 200

    from functions.purge.handlers.handle_daily_purge import lambda_handler as purge

    assert purge(scheduled_event(), LambdaContext("purge", timeout_seconds=900))["casesPurged"] == 1
    published()
    _monitor(published)
    _maintenance_case(aws, published)
    _report_subscription(aws, published)
    _platform_updates(aws, published)
    return events


def _platform_updates(aws: ServerAws, published: Callable[[], list[dict]]) -> None:
    """Platform updates (functions/updates, and the cases domain's installations): the Testing Department records
    critical updates, validates one and rejects another, and the third is still pending when its validation-due
    schedule fires; Patch Tuesday's reminder; staff keep a gateway catalog and acme's platform, whose gateway the
    weekly check finds 3 behind GA; a Release resolving one of acme's cases."""
    from functions.updates.handlers.handle_update_schedule import lambda_handler as job

    released = (utc_now() - timedelta(days=10)).date().isoformat()
    for kb in ("KB5000001", "KB5000002", "KB5000003"):
        update = {"kb": kb, "title": "Cumulative Update", "classification": "Critical", "releasedOn": released}
        assert aws.updates("POST", "/maintenance/windows-updates", user="testing", body=update).status == 201
    assert aws.updates("POST", "/maintenance/windows-updates/KB5000001/validate", user="testing", body={}).status == 200
    rejected = {"reason": "Breaks the IC server's SIP stack."}
    assert aws.updates("POST", "/maintenance/windows-updates/KB5000002/reject", user="testing", body=rejected).status == 200
    catalog = {"updates": ["SU1", "SU2", "SU3", "SU4"]}
    assert aws.updates("PUT", "/maintenance/gateway-catalog/interaction-gateway", user="engineer", body=catalog).status == 200
    gateways = [{"gatewayId": "gw-1", "gatewayType": "interaction-gateway", "installedUpdate": "SU1"}]
    assert aws.updates("PUT", "/accounts/acme/platform", user="engineer", body={"gateways": gateways}).status == 200
    context = LambdaContext("updates-job", timeout_seconds=60)
    for request in ({"job": "validation-due", "kb": "KB5000003"}, {"job": "patch-tuesday"}, {"job": "behind-ga-check"}):
        job(request, context)
    resolved = aws.cases("POST", "/cases", body=support_case()).body["caseNumber"]
    release = {"accountId": "acme", "kind": "release", "reason": "feature", "feature": "Callback", "systemImpacting": True,
               "target": {"release": "2026 R4"}, "resolvesCases": [resolved]}  # fmt: skip
    assert aws.cases("POST", "/maintenance/requests", user="engineer", body=release).status == 201
    published()


def _report_subscription(aws: ServerAws, published: Callable[[], list[dict]]) -> None:
    """A report subscription (functions/reports) naming an address outside the account (ReportRecipientsInvited),
    its report sent now (CaseReportSent)."""
    body = {"accountId": "acme", "cadence": "weekly", "recipients": ["bob@acme.example", "auditor@example.com"]}
    created = aws.reports("POST", "/report-subscriptions", body=body)
    assert created.status == 201, created
    assert aws.reports("POST", f"/report-subscriptions/{created.body['subscriptionId']}/send").status == 200
    published()


def _monitor(published: Callable[[], list[dict]]) -> None:
    """An incident's life (functions/alerts): held after hours with its timer; asked for in business hours, its
    case opened by the cases domain, alerts joining it digested, its recovery noted after the settle time."""
    from functions.alerts.handlers.handle_case_events import lambda_handler as alerts_case_events
    from functions.alerts.handlers.handle_timer_step import lambda_handler as timer_step
    from functions.alerts.logic.dependencies import dependencies as alerts_dependencies
    from functions.cases.handlers.handle_bus_events import lambda_handler as cases_bus_events
    from tests.integration.test_alert_processor import MONDAY_22_ET, TUESDAY_10_ET, process, resolve, trigger

    def deliver(handler: Callable, events: list[dict]) -> None:
        records = [sqs_record(json.dumps(event), "arn:aws:sqs:us-east-1:123456789012:consumer") for event in events]
        assert handler({"Records": records}, LambdaContext("consumer", timeout_seconds=60)) == {"batchItemFailures": []}

    process([trigger("globex", "sw-01/link", device="sw-01", at=MONDAY_22_ET, event_id="held")], now=MONDAY_22_ET)
    process([trigger("acme", "ic-01/down", at=TUESDAY_10_ET, event_id="down")], now=TUESDAY_10_ET)
    requested = [event for event in published() if event["detail-type"] == DetailType.MONITORING_CASE_REQUESTED]
    deliver(cases_bus_events, requested)
    deliver(alerts_case_events, [event for event in published() if event["detail-type"] == DetailType.CASE_CREATED])
    later = TUESDAY_10_ET + timedelta(minutes=1)
    process([trigger("acme", "ic-01/disk", at=later, event_id="disk")], now=later)
    process([resolve("acme", key, at=later, event_id=f"ok-{key}") for key in ("ic-01/down", "ic-01/disk")], now=later)
    (settle,) = [event["detail"] for event in published() if event["detail"].get("step") == "settle"]
    alerts_dependencies().clock = FixedClock(datetime.fromisoformat(settle["dueAt"]))
    request = {key: settle[key] for key in ("accountId", "groupId", "step", "token")}
    assert timer_step(request, LambdaContext("incident-timer-step", timeout_seconds=60)) == {"timerCurrent": True}
    alerts_dependencies().clock = SystemClock()
    published()
    _maintain(published)


def _maintain(published: Callable[[], list[dict]]) -> None:
    """Maintenance windows (functions/alerts): one scheduled, started at once and ended by its timer's step;
    another scheduled and cancelled before its start."""
    from functions.alerts.handlers.handle_timer_step import lambda_handler as timer_step
    from functions.alerts.logic.dependencies import dependencies as alerts_dependencies
    from functions.alerts.logic.maintenance import cancel_window, schedule_window
    from functions.alerts.models.maintenance import NewMaintenanceWindow
    from functions.shared.contracts import Actor

    store, engineer, now = alerts_dependencies().window_store, Actor(user_id="u-erin", role="engineers"), utc_now()

    def window(starts: datetime) -> NewMaintenanceWindow:
        times = {"startsAt": to_iso(starts), "endsAt": to_iso(starts + timedelta(hours=1))}
        return NewMaintenanceWindow.model_validate_json(json.dumps({"accountId": "globex", "caseNumber": "0000000001", **times}))

    active = schedule_window(window(now), engineer, store=store, now=now)
    end = active.timers[IncidentTimerStep.WINDOW_END]
    alerts_dependencies().clock = FixedClock(end.due_at)
    request = {"accountId": "globex", "groupId": active.window_id, "step": "window-end", "token": end.token}
    assert timer_step(request, LambdaContext("incident-timer-step", timeout_seconds=60)) == {"timerCurrent": True}
    alerts_dependencies().clock = SystemClock()
    later = schedule_window(window(now + timedelta(days=1)), engineer, store=store, now=now)
    cancel_window(later.window_id, engineer, store=store, now=now)
    published()


def _maintenance_case(aws: ServerAws, published: Callable[[], list[dict]]) -> None:
    """A customer's maintenance case (functions/cases): its CaseCreated announces the window, which the alerts
    domain's consumer schedules from it."""
    from functions.alerts.handlers.handle_case_events import lambda_handler as alerts_case_events

    starts = utc_now() + timedelta(hours=1)
    window = {"startsAt": to_iso(starts), "endsAt": to_iso(starts + timedelta(hours=2)), "devices": ["ic-01"]}
    assert aws.cases("POST", "/cases", body=support_case(maintenanceWindow=window)).status == 201
    (created,) = [event for event in published() if event["detail-type"] == DetailType.CASE_CREATED]
    assert created["detail"]["maintenanceWindow"] == window
    record = sqs_record(json.dumps(created), "arn:aws:sqs:us-east-1:123456789012:alerts-case-events")
    assert alerts_case_events({"Records": [record]}, LambdaContext("consumer", timeout_seconds=60)) == {"batchItemFailures": []}
    assert DetailType.MAINTENANCE_WINDOW_SCHEDULED in {event["detail-type"] for event in published()}


def _upload(aws: ServerAws, case: str, data: bytes) -> None:
    """A file added through the files API, its one part PUT through its presigned URL."""
    checksum = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    body = {"fileName": "server.log", "size": len(data), "checksum": {"algorithm": "CRC32", "value": checksum}}
    upload = aws.call("POST", f"/cases/{case}/uploads", body=body).body
    parts = {"parts": [{"partNumber": 1, "checksum": checksum}]}
    (url,) = aws.call("POST", f"/cases/{case}/uploads/{upload['uploadId']}/part-urls", body=parts).body["urls"]
    assert requests.put(url["url"], data=data, headers=url["headers"], timeout=30).status_code == 200
    completed = aws.call("POST", f"/cases/{case}/uploads/{upload['uploadId']}/complete")
    assert completed.status == 201, completed


# --- the contract -----------------------------------------------------------------------------------


@pytest.mark.parametrize("domain", DELIVERY_MODULES)
def test_every_event_a_consumer_subscribes_to_is_emitted_by_a_producer(emitted, domain):
    pattern = delivery(domain).EVENT_PATTERN
    assert set(pattern) == {"source", "detail-type"}  # the keys the stack maps (infra/components/event_queue.py)
    matching = EventPattern.load(json.dumps(pattern))
    received = {(event["source"], event["detail-type"]) for event in emitted if matching.matches_event(event)}
    # The contract's events the pattern matches (a pattern of two sources also names pairs no source sends).
    subscribed = {
        (source, detail_type) for source, detail_type in CONTRACTS if matching.matches_event({"source": source, "detail-type": detail_type})
    }
    assert subscribed - received == set(), f"{domain} subscribes to events no producer emitted"
    assert received <= subscribed  # EventBridge delivers it nothing else


def test_every_emitted_event_is_one_the_contract_describes_and_matches_its_model(emitted):
    for event in emitted:
        model = CONTRACTS.get((event["source"], event["detail-type"]))
        assert model is not None, f"{event['source']} {event['detail-type']}: no contract describes it"
        detail = model.model_validate(event["detail"])
        # Every field the producer sent is in the model, with the value it sent.
        assert detail.to_bus() == event["detail"], event["detail-type"]
        assert event["detail"]["eventKey"], event["detail-type"]  # what consumers deduplicate on


def test_the_producers_emit_every_event_the_contract_describes(emitted):
    """So the checks above saw each of them (and the contract keeps no event nobody sends)."""
    assert {(event["source"], event["detail-type"]) for event in emitted} == set(CONTRACTS)


class _NoCase:
    """The cases domain's store without the case: the purge event's mark and a monitoring note find nothing to
    change, and a monitoring incident and the behind-GA check find their case opened already."""

    def read_for_change(self, case_number: str, idempotency_scope: str | None) -> tuple[None, None]:
        return None, None

    def read_before_monitoring_case(self, group_id: str, account_id: str) -> tuple[str, None]:
        return "0000000001", None

    def read_before_behind_ga_case(self, account_id: str) -> tuple[SimpleNamespace, None, None]:
        return SimpleNamespace(case_number="0000000001", status=Status.OPEN), None, None  # the account's case is open


class _StateMachines:
    def start(self, timer_kind: str, name: str, execution_input: dict) -> bool:
        return True

    def stop(self, timer_kind: str, name: str, cause: str) -> bool:
        return True


# Each consumer's reading of an event its rule delivers: whether it took the event as one of its own
# (through its real entry point where its collaborators can be stood in for).
READERS: dict[str, Callable[[BusEvent], bool]] = {
    "notifications": lambda event: (detail := read_event(event)) is not None and detail.event_key == event.detail["eventKey"],
    "followups": lambda event: run_timer_event(event, _StateMachines(), 1) in (TimerOutcome.STARTED, TimerOutcome.STOPPED),
    "cases": lambda event: handle_bus_event(event, store=_NoCase(), now=utc_now()) is Outcome.UNCHANGED,
    # The alerts domain reads a case event's facts (functions/alerts/handlers/handle_case_events.py).
    "alerts": lambda event: CaseFacts.model_validate(event.detail).case_number == event.detail["caseNumber"],
    # The reports domain counts a case event in its tallies, or emails the recipients invited.
    "reports": lambda event: (
        bool(tally_changes(event.detail_type, event.detail))
        or ReportRecipientsInvited.model_validate(event.detail).emails == event.detail["emails"]
    ),
}


def test_each_consumer_reads_the_events_its_rule_delivers(emitted):
    assert set(READERS) == set(DELIVERY_MODULES)
    for domain, read in READERS.items():
        matching = EventPattern.load(json.dumps(delivery(domain).EVENT_PATTERN))
        delivered = [BusEvent.model_validate(event) for event in emitted if matching.matches_event(event)]
        assert delivered and all(read(event) for event in delivered), domain


# --- where the patterns and the step names are used ----------------------------------------------


def test_the_stack_and_the_local_stack_route_with_these_patterns():
    """Each rule in infra/components and local/provision.py takes its pattern from a domain's delivery
    module, so the patterns checked above are every rule's."""
    used: set[str] = set()
    for path in [*sorted((ROOT / "infra" / "components").glob("*.py")), ROOT / "local" / "provision.py"]:
        tree = ast.parse(path.read_text())
        deliveries = _delivery_imports(tree)
        for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
            pattern = _rule_pattern(call)
            if pattern is None or (isinstance(pattern, ast.Dict) and ast.literal_eval(pattern) == OBSERVER_PATTERN):
                continue
            name = pattern.value.id if isinstance(pattern, ast.Attribute) and isinstance(pattern.value, ast.Name) else None
            name = name or (pattern.id if isinstance(pattern, ast.Name) else None)
            assert name in deliveries, f"{path.name}:{call.lineno}: a rule pattern not from a domain's models/delivery.py"
            used.add(deliveries[name])
    assert used == set(DELIVERY_MODULES)


def _delivery_imports(tree: ast.Module) -> dict[str, str]:
    """Names bound to a delivery module (`delivery as cases_delivery`) or to its EVENT_PATTERN, by domain."""
    found = {}
    for node in (node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module):
        for alias in node.names:
            module = f"{node.module}.{alias.name}"
            if node.module.endswith(".models.delivery") and alias.name == "EVENT_PATTERN":
                found[alias.asname or alias.name] = node.module.split(".")[1]
            elif module.endswith(".models.delivery"):
                found[alias.asname or alias.name] = module.split(".")[1]
    return found


def _rule_pattern(call: ast.Call) -> ast.expr | None:
    """The pattern a call gives a rule: `event_queue(..., pattern=...)` (infra), `_route(bus, name, pattern, arn)` (local)."""
    function = call.func.id if isinstance(call.func, ast.Name) else None
    if function == "_route":
        return call.args[2]
    return next((keyword.value for keyword in call.keywords if keyword.arg == "pattern"), None)


@pytest.mark.parametrize("kind", list(TimerKind))
def test_each_state_machine_waits_for_and_sends_its_timers_step_names(kind):
    definition = json.loads((WORKFLOWS_DIR / WORKFLOWS[kind]).read_text())
    states = definition["States"].values()
    waits = [state["TimestampPath"].removeprefix("$.wakeAt.") for state in states if "TimestampPath" in state]
    sent = [state["Parameters"]["Payload"]["step"] for state in states if state["Type"] == "Task"]
    assert waits == sent == [step.value for step in TIMER_STEPS[kind]]
