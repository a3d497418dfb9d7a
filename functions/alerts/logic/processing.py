"""The processor: a batch from the alerts queue folded per account and alert key (a storm reaches each alert's
item once per batch), its incidents decided (functions/alerts/logic/incidents.py), and each account's change
written in one transaction. A transaction that loses a race is decided again from a fresh read; an account
that still fails has its deliveries retried by the queue, where a retransmit (same event id) is dropped."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from functions.alerts.logic.folding import fold_alert
from functions.alerts.logic.incidents import decide
from functions.alerts.models.alerts import AccountOutcome, AccountState, Alert
from functions.alerts.models.received import ReceivedEvent
from functions.alerts.models.records import ConcurrentChange, TooManyWrites
from functions.shared.business_time import BusinessCalendar
from functions.shared.observability import logger

MAX_ATTEMPTS = 5  # lost races per account and batch before the queue retries it
# An alert costs up to two writes (itself, its device's pointer); a transaction holds 100.
KEYS_PER_TRANSACTION = 40


class AlertStorePort(Protocol):
    def read_accounts(self, wanted: dict[str, tuple[set[str], set[str]]]) -> dict[str, AccountState]: ...

    def write_outcome(self, state: AccountState, outcome: AccountOutcome, *, now: datetime) -> None: ...


@dataclass
class BatchResult:
    alerts_changed: int = 0  # alert items written (one per key and transaction, whatever the repeats)
    retransmits: int = 0
    events: list[str] = field(default_factory=list)  # the detail types sent
    failed_accounts: set[str] = field(default_factory=set)


def process_batch(
    received: Sequence[ReceivedEvent],
    *,
    store: AlertStorePort,
    now: datetime,
    calendar: BusinessCalendar,
) -> BatchResult:
    result = BatchResult()
    by_account: dict[str, list[ReceivedEvent]] = defaultdict(list)
    for event in received:
        by_account[event.account_id].append(event)
    states = store.read_accounts({account: _wanted(events) for account, events in by_account.items()})
    for account_id, events in by_account.items():
        try:
            _process_account(events, states[account_id], store=store, now=now, calendar=calendar, result=result)
        except Exception:
            logger.exception("an account's alerts were not processed; the queue delivers them again", extra={"account_id": account_id})
            result.failed_accounts.add(account_id)
    return result


def _wanted(events: Sequence[ReceivedEvent]) -> tuple[set[str], set[str]]:
    return {event.dedup_key for event in events}, {event.event.payload.source for event in events if event.event.payload}


def _process_account(
    events: Sequence[ReceivedEvent],
    state: AccountState,
    *,
    store: AlertStorePort,
    now: datetime,
    calendar: BusinessCalendar,
    result: BatchResult,
) -> None:
    """The account's alerts in transactions of at most KEYS_PER_TRANSACTION keys, each decided on the state
    the ones before committed (no read between them); a lost race reads the account again."""
    account_id = events[0].account_id
    pending = _chunks_by_key(events, KEYS_PER_TRANSACTION)
    attempts = 0
    while pending:
        chunk = pending[0]
        outcome = decide(state, _fold(state, chunk), now=now, calendar=calendar)
        try:
            store.write_outcome(state, outcome, now=now)
        except TooManyWrites:  # rare: many new incidents at once (a zero account window); halve the chunk
            pending[:1] = _chunks_by_key(chunk, max(1, len({event.dedup_key for event in chunk}) // 2))
            if len(pending[0]) == len(chunk):
                raise
            continue
        except ConcurrentChange:
            attempts += 1
            if attempts >= MAX_ATTEMPTS:
                raise
            state = store.read_accounts({account_id: _wanted([event for part in pending for event in part])})[account_id]
            continue
        result.alerts_changed += len(outcome.alerts)
        result.retransmits += len(chunk) - _fresh_count(state, chunk)
        result.events += [event.detail_type.value for event in outcome.events]
        state = _committed(state, outcome)
        pending.pop(0)


def _committed(state: AccountState, outcome: AccountOutcome) -> AccountState:
    """The account's state once the outcome is written (the store bumps each alert's version)."""
    return replace(
        state,
        alerts={**state.alerts, **{alert.dedup_key: alert.model_copy(update={"version": alert.version + 1}) for alert in outcome.alerts}},
        groups={**state.groups, **outcome.groups},
        device_pointers={**state.device_pointers, **outcome.device_pointers},
        account_pointer=outcome.account_pointer or state.account_pointer,
    )


def _fold(state: AccountState, events: Sequence[ReceivedEvent]) -> list[Alert]:
    by_key: dict[str, list[ReceivedEvent]] = defaultdict(list)
    for event in events:
        by_key[event.dedup_key].append(event)
    folded = [fold_alert(state.alerts.get(key), key_events) for key, key_events in by_key.items()]
    return [alert for alert in folded if alert is not None]


def _fresh_count(state: AccountState, events: Sequence[ReceivedEvent]) -> int:
    seen = {(key, event_id) for key, alert in state.alerts.items() for event_id in alert.recent_event_ids}
    return len({(event.dedup_key, event.event_id) for event in events} - seen)


def _chunks_by_key(events: Sequence[ReceivedEvent], keys_per_chunk: int) -> list[list[ReceivedEvent]]:
    """The events in chunks of at most `keys_per_chunk` alert keys, each key's events in one chunk."""
    keys = sorted({event.dedup_key for event in events})
    chunk_of = {key: index // keys_per_chunk for index, key in enumerate(keys)}
    chunks: list[list[ReceivedEvent]] = [[] for _ in range(-(-len(keys) // keys_per_chunk))]
    for event in events:
        chunks[chunk_of[event.dedup_key]].append(event)
    return chunks


def release_alerts(
    account_id: str, alerts: Sequence[Alert], window_id: str, *, store: AlertStorePort, now: datetime, calendar: BusinessCalendar
) -> int:
    """A maintenance window's end: its alerts still firing go to the incidents as newly firing (read again,
    KEYS_PER_TRANSACTION at a time, each chunk decided again after a lost race). How many were released."""
    keys = sorted(alert.dedup_key for alert in alerts)
    devices = {alert.device for alert in alerts}
    released = 0
    for start in range(0, len(keys), KEYS_PER_TRANSACTION):
        chunk = set(keys[start : start + KEYS_PER_TRANSACTION])
        for attempt in range(MAX_ATTEMPTS):
            state = store.read_accounts({account_id: (chunk, devices)})[account_id]
            still = [
                alert.model_copy(update={"suppressed_by": None})
                for alert in state.alerts.values()
                if alert.firing and alert.suppressed_by == window_id
            ]
            outcome = decide(state, still, now=now, calendar=calendar, released=frozenset(alert.dedup_key for alert in still))
            try:
                store.write_outcome(state, outcome, now=now)
            except ConcurrentChange:
                if attempt + 1 == MAX_ATTEMPTS:
                    raise
                continue
            released += len(still)
            break
    return released
