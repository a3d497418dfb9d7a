"""`python -m local.simulate_alerts`: a storm of monitoring events against the running local stack (`make run`),
and what came of it.

It reads `.local/session.json` (the API's URL, the demo accounts' monitoring credentials, the staff's ID tokens)
and sends a burst of triggers from a small thread pool, signed per Standard Webhooks (or, with `--channel
events-api`, through the PagerDuty-compatible route with the routing key): by default 1,000 triggers over 10 alert
keys of one device of acme, plus 5 % of them sent again with the same `webhook-id` (exact retransmits) and 2 %
delivered out of order. It then waits, at most `--wait` seconds after the last send, until the processor has counted
them, any incident's case is listed and the outbox has been quiet for a moment, and prints: the answers (202
accepted, anything else refused), the alerts and incidents recorded, the account's new monitoring cases (read
through the API as staff), the emails sent (the local outbox) and the alert-to-case latency (the first send -> the
case listed in the `GET /cases` view). Exit code 1 when nothing was accepted, 2 when the local stack cannot be reached.

Each run names devices and keys of its own (`--run-id`, random by default), so its alerts never repeat an earlier
run's. A new device still joins the account's incident opened within the account window (30 minutes by default,
`GET /alerts/settings/{accountId}`), so a second run within that window opens no case of its own. Outside business
hours (the desk's clock, `GET /_local/clock`) the incident is held: no case until the next opening.

The local-stack tests (tests/local/test_monitoring_local.py) and the bench (bench/alerts.py) drive the stack with
these same functions.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import random
import secrets
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import requests

from functions.alerts.logic.credentials import sign_webhook
from functions.shared.business_time import BusinessCalendar, business_calendar
from functions.shared.clock import from_iso, to_iso

DEFAULT_SESSION_FILE = Path(".local/session.json")
STAFF_ROLE = "engineer"  # the demo engineer reads the account's cases, alerts and incidents
MONITORING_CHANNEL = "monitoring"
PROD_DOWN = "1-Prod Down"
CASE_VIEW = "all-non-closed"  # staff name the account; a new case is non-closed
PAGE_LIMIT = 100
EVENT_SPACING = timedelta(milliseconds=5)  # between the monitor's timestamps of consecutive triggers
WATCH_INTERVAL_SECONDS = 0.1  # how often the case view is read while waiting for the case
POLL_INTERVAL_SECONDS = 0.2
QUIET_SECONDS = 2.0  # the outbox unchanged this long: the emails of the burst have gone out
HTTP_TIMEOUT_SECONDS = 30
Channel = Literal["webhook", "events-api"]


class DeskUnavailable(Exception):
    """The local stack cannot be reached, or answered what it never answers."""


# --- the burst ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Burst:
    """What to send: `events` triggers over `keys` alert keys spread over `devices` devices of `account`; a fraction
    `duplicates` of them sent again (the same webhook-id), a fraction `reorder` swapped with the next one."""

    account: str = "acme"
    events: int = 1000
    keys: int = 10
    devices: int = 1
    duplicates: float = 0.05
    reorder: float = 0.02
    channel: Channel = "webhook"
    severity: str = "critical"
    run_id: str = field(default_factory=lambda: secrets.token_hex(3))
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.events < 1 or self.keys < 1 or self.devices < 1:
            raise ValueError("events, keys and devices must be at least 1")
        if self.devices > self.keys:
            raise ValueError("every device needs at least one key: devices must be at most keys")
        if not (0 <= self.duplicates <= 1 and 0 <= self.reorder <= 1):
            raise ValueError("duplicates and reorder are fractions from 0 to 1")

    @property
    def device_names(self) -> list[str]:
        return [f"sim-{self.run_id}-{number:02d}" for number in range(self.devices)]

    def device_of(self, key_number: int) -> str:
        return self.device_names[key_number % self.devices]

    @property
    def alert_keys(self) -> list[str]:
        return [f"{self.device_of(number)}/check-{number:02d}" for number in range(self.keys)]


@dataclass(frozen=True)
class Delivery:
    """One request: a trigger or resolve of one alert key, as the monitor sends it."""

    event_id: str  # the webhook-id (on the events-api channel the intake makes its own id)
    dedup_key: str
    device: str
    action: Literal["trigger", "resolve"]
    timestamp: datetime  # the monitor's, payload.timestamp
    severity: str = "critical"
    retransmit: bool = False

    def event(self) -> dict[str, Any]:
        """The PagerDuty Events API v2 event (without the routing key)."""
        if self.action == "resolve":
            return {"event_action": "resolve", "dedup_key": self.dedup_key}
        payload = {
            "summary": f"{self.dedup_key.rsplit('/', 1)[-1]} failing",
            "source": self.device,
            "severity": self.severity,
            "timestamp": to_iso(self.timestamp),
            "component": "simulated",
        }
        return {"event_action": "trigger", "dedup_key": self.dedup_key, "payload": payload}


def plan(burst: Burst, start: datetime) -> list[Delivery]:
    """The burst's deliveries in sending order: trigger n of key n % keys at `start` + n x 5 ms by the monitor's
    clock; each retransmit somewhere after its original; the reordered triggers one place late."""
    shuffle = random.Random(burst.seed)  # noqa: S311 (which triggers to repeat, not a secret)
    keys = burst.alert_keys
    triggers = [
        Delivery(
            event_id=f"msg_{burst.run_id}_{number:06d}",
            dedup_key=keys[number % burst.keys],
            device=burst.device_of(number % burst.keys),
            action="trigger",
            timestamp=start + EVENT_SPACING * number,
            severity=burst.severity,
        )
        for number in range(burst.events)
    ]
    order = list(triggers)
    for index in shuffle.sample(range(burst.events - 1), round((burst.events - 1) * burst.reorder)) if burst.events > 1 else []:
        order[index], order[index + 1] = order[index + 1], order[index]
    positioned = [(float(index), delivery) for index, delivery in enumerate(order)]
    for index in shuffle.sample(range(burst.events), round(burst.events * burst.duplicates)):
        again = dataclasses.replace(order[index], retransmit=True)
        positioned.append((shuffle.uniform(index + 0.5, burst.events), again))
    positioned.sort(key=lambda entry: entry[0])
    return [delivery for _, delivery in positioned]


def business_moment(after: datetime, room: timedelta = timedelta(hours=1), calendar: BusinessCalendar | None = None) -> datetime:
    """`after` itself when business hours (Mon-Fri 07:00-21:00 New York, holidays excluded) last `room` beyond it,
    else the next business opening (with that room): where to move the desk's clock for a storm in business hours."""
    calendar = calendar or business_calendar()
    moment = after
    while not (calendar.is_business_time(moment) and calendar.is_business_time(moment + room)):
        moment = calendar.next_business_open(moment + room)
    return moment


