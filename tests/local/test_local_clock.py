"""The desk's clock on the local stack (local/clock.py): GET and POST /_local/clock over real HTTP, every domain's
answers at the moved time, a follow-up reminder due by the moved clock sent within seconds, business hours
counted from the moved time; and, in-process, the clock itself and its installation in every container."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from functions.cases.logic.response_targets import response_due
from functions.cases.models.case import Priority
from functions.shared.clock import SystemClock, from_iso, to_iso
from functions.shared.environment import reset_environment
from local.clock import ClockCannotGoBack, DeskClock, clock_modules, use_in_containers
from local.demo_directory import EXAMPLE_SUPPORT_CASE

ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
NEW_YORK = ZoneInfo("America/New_York")
ASYNC_DEADLINE_SECONDS = 30  # what "within seconds" may take on a loaded 2-core machine
ADMIN_CASE = {"caseType": "Admin", "subject": "Portal login", "description": "Locked out"}


def desk_time(stack) -> datetime:
    answer = stack.request("GET", "/_local/clock")
    assert answer.status_code == 200, answer.text
    return from_iso(answer.json()["now"])


def move_clock(stack, moment: datetime) -> dict:
    answer = stack.request("POST", "/_local/clock", json={"now": to_iso(moment)})
    assert answer.status_code == 200, answer.text
    return answer.json()


def eventually(read: Callable[[], object], done: Callable[[object], bool], what: str) -> object:
    """Polls `read` until `done` says so, for at most ASYNC_DEADLINE_SECONDS: for asynchronous effects only."""
    deadline = time.monotonic() + ASYNC_DEADLINE_SECONDS
    while not done(value := read()):
        assert time.monotonic() < deadline, f"{what} did not happen within {ASYNC_DEADLINE_SECONDS} s: {value}"
        time.sleep(0.2)
    return value


@pytest.mark.slow
def test_get_answers_the_desks_time_without_a_token(local_stack):
    answer = local_stack.request("GET", "/_local/clock")
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == "application/json"
    body = answer.json()
    assert set(body) == {"now", "offsetSeconds"}
    assert ISO_MS.match(body["now"]), body
    assert body["offsetSeconds"] >= 0
    # Real time plus the offset (other tests of this module may have moved it already).
    real = from_iso(body["now"]) - timedelta(seconds=body["offsetSeconds"])
    assert abs(real - datetime.now(UTC)) < timedelta(seconds=30)


@pytest.mark.slow
def test_the_clock_moves_forward_and_never_back(local_stack):
    target = desk_time(local_stack) + timedelta(hours=3)
    moved = move_clock(local_stack, target)
    assert moved["now"] == to_iso(target)
    assert desk_time(local_stack) >= target

    back = local_stack.request("POST", "/_local/clock", json={"now": to_iso(target - timedelta(minutes=1))})
    assert back.status_code == 409
    assert back.headers["Content-Type"] == "application/json"
    refusal = back.json()
    assert refusal["error"] == "clock_cannot_go_back" and refusal["field"] == "now"
    assert "only moves forward" in refusal["message"]
    assert desk_time(local_stack) >= target  # unchanged by the refusal

    # Any zone is taken; the answer is in UTC.
    later = (target + timedelta(hours=1)).astimezone(NEW_YORK)
    answer = local_stack.request("POST", "/_local/clock", json={"now": later.isoformat()})
    assert answer.status_code == 200 and answer.json()["now"] == to_iso(later)


@pytest.mark.slow
@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b"{}",
        b'{"now": 1893456000}',
        b'{"now": "next Monday"}',
        b'{"now": "2030-01-07T14:00:00"}',  # no zone: which instant is meant?
        b'{"now": "2030-01-07T14:00:00Z", "offset": 5}',
        b'{"now": "9999-12-31T23:59:59Z"}',
    ],
    ids=["not-json", "not-an-object", "no-now", "a-number", "not-iso", "no-zone", "unknown-field", "too-far"],
)
def test_a_malformed_move_is_400_and_moves_nothing(local_stack, body):
    before = local_stack.request("GET", "/_local/clock").json()["offsetSeconds"]
    answer = local_stack.request("POST", "/_local/clock", data=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert answer.headers["Content-Type"] == "application/json"
    refusal = answer.json()
    assert refusal["error"] == "bad_request" and refusal["message"]
    assert local_stack.request("GET", "/_local/clock").json()["offsetSeconds"] == before


@pytest.mark.slow
def test_other_methods_are_not_the_clocks(local_stack):
    answer = local_stack.request("PUT", "/_local/clock", json={"now": "2030-01-07T14:00:00Z"})
    assert answer.status_code == 404 and answer.json()["error"] == "not_found"


@pytest.mark.slow
def test_a_follow_up_reminder_due_by_the_moved_clock_is_sent_within_seconds(local_stack):
    number = local_stack.request("POST", "/cases", role="customer", json=ADMIN_CASE).json()["caseNumber"]
    asked = local_stack.request("POST", f"/cases/{number}/request-info", role="engineer", json={"message": "Which user name?"})
    assert asked.status_code == 200, asked.text
    next_action = asked.json()["nextAutomatedAction"]
    assert next_action["action"] == "reminder1"  # at 2 business days

    # The ladder's execution waits in moto until then; the clock jumps there rather than waiting two business days.
    move_clock(local_stack, from_iso(next_action["dueAt"]))

    def history() -> list[dict]:
        return local_stack.request("GET", f"/cases/{number}/history", role="customer").json()["items"]

    entries = eventually(history, lambda items: "follow-up-reminder-1" in [item["action"] for item in items], "reminder 1")
    reminded = next(item for item in entries if item["action"] == "follow-up-reminder-1")
    assert from_iso(reminded["at"]) >= from_iso(next_action["dueAt"])  # at the desk's time, not the real one
    case = local_stack.request("GET", f"/cases/{number}", role="customer").json()
    assert case["status"] == "Awaiting Info"
    assert case["nextAutomatedAction"]["action"] == "reminder2"
    assert from_iso(case["nextAutomatedAction"]["dueAt"]) > desk_time(local_stack)  # reminder 2 is not due yet

    def case_mail() -> list[dict]:
        mail = local_stack.request("GET", "/_local/outbox", params={"to": "alice@acme.example"}).json()["items"]
        return [item for item in mail if item["subject"].startswith(f"Case {number}")]

    eventually(case_mail, lambda mail: len(mail) >= 2, "the reminder's email")  # the request for information, then the reminder


@pytest.mark.slow
def test_business_hours_count_from_the_moved_clock(local_stack):
    """A case opened on a Saturday by the desk's clock is due on a business day: the weekend does not count."""
    earliest = (desk_time(local_stack) + timedelta(days=1)).astimezone(NEW_YORK)
    saturday = earliest.date() + timedelta(days=(5 - earliest.weekday()) % 7)
    noon = datetime(saturday.year, saturday.month, saturday.day, 12, tzinfo=NEW_YORK)
    move_clock(local_stack, noon)

    created = local_stack.request("POST", "/cases", role="customer", json=EXAMPLE_SUPPORT_CASE)
    assert created.status_code == 201, created.text
    case = created.json()
    opened = from_iso(case["createdAt"])
    assert noon <= opened < noon + timedelta(minutes=1)
    due = from_iso(case["responseDueAt"])
    assert due == response_due(opened, Priority(case["priority"])).due_at  # the rule, applied to the desk's time
    assert due.astimezone(NEW_YORK).weekday() < 5 and due > noon + timedelta(days=1, hours=19)  # after Monday 07:00
    assert case["responseBreached"] is False


