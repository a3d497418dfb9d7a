"""The desk's clock on the local stack: real time plus an offset that only grows, moved forward by
`POST /_local/clock` (docs/architecture.md, The local stack).

One `DeskClock` serves the whole process: every domain's container takes it as its `clock`
(`use_in_containers`), so business hours, deadlines, report periods and the purge's ages follow it; moto's
Step Functions Waits sleep until it reaches their time (`run_waits_on`), so timers due by a moved clock fire
at once; the local schedules sleep on it too. Sign-in (Cognito's tokens, the authorizer) keeps real time:
moving the desk days ahead must not expire everyone's token."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from functions.shared.clock import to_iso, utc_now
from functions.shared.errors import ErrorResponse

if TYPE_CHECKING:
    from local.http_adapter import LocalPosts, LocalRoutes

# How often a sleeper looks at whether it should stop, when nothing wakes it sooner (a moved clock wakes every
# sleeper at once); a stopped Step Functions execution's thread ends within this.
STOPPED_CHECK_SECONDS = 1.0


class ClockCannotGoBack(Exception):
    """A move to an instant before the desk's current time: its data already holds later times."""

    def __init__(self, now: datetime) -> None:
        super().__init__(f"the desk's clock is at {to_iso(now)} and only moves forward")
        self.now = now


class DeskClock:
    """Real time plus an offset that only grows; thread-safe. A `functions.shared.clock.Clock`."""

    def __init__(self, real_time: Callable[[], datetime] = utc_now) -> None:
        self._real_time = real_time
        self._offset = timedelta()
        # One lock for the offset and the sleepers: a sleeper computes its wait and starts waiting under it, so a
        # move cannot slip between the two and leave it asleep past its time.
        self._moved = threading.Condition(threading.RLock())

    def now(self) -> datetime:
        with self._moved:
            return self._real_time() + self._offset

    @property
    def offset(self) -> timedelta:
        with self._moved:
            return self._offset

    def advance_to(self, moment: datetime) -> datetime:
        """Moves the clock to `moment` (aware) and wakes every sleeper; the new time. Raises ClockCannotGoBack for
        an instant before the current one: the table, the timers and the emails already hold later times."""
        if moment.tzinfo is None:
            raise ValueError("the desk's clock moves to an aware instant")
        with self._moved:
            now = self.now()
            if moment < now:
                raise ClockCannotGoBack(now)
            self._offset += moment - now
            self._moved.notify_all()
            return moment

    def wake_sleepers(self) -> None:
        """Makes every sleeper look at its `stopped` now (a schedule being stopped)."""
        with self._moved:
            self._moved.notify_all()

    def sleep_until(self, moment: datetime, stopped: Callable[[], bool]) -> bool:
        """Blocks until the desk's time reaches `moment` (True) or `stopped()` says so (False). A move of the clock
        wakes it at once; otherwise it looks at `stopped` every STOPPED_CHECK_SECONDS."""
        with self._moved:
            while not stopped():
                remaining = (moment - self.now()).total_seconds()
                if remaining <= 0:
                    return True
                self._moved.wait(min(remaining, STOPPED_CHECK_SECONDS))
            return False

    def state(self) -> dict[str, object]:
        """What GET /_local/clock answers: the desk's time and how far ahead of real time it runs."""
        with self._moved:
            return {"now": to_iso(self.now()), "offsetSeconds": round(self._offset.total_seconds(), 3)}


CLOCK_PATH = "/_local/clock"  # the local stack's own route, like the outbox's
# A clock years ahead is a typo, and one near datetime's limit would break every later deadline's arithmetic.
MAX_AHEAD = timedelta(days=100 * 365)
EXAMPLE = '{"now": "2030-01-07T14:00:00Z"}'