def resolves(burst: Burst, at: datetime) -> list[Delivery]:
    """One resolve per alert key of the burst, at `at` by the monitor's clock."""
    return [
        Delivery(f"msg_{burst.run_id}_resolve_{number:03d}", key, burst.device_of(number), "resolve", at)
        for number, key in enumerate(burst.alert_keys)
    ]


# --- the local stack over HTTP ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Monitoring:
    """A demo account's monitoring integration, as `.local/session.json` holds it."""

    integration_id: str
    routing_key: str
    webhook_path: str
    webhook_secret: str


class Desk:
    """The running local stack, as its session file describes it. The file is read on every use: the stack writes
    fresh ID tokens into it every 30 minutes."""

    def __init__(self, session_file: Path = DEFAULT_SESSION_FILE) -> None:
        self.session_file = session_file
        self._local = threading.local()  # one HTTP session (its connection pool) per thread

    @property
    def session(self) -> dict[str, Any]:
        try:
            document: dict[str, Any] = json.loads(self.session_file.read_text())
        except (OSError, ValueError) as error:
            raise DeskUnavailable(f"No local stack session at {self.session_file} ({error}): start the stack with `make run`.") from None
        return document

    @property
    def api(self) -> str:
        return str(self.session["api"])

    def monitoring(self, account: str) -> Monitoring:
        entry = self.session.get("monitoring", {}).get(account)
        if not entry:
            raise DeskUnavailable(f"{self.session_file} holds no monitoring integration of account {account!r}.")
        return Monitoring(entry["integrationId"], entry["routingKey"], entry["webhookPath"], entry["webhookSecret"])

    def http(self) -> requests.Session:
        if not hasattr(self._local, "http"):
            self._local.http = requests.Session()
        http: requests.Session = self._local.http
        return http

    def request(
        self, method: str, path: str, *, role: str | None = None, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> requests.Response:
        headers = dict(headers or {})
        if role:
            headers["Authorization"] = self.session["tokens"][role]
        try:
            return self.http().request(method, f"{self.api}{path}", headers=headers, timeout=HTTP_TIMEOUT_SECONDS, **kwargs)
        except requests.ConnectionError as error:
            raise DeskUnavailable(
                f"The local stack at {self.api} does not answer ({error.__class__.__name__}): is `make run` running?"
            ) from None

    def read(self, path: str, *, role: str | None = STAFF_ROLE, params: dict[str, str] | None = None) -> Any:
        """A GET's JSON; DeskUnavailable unless 200."""
        answer = self.request("GET", path, role=role, params=params)
        if answer.status_code != 200:
            raise DeskUnavailable(f"GET {path} answered {answer.status_code}: {answer.text[:300]}")
        return answer.json()

    def pages(self, path: str, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        """Every item of a paginated listing, as staff."""
        token: str | None = None
        while True:
            page = self.read(path, params={**params, "limit": str(PAGE_LIMIT), **({"nextToken": token} if token else {})})
            yield from page["items"]
            token = page.get("nextToken")
            if not token:
                return

    # The desk's clock (local only).
    def clock(self) -> datetime:
        return from_iso(self.read("/_local/clock", role=None)["now"])

    def move_clock(self, moment: datetime) -> datetime:
        """Moves the desk's clock forward to `moment`; DeskUnavailable if it refuses (an earlier instant)."""
        answer = self.request("POST", "/_local/clock", json={"now": to_iso(moment)})
        if answer.status_code != 200:
            raise DeskUnavailable(f"POST /_local/clock answered {answer.status_code}: {answer.text[:300]}")
        return from_iso(answer.json()["now"])

    # What the burst made.
    def case_rows(self, account: str) -> list[dict[str, Any]]:
        """The account's non-closed cases, as the staff view lists them."""
        return list(self.pages("/cases", {"view": CASE_VIEW, "accountId": account}))

    def case(self, number: str) -> dict[str, Any]:
        case: dict[str, Any] = self.read(f"/cases/{number}")
        return case

    def mail(self) -> list[dict[str, Any]]:
        """Every email the local stack has sent, oldest first."""
        items: list[dict[str, Any]] = self.read("/_local/outbox", role=None)["items"]
        return items

    def alerts(self, account: str, keys: Iterable[str] | None = None) -> list[dict[str, Any]]:
        wanted = set(keys) if keys is not None else None
        return [alert for alert in self.pages("/alerts", {"accountId": account}) if wanted is None or alert["dedupKey"] in wanted]

    def incidents(self, account: str, devices: Iterable[str] | None = None) -> list[dict[str, Any]]:
        wanted = set(devices) if devices is not None else None
        return [group for group in self.pages("/alerts/groups", {"accountId": account}) if wanted is None or wanted & set(group["devices"])]


# --- sending ------------------------------------------------------------------------------------------------------


@dataclass
class Sent:
    """What the intake answered: by status ("error" for no answer), the event ids of the accepted triggers and
    resolves, and when the first send started and the last answer came (time.monotonic)."""

    answers: Counter[str] = field(default_factory=Counter)
    accepted_triggers: list[str] = field(default_factory=list)
    accepted_resolves: int = 0
    first_sent: float | None = None
    finished: float | None = None

    @property
    def requests(self) -> int:
        return sum(self.answers.values())

    @property
    def accepted(self) -> int:
        return self.answers["202"]

    @property
    def refused(self) -> int:
        return self.requests - self.accepted

    def merge(self, other: Sent) -> None:
        self.answers.update(other.answers)
        self.accepted_triggers += other.accepted_triggers
        self.accepted_resolves += other.accepted_resolves
        if other.first_sent is not None:
            self.first_sent = other.first_sent if self.first_sent is None else min(self.first_sent, other.first_sent)
        if other.finished is not None:
            self.finished = other.finished if self.finished is None else max(self.finished, other.finished)


class Sender:
    """Sends deliveries to the intake as a monitor would, with the desk's time in each webhook's timestamp (the
    intake allows 5 minutes either side of the desk's clock, which may run ahead of real time)."""

    def __init__(self, desk: Desk, account: str, channel: Channel) -> None:
        self.desk, self.channel = desk, channel
        self.monitoring = desk.monitoring(account)
        self.desk_offset = desk.clock() - datetime.now(UTC)

    def desk_now(self) -> datetime:
        return datetime.now(UTC) + self.desk_offset

    def send(self, delivery: Delivery) -> requests.Response:
        event = delivery.event()
        if self.channel == "events-api":
            body = json.dumps({"routing_key": self.monitoring.routing_key, **event}).encode()
            return self.desk.request("POST", "/alerts/v1/enqueue", data=body, headers={"Content-Type": "application/json"})
        body = json.dumps(event).encode()
        timestamp = int(self.desk_now().timestamp())
        headers = {
            "Content-Type": "application/json",
            "webhook-id": delivery.event_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign_webhook(self.monitoring.webhook_secret, delivery.event_id, timestamp, body),
        }
        return self.desk.request("POST", self.monitoring.webhook_path, data=body, headers=headers)

    def send_all(self, deliveries: list[Delivery], *, threads: int = 8) -> Sent:
        """Sends every delivery, `threads` at a time; what the intake answered."""
        sent, lock = Sent(), threading.Lock()

        def one(delivery: Delivery) -> None:
            started = time.monotonic()
            try:
                status = str(self.send(delivery).status_code)
            except (requests.RequestException, DeskUnavailable):
                status = "error"
            with lock:
                sent.first_sent = started if sent.first_sent is None else min(sent.first_sent, started)
                sent.answers[status] += 1
                if status == "202" and delivery.action == "trigger":
                    sent.accepted_triggers.append(delivery.event_id)
                elif status == "202":
                    sent.accepted_resolves += 1

        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="simulate-alerts") as pool:
            list(pool.map(one, deliveries))
        sent.finished = time.monotonic()
        return sent


# --- waiting for what the burst makes -----------------------------------------------------------------------------


class CaseWatch:
    """Reads the account's case view every 100 ms from before the first send, and notes when each new 1-Prod Down
    case of the monitoring channel is first listed (time.monotonic): the alert-to-case latency's end."""

    def __init__(self, desk: Desk, account: str, interval: float = WATCH_INTERVAL_SECONDS) -> None:
        self.desk, self.account, self.interval = desk, account, interval
        self.known = {row["caseNumber"] for row in desk.case_rows(account)}
        self.listed: dict[str, float] = {}  # case number -> when first listed
        self.cases: dict[str, dict[str, Any]] = {}  # the new monitoring cases, as GET /cases/{n} answers
        self._checked: set[str] = set()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="simulate-alerts:cases", daemon=True)

    def __enter__(self) -> CaseWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=HTTP_TIMEOUT_SECONDS)

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(requests.RequestException, DeskUnavailable):  # a busy stack: look again
                self.look()
            self._stop.wait(self.interval)

    def look(self) -> None:
        rows = self.desk.case_rows(self.account)
        seen = time.monotonic()
        for row in rows:
            number = row["caseNumber"]
            if number in self.known or number in self._checked or row["priority"] != PROD_DOWN:
                continue
            case = self.desk.case(number)
            with self._lock:
                self._checked.add(number)
                if case.get("channel") == MONITORING_CHANNEL:
                    self.listed[number], self.cases[number] = seen, case

    def has_case_of(self, incident: dict[str, Any]) -> bool:
        """Whether the incident's case is listed: a new case naming it (the incident may not know its number yet), or
        the case it had before the watch began."""
        number = incident.get("caseNumber")
        with self._lock:
            mine = any(case.get("monitoringGroupId") == incident["groupId"] for case in self.cases.values())
            return mine or number in self.listed or number in self.known

    def new_cases(self) -> list[dict[str, Any]]:
        with self._lock:
            return [self.cases[number] for number in sorted(self.cases)]

    def first_listed(self) -> float | None:
        with self._lock:
            return min(self.listed.values(), default=None)


