"""The maintenance windows API (the monitoring alerts spec, "Maintenance mode"): staff schedule, change and cancel
an account's windows, staff read any account's and a customer their own account's (another's is not found). The
windows' lives are functions/alerts/logic/maintenance.py's; this adds who may ask, the checks of a new window's
account and maintenance case, the Idempotency-Key of a new window, and the answers.

A new window with an Idempotency-Key: the key's record is claimed first, naming the window's id (with the caller's
change count, one transaction), then the window is scheduled under that id, which `schedule_window` makes
idempotent. A retry with the key answers the window as it is now; one whose first try stopped between the two
writes schedules it under the id claimed, so a key never makes two windows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from functions.alerts.logic.incidents import new_group_id
from functions.alerts.logic.maintenance import WindowStorePort, cancel_window, change_window, schedule_window
from functions.alerts.logic.reads import whose
from functions.alerts.models.maintenance import MaintenanceWindow, MaintenanceWindowChange, NewMaintenanceWindow, WindowStatus
from functions.alerts.models.records import ConcurrentChange, IdempotencyKeyTaken
from functions.alerts.models.views import MaintenanceWindowAnswer, MaintenanceWindowList
from functions.shared.auth import Caller
from functions.shared.case_state import CaseState
from functions.shared.contracts import Actor
from functions.shared.errors import Forbidden, NotFound, ServiceUnavailable, ValidationFailed
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest, replayable
from functions.shared.page_token import PageTokenCodec

MAX_ATTEMPTS = 3
# An end this little before our clock's now is "now": a client's current time reaches us after our own.
NOW_TOLERANCE = timedelta(minutes=2)
BUSY = "The account's maintenance windows are changing as we speak; retry in a moment"


class WindowReader(Protocol):
    def list_account_windows(
        self, account_id: str, *, state: str | None, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[MaintenanceWindow], dict | None]: ...

    def read_account_window(self, account_id: str, window_id: str) -> MaintenanceWindow | None: ...

    def read_account_and_case(self, account_id: str, case_number: str) -> tuple[bool, CaseState | None]: ...

    def read_idempotency(self, scope_key: str) -> IdempotencyRecord | None: ...

    def claim_idempotency(self, request: IdempotentRequest, result_id: str, *, rate_limited: str, now: datetime) -> None: ...


@dataclass(frozen=True)
class Scheduled:
    answer: MaintenanceWindowAnswer
    replayed: bool = False


def schedule(
    request: NewMaintenanceWindow,
    caller: Caller,
    *,
    idempotency: IdempotentRequest | None,
    windows: WindowStorePort,
    reads: WindowReader,
    now: datetime,
) -> Scheduled:
    """A new window of an existing account, naming that account's (maintenance) case."""
    _staff_only(caller, "schedule a maintenance window")
    window_id: str | None = None
    if idempotency and (replay := replayable(reads.read_idempotency(idempotency.scope_key), idempotency, now)):
        if existing := windows.read_window(replay.result_id):
            return Scheduled(window_answer(existing), replayed=True)
        window_id = replay.result_id  # claimed by a first try that stopped before its window: schedule it now
    _check_account_and_case(request, reads)
    if request.ends_at <= now:  # before the key is claimed: a refused request leaves no record
        raise ValidationFailed("endsAt is in the past: a maintenance window must end in the future", field="endsAt")
    if idempotency and window_id is None:
        claimed = _claim(idempotency, caller, windows=windows, reads=reads, now=now)
        if isinstance(claimed, MaintenanceWindow):
            return Scheduled(window_answer(claimed), replayed=True)
        window_id = claimed
    try:
        window = schedule_window(request, _actor(caller), store=windows, now=now, window_id=window_id)
    except ConcurrentChange as error:
        raise ServiceUnavailable(f"{BUSY} (with the same Idempotency-Key, if you sent one).") from error
    return Scheduled(window_answer(window), replayed=window.created_at != now)