@pytest.mark.slow
def test_every_domain_acts_at_the_moved_time(local_stack):
    target = desk_time(local_stack) + timedelta(days=3)
    move_clock(local_stack, target)

    def stamped(answer, field: str = "createdAt") -> datetime:
        assert answer.status_code in (200, 201), answer.text
        return from_iso(answer.json()[field])

    number = local_stack.request("POST", "/cases", role="customer", json=ADMIN_CASE).json()["caseNumber"]
    upload = local_stack.request(
        "POST",
        f"/cases/{number}/uploads",
        role="customer",
        json={"fileName": "empty.log", "size": 0, "checksum": {"algorithm": "CRC32", "value": "AAAAAA=="}},
    )
    account = local_stack.request(
        "POST", "/accounts", role="manager", json={"accountId": "clockwork", "name": "Clockwork", "region": "emea"}
    )
    integration = local_stack.request("POST", "/alerts/integrations", role="manager", json={"accountId": "acme", "name": "Clock test"})
    case = local_stack.request("GET", f"/cases/{number}", role="customer")
    for domain, moment in {
        "cases": stamped(case),
        "files": stamped(upload),
        "directory": stamped(account),
        "alerts": stamped(integration),
    }.items():
        assert target <= moment < target + timedelta(minutes=1), domain


def test_the_desk_clock_moves_only_forward_and_wakes_its_sleepers():
    clock = DeskClock()
    start = clock.now()
    with pytest.raises(ClockCannotGoBack):
        clock.advance_to(start - timedelta(seconds=1))
    woke: list[bool] = []
    due = start + timedelta(days=2)
    sleeper = threading.Thread(target=lambda: woke.append(clock.sleep_until(due, stopped=lambda: False)))
    sleeper.start()
    clock.advance_to(due)
    sleeper.join(timeout=5)
    assert woke == [True]
    assert clock.offset >= timedelta(days=2) - timedelta(seconds=5)

    stopping = threading.Event()
    sleeper = threading.Thread(target=lambda: woke.append(clock.sleep_until(due + timedelta(days=1), stopped=stopping.is_set)))
    sleeper.start()
    stopping.set()
    clock.wake_sleepers()
    sleeper.join(timeout=5)
    assert woke == [True, False]


def test_every_container_with_a_clock_takes_the_desk_clock_even_after_a_reset(monkeypatch):
    """A new domain's container is found on disk: forgetting one would leave it on real time."""
    monkeypatch.setenv("TABLE_NAME", "dss-clock-test")
    clock = DeskClock()
    modules = clock_modules()
    names = {module.__name__ for module in modules}
    domains = {"alerts", "cases", "directory", "files", "notifications", "purge"}  # followups reads no time: no clock
    assert {f"functions.{domain}.logic.dependencies" for domain in domains} | {"functions.shared.caller_directory"} <= names

    caller_directory = next(module for module in modules if module.__name__ == "functions.shared.caller_directory").caller_directory

    def clocks() -> dict[str, object]:
        built = {module.__name__: module.dependencies() for module in modules if hasattr(module, "dependencies")}
        built["caller_directory"] = caller_directory()
        return {name: container.clock for name, container in built.items()}

    undo = use_in_containers(clock)
    try:
        assert all(found is clock for found in clocks().values()), clocks()
        reset_environment()
        assert all(found is clock for found in clocks().values()), clocks()
    finally:
        undo()
    assert all(isinstance(found, SystemClock) for found in clocks().values())
    reset_environment()