def eventually(read: Callable[[], Any], done: Callable[[Any], bool], deadline: float, interval: float = POLL_INTERVAL_SECONDS) -> Any:
    """Reads until `done` says so or time.monotonic() passes `deadline`; the last reading either way."""
    while True:
        value = read()
        if done(value) or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def processed(alerts: list[dict[str, Any]], expected_triggers: int, resolved_keys: int = 0) -> bool:
    """Whether the processor has counted every accepted trigger (a retransmit counts once: the intake gives it the
    same event id) and taken every accepted resolve."""
    counted = sum(alert["triggerCount"] for alert in alerts)
    resolved = sum(alert["state"] == "resolved" for alert in alerts)
    return counted >= expected_triggers and resolved >= resolved_keys


def quiet_mail(desk: Desk, deadline: float, quiet: float = QUIET_SECONDS) -> list[dict[str, Any]]:
    """The outbox once it has not changed for `quiet` seconds (or at `deadline`)."""
    mail, since = desk.mail(), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet:
        time.sleep(POLL_INTERVAL_SECONDS)
        now = desk.mail()
        if len(now) != len(mail):
            mail, since = now, time.monotonic()
    return mail


# --- a whole run --------------------------------------------------------------------------------------------------


@dataclass
class Report:
    burst: Burst
    sent: Sent
    alerts: list[dict[str, Any]]  # the run's alerts, as GET /alerts answers them
    incidents: list[dict[str, Any]]  # the run's incidents (GET /alerts/groups)
    cases: list[dict[str, Any]]  # the account's new monitoring cases (GET /cases/{n})
    mail: list[dict[str, Any]]  # the emails sent since the run started
    latency_seconds: float | None  # the first send -> the first new monitoring case listed in the view
    settled: bool  # everything processed and every incident's case listed before the deadline
    started_at: datetime  # the desk's time at the first send
    resolve_after: float | None = None  # then a resolve per key, this long after the first send

    @property
    def exit_code(self) -> int:
        return 0 if self.sent.accepted else 1