def list_windows(
    account_id: str | None,
    caller: Caller,
    *,
    state: WindowStatus | None,
    limit: int,
    next_token: str | None,
    reads: WindowReader,
    page_tokens: Callable[[], PageTokenCodec],
) -> MaintenanceWindowList:
    """An account's windows, the last scheduled first, optionally only those of one status."""
    account = whose(account_id, caller, "maintenance windows")
    scope = f"{caller.user_id}|maintenance-windows|{account}|{state or ''}"
    start_key = page_tokens().decode(next_token, scope=scope) if next_token else None
    windows, next_key = reads.list_account_windows(account, state=state.value if state else None, limit=limit, start_key=start_key)
    return MaintenanceWindowList(
        items=[window_answer(window) for window in windows],
        next_token=page_tokens().encode(next_key, scope=scope) if next_key else None,
    )


def get_window(window_id: str, caller: Caller, *, windows: WindowStorePort, reads: WindowReader) -> MaintenanceWindowAnswer:
    """One window: staff find any by its id; a customer's read is under their own account's key."""
    if caller.is_staff:
        window = windows.read_window(window_id)
    else:
        assert caller.account_id is not None  # a customer caller always has one (functions/shared/auth.py)
        window = reads.read_account_window(caller.account_id, window_id)
    if window is None:
        raise NotFound(f"Maintenance window {window_id} does not exist among yours; list them with GET /alerts/maintenance-windows.")
    return window_answer(window)


def change(
    window_id: str, request: MaintenanceWindowChange, caller: Caller, *, windows: WindowStorePort, now: datetime
) -> MaintenanceWindowAnswer:
    """Before its start: its times and devices; once active: only its end (the current time ends it now: up to
    NOW_TOLERANCE before ours, as a client's clock says it)."""
    _staff_only(caller, "change a maintenance window")
    if request.starts_at is None and request.ends_at is None and request.devices is None:
        raise ValidationFailed("Send what changes: startsAt, endsAt or devices (once the window is active, only endsAt).")
    if request.ends_at is not None and now - NOW_TOLERANCE <= request.ends_at < now:
        request = request.model_copy(update={"ends_at": now})
    try:
        return window_answer(change_window(window_id, request, _actor(caller), store=windows, now=now))
    except ConcurrentChange as error:
        raise ServiceUnavailable(f"{BUSY}.") from error


def cancel(window_id: str, caller: Caller, *, windows: WindowStorePort, now: datetime) -> MaintenanceWindowAnswer:
    """A window that has not started yet; an active one is ended with PATCH endsAt instead."""
    _staff_only(caller, "cancel a maintenance window")
    try:
        return window_answer(cancel_window(window_id, _actor(caller), store=windows, now=now))
    except ConcurrentChange as error:
        raise ServiceUnavailable(f"{BUSY}.") from error


def window_answer(window: MaintenanceWindow) -> MaintenanceWindowAnswer:
    return MaintenanceWindowAnswer.model_validate(window.model_dump())


def _check_account_and_case(request: NewMaintenanceWindow, reads: WindowReader) -> None:
    account_exists, case = reads.read_account_and_case(request.account_id, request.case_number)
    if not account_exists:
        raise NotFound(f"Account {request.account_id} does not exist; check the account id (GET /accounts lists them).", field="accountId")
    if case is None or case.account_id != request.account_id:
        raise ValidationFailed(
            f"Case {request.case_number} is not a case of account {request.account_id}: name the account's maintenance case "
            "(open one with POST /cases if it has none).",
            field="caseNumber",
            code="case_not_of_account",
        )


def _claim(
    idempotency: IdempotentRequest, caller: Caller, *, windows: WindowStorePort, reads: WindowReader, now: datetime
) -> str | MaintenanceWindow:
    """The id the key's record names: a new one claimed, or one a concurrent retry claimed first (its window,
    when that retry saved it already)."""
    for _ in range(MAX_ATTEMPTS):
        window_id = new_group_id(now)
        try:
            reads.claim_idempotency(idempotency, window_id, rate_limited=caller.user_id, now=now)
            return window_id
        except IdempotencyKeyTaken:
            if replay := replayable(reads.read_idempotency(idempotency.scope_key), idempotency, now):
                return windows.read_window(replay.result_id) or replay.result_id
    raise ServiceUnavailable("The window could not be saved; retry in a moment with the same Idempotency-Key.")


def _actor(caller: Caller) -> Actor:
    return Actor(user_id=caller.user_id, role=caller.role)


def _staff_only(caller: Caller, what: str) -> None:
    if not caller.is_staff:
        raise Forbidden(f"Only support engineers and managers can {what}; open a maintenance case to ask for one.")