class BadMove(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.field = message, field


def clock_routes(clock: DeskClock) -> tuple[LocalRoutes, LocalPosts]:
    """GET and POST /_local/clock for local/http_adapter.py: read the desk's time, move it forward."""

    def move(body: bytes) -> tuple[int, Mapping[str, object]]:
        try:
            clock.advance_to(requested_time(body, clock.now()))
        except BadMove as error:
            return 400, _refusal("bad_request", error.message, error.field)
        except ClockCannotGoBack as error:
            message = (
                f"The desk's clock only moves forward: it is {to_iso(error.now)} and the time asked for is earlier. "
                "Ask for a later instant, or restart the local stack for real time."
            )
            return 409, _refusal("clock_cannot_go_back", message, "now")
        return 200, clock.state()

    return {CLOCK_PATH: lambda _query: clock.state()}, {CLOCK_PATH: move}


def requested_time(body: bytes, now: datetime) -> datetime:
    """The instant a POST /_local/clock body asks for; BadMove says what is wrong with it."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        document = None
    if not isinstance(document, dict):
        raise BadMove(f"The body must be a JSON object such as {EXAMPLE}.")
    unknown = sorted(set(document) - {"now"})
    if unknown:
        raise BadMove(f"Only now is accepted, e.g. {EXAMPLE}; not {', '.join(unknown)}.", unknown[0])
    text = document.get("now")
    if not isinstance(text, str):
        raise BadMove(f"now is required: an ISO-8601 instant with its zone, e.g. {EXAMPLE}.", "now")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadMove(f"now must be an ISO-8601 instant with its zone (Z or an offset), e.g. 2030-01-07T14:00:00Z; not {text!r}.", "now")
    try:
        ahead = moment - now
    except OverflowError:  # an instant that has no UTC time (0001-01-01T00:00:00+05:00)
        ahead = None
    if ahead is None or ahead > MAX_AHEAD:
        raise BadMove(f"now may be at most 100 years ahead of the desk's time ({to_iso(now)}); not {text!r}.", "now")
    return moment


def _refusal(code: str, message: str, field: str | None) -> Mapping[str, object]:
    return ErrorResponse(error=code, message=message, field=field).model_dump(exclude_none=True)


# The modules that build the time-reading objects: each domain's container and the caller directory (its cache's
# age). Each calls `SystemClock()` when it builds one, so naming the desk clock there reaches every container,
# those built after a reset_environment() included.
_CLOCK_NAME = "SystemClock"


def clock_modules() -> list[ModuleType]:
    """Every module that builds a container with a clock: functions/<domain>/logic/dependencies.py for each
    domain (found on disk, so a new domain is not forgotten) and functions/shared/caller_directory.py."""
    import importlib

    import functions

    root = Path(next(iter(functions.__path__)))
    names = sorted(path.parent.parent.name for path in root.glob("*/logic/dependencies.py"))
    modules = [importlib.import_module(f"functions.{name}.logic.dependencies") for name in names]
    modules.append(importlib.import_module("functions.shared.caller_directory"))
    return [module for module in modules if hasattr(module, _CLOCK_NAME)]


def use_in_containers(clock: DeskClock) -> Callable[[], None]:
    """Every container built from now on takes `clock` as its clock; the undo. Forgets what was built so far
    (reset_environment), so no container keeps the system's."""
    from functions.shared.environment import reset_environment

    originals = {module: getattr(module, _CLOCK_NAME) for module in clock_modules()}
    for module in originals:
        setattr(module, _CLOCK_NAME, lambda: clock)
    reset_environment()

    def undo() -> None:
        for module, original in originals.items():
            setattr(module, _CLOCK_NAME, original)
        reset_environment()

    return undo


def run_waits_on(clock: DeskClock) -> Callable[[], None]:
    """moto's Step Functions Wait states sleep until `clock` reaches their time instead of sleeping in real time
    (a TimestampPath names an instant of the desk's time; Seconds count from the desk's time on entry), and wake
    when the clock moves; the undo. A deliberate patch of moto 5.2.5, as local/moto_patches.py's."""
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEventException
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.timestamp import Timestamp
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction
    from moto.stepfunctions.parser.asl.eval.environment import Environment

    original = WaitFunction._eval_body

    def wake_time(wait: WaitFunction, env: Environment) -> datetime:
        if not isinstance(wait, Timestamp):
            return clock.now() + timedelta(seconds=wait._get_wait_seconds(env=env))
        wait.string.eval(env=env)
        text: str = env.stack.pop()
        if not Timestamp._is_valid_timestamp_pattern(text):  # as moto refuses it: the execution fails
            raise FailureEventException(wait._create_failure_event(env, text))
        # moto drops the fraction and reads the instant as local time; Step Functions keeps it, in UTC.
        return datetime.fromisoformat(text).astimezone(UTC)

    def wait_on_desk_clock(self: WaitFunction, env: Environment) -> None:
        clock.sleep_until(wake_time(self, env), stopped=lambda: not env.is_running())

    # mypy refuses assignments to methods; the ignores silence only that, and it still checks the replacement.
    WaitFunction._eval_body = wait_on_desk_clock  # type: ignore[method-assign]

    def undo() -> None:
        WaitFunction._eval_body = original  # type: ignore[method-assign]

    return undo