def expected_triggers(burst: Burst, sent: Sent) -> int:
    """The triggers the alerts should count: every accepted webhook once (a retransmit has its original's id), every
    accepted events-api request (there a retransmit is a repeat)."""
    return len(set(sent.accepted_triggers)) if burst.channel == "webhook" else len(sent.accepted_triggers)


def simulate(
    desk: Desk, burst: Burst, *, threads: int = 8, wait: float = 90.0, resolve_after: float | None = None, quiet: float = QUIET_SECONDS
) -> Report:
    """Sends the burst (and, `resolve_after` seconds after the first send, a resolve per key), then waits at most
    `wait` seconds more for the processor, the incident's case and the emails; what came of it."""
    sender = Sender(desk, burst.account, burst.channel)
    mail_before = {mail["messageId"] for mail in desk.mail()}
    started_at = sender.desk_now()
    deliveries = plan(burst, started_at)
    with CaseWatch(desk, burst.account) as watch:
        sent = sender.send_all(deliveries, threads=threads)
        assert sent.first_sent is not None  # a burst has at least one delivery
        if resolve_after is not None:
            time.sleep(max(0.0, sent.first_sent + resolve_after - time.monotonic()))
            sent.merge(sender.send_all(resolves(burst, sender.desk_now()), threads=threads))
        deadline = time.monotonic() + wait
        triggers, resolved = expected_triggers(burst, sent), sent.accepted_resolves
        alerts = eventually(
            lambda: desk.alerts(burst.account, burst.alert_keys), lambda found: processed(found, triggers, resolved), deadline
        )
        done = processed(alerts, triggers, resolved)

        def cases_listed(incidents: list[dict[str, Any]]) -> bool:
            return all(watch.has_case_of(group) for group in incidents if group["status"] in ("requested", "open"))

        incidents = eventually(lambda: desk.incidents(burst.account, burst.device_names), cases_listed, deadline)
        done &= cases_listed(incidents)
        mail = quiet_mail(desk, deadline, quiet)
    first = watch.first_listed()
    return Report(
        burst=burst,
        sent=sent,
        alerts=alerts,
        incidents=incidents,
        cases=watch.new_cases(),
        mail=[item for item in mail if item["messageId"] not in mail_before],
        latency_seconds=None if first is None else first - sent.first_sent,
        settled=done,
        started_at=started_at,
        resolve_after=resolve_after,
    )


def wait_for_case(desk: Desk, account: str, known: set[str], deadline: float) -> tuple[dict[str, Any] | None, float]:
    """The first new monitoring case of the account listed in the view before `deadline` (time.monotonic), and when it
    was seen: for a case that opens later (a held incident at the next opening)."""
    watch = CaseWatch(desk, account)
    watch.known |= known
    while time.monotonic() < deadline:
        watch.look()
        if watch.cases:
            return watch.new_cases()[0], watch.first_listed() or time.monotonic()
        time.sleep(WATCH_INTERVAL_SECONDS)
    return None, time.monotonic()


# --- the command --------------------------------------------------------------------------------------------------


def describe(report: Report, threads: int) -> str:
    burst, sent = report.burst, report.sent
    seconds = (sent.finished or 0) - (sent.first_sent or 0)
    route = "signed webhooks" if burst.channel == "webhook" else "PagerDuty events (POST /alerts/v1/enqueue)"
    retransmits = round(burst.events * burst.duplicates)
    lines = [
        f"Sent {sent.requests:,} {route} to {burst.account} in {seconds:.1f} s with {threads} threads "
        f"(run {burst.run_id}: {burst.events:,} triggers over {burst.keys} keys of {burst.devices} device(s), "
        f"{retransmits} retransmits, {round(max(burst.events - 1, 0) * burst.reorder)} out of order"
        + (f"; then {burst.keys} resolves {report.resolve_after:g} s after the first send" if report.resolve_after is not None else "")
        + f"; desk time {to_iso(report.started_at)})",
        f"  accepted (202)   {sent.accepted:,}",
        f"  refused          {sent.refused:,}" + (f"  ({_counts(sent.answers, skip='202')})" if sent.refused else ""),
    ]
    firing = sum(alert["state"] == "firing" for alert in report.alerts)
    triggers = sum(alert["triggerCount"] for alert in report.alerts)
    lines.append(f"Alerts           {len(report.alerts)} ({firing} firing), {triggers:,} triggers counted")
    incidents = ", ".join(f"{group['groupId'][:8]}… {group['status']}" + (f" case {group['caseNumber']}" if group.get("caseNumber") else "")
                          for group in report.incidents)  # fmt: skip
    lines.append(f"Incidents        {len(report.incidents)}" + (f": {incidents}" if incidents else ""))
    cases = "; ".join(f"{case['caseNumber']} {case['priority']} ({case['channel']}) {case['subject']!r}" for case in report.cases)
    lines.append(f"Cases opened     {len(report.cases)}" + (f": {cases}" if cases else ""))
    recipients = Counter(address for mail in report.mail for address in mail["to"])
    lines.append(f"Emails sent      {len(report.mail)}" + (f": {_counts(recipients)}" if recipients else ""))
    latency = "none (no case listed)" if report.latency_seconds is None else f"{report.latency_seconds:.2f} s"
    lines.append(f"Alert-to-case    {latency} (first send -> the case listed in GET /cases?view={CASE_VIEW})")
    if not report.settled:
        lines.append("Note: not everything had settled when the wait ended (--wait); the counts above may still grow.")
    return "\n".join(lines)


def _counts(counter: Counter[str], skip: str | None = None) -> str:
    return ", ".join(f"{key} {count}" for key, count in sorted(counter.items()) if key != skip)


def _fraction(text: str) -> float:
    value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("a fraction from 0 to 1, or a percentage such as 5%")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m local.simulate_alerts", description=__doc__.split("\n\n")[0])
    parser.add_argument("--session", type=Path, default=DEFAULT_SESSION_FILE, help="the local stack's session file (%(default)s)")
    parser.add_argument("--account", default="acme", help="the demo account whose monitoring sends (%(default)s)")
    parser.add_argument("--events", type=_positive_int, default=1000, help="triggers to send (%(default)s)")
    parser.add_argument("--keys", type=_positive_int, default=10, help="alert keys they spread over (%(default)s)")
    parser.add_argument("--devices", type=_positive_int, default=1, help="devices the keys spread over (%(default)s)")
    parser.add_argument("--duplicates", type=_fraction, default=0.05, help="triggers sent again, same webhook-id (0.05 or 5%%)")
    parser.add_argument("--reorder", type=_fraction, default=0.02, help="triggers delivered one place late (0.02 or 2%%)")
    parser.add_argument("--channel", choices=["webhook", "events-api"], default="webhook", help="signed webhook or PagerDuty route")
    parser.add_argument(
        "--resolve-after", type=float, default=None, metavar="SECONDS", help="then resolve every key this long after the first send"
    )
    parser.add_argument("--severity", choices=["critical", "error", "warning", "info"], default="critical", help="%(default)s")
    parser.add_argument("--threads", type=_positive_int, default=8, help="requests in flight (%(default)s)")
    parser.add_argument(
        "--wait", type=float, default=90.0, help="after sending, at most this long for the processor, the case and the emails (s)"
    )
    parser.add_argument("--run-id", default=None, help="names the run's devices and keys (random by default)")
    parser.add_argument("--seed", type=int, default=None, help="which triggers are retransmitted and reordered")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        burst = Burst(
            account=args.account, events=args.events, keys=args.keys, devices=args.devices, duplicates=args.duplicates,
            reorder=args.reorder, channel=args.channel, severity=args.severity, seed=args.seed,
            **({"run_id": args.run_id} if args.run_id else {}),
        )  # fmt: skip
    except ValueError as error:
        print(f"simulate_alerts: {error}", file=sys.stderr)
        return 2
    try:
        report = simulate(Desk(args.session), burst, threads=args.threads, wait=args.wait, resolve_after=args.resolve_after)
    except DeskUnavailable as error:
        print(f"simulate_alerts: {error}", file=sys.stderr)
        return 2
    print(describe(report, args.threads))
    if not report.sent.accepted:
        print("Nothing was accepted: check the session file's monitoring credentials and the desk's clock.", file=sys.stderr)
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
