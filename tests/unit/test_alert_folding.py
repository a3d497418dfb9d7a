"""Properties of folding an alert's events (functions/alerts/logic/folding.py): whatever the delivery order and
however the deliveries are batched, an alert ends in the same state, set by the same event, and an alert that
only triggers counts each distinct event once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from functions.alerts.logic.folding import fold_alert
from functions.alerts.models.alerts import Alert
from functions.alerts.models.received import ReceivedEvent
from functions.shared.clock import to_iso

START = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)


def received(event_id: int, seconds: int, action: str) -> ReceivedEvent:
    at = START + timedelta(seconds=seconds)
    payload = {"summary": f"check {event_id}", "source": "ic-01", "severity": "critical", "timestamp": to_iso(at)}
    event = {"routing_key": "", "event_action": action, "dedup_key": "ic-01/cpu", **({"payload": payload} if action == "trigger" else {})}
    return ReceivedEvent.model_validate(
        {
            "eventId": f"e{event_id}",
            "integrationId": "abcdefghij",
            "accountId": "acme",
            "channel": "events-api",
            "receivedAt": to_iso(at + timedelta(seconds=1)),
            "dedupKey": "ic-01/cpu",
            "event": event,
        }
    )


def fold_in_batches(events: list[ReceivedEvent], cuts: list[int]) -> Alert:
    alert = None
    bounds = [0, *sorted(cut % (len(events) + 1) for cut in cuts), len(events)]
    for start, end in zip(bounds, bounds[1:], strict=False):
        alert = fold_alert(alert, events[start:end]) or alert
    assert alert is not None
    return alert


def state(alert: Alert) -> tuple:
    return alert.state, alert.state_at, alert.state_event_id, alert.summary


# Events: (id, seconds after START, action); ids unique, so duplicates below are exact retransmits.
events_strategy = st.lists(
    st.tuples(st.integers(0, 600), st.sampled_from(["trigger", "resolve", "acknowledge"])), min_size=1, max_size=30
).map(lambda pairs: [received(index, seconds, action) for index, (seconds, action) in enumerate(pairs)])
triggers_strategy = st.lists(st.integers(0, 600), min_size=1, max_size=40).map(
    lambda moments: [received(index, seconds, "trigger") for index, seconds in enumerate(moments)]
)


@settings(max_examples=200, deadline=None)
@given(events=events_strategy.filter(lambda events: events[0].event.event_action == "trigger"), data=st.data())
def test_the_state_does_not_depend_on_order_or_batching(events, data):
    shuffled = data.draw(st.permutations(events))
    cuts = data.draw(st.lists(st.integers(0, 100), max_size=5))

    in_order = fold_in_batches(sorted(events, key=lambda event: event.event_id), [])
    assert state(fold_in_batches(shuffled, cuts)) == state(in_order)


@settings(max_examples=200, deadline=None)
@given(events=triggers_strategy, data=st.data())
def test_triggers_count_once_each_in_any_order_and_batching_with_retransmits(events, data):
    delivered = data.draw(st.permutations(events + data.draw(st.lists(st.sampled_from(events), max_size=10))))
    cuts = data.draw(st.lists(st.integers(0, 100), max_size=5))

    alert = fold_in_batches(delivered, cuts)

    assert alert.trigger_count == len(events) and alert.instance == 1
    assert alert.first_triggered_at == min(event.event.payload.timestamp for event in events)
    newest = max(events, key=lambda event: (event.event.payload.timestamp, event.event_id))
    assert (alert.state_at, alert.summary) == (newest.event.payload.timestamp, newest.event.payload.summary)


def test_a_retransmitted_batch_is_nothing_new():
    events = [received(n, n, "trigger") for n in range(3)]
    alert = fold_alert(None, events)

    assert fold_alert(alert, events) is None


def test_four_transitions_within_an_hour_flag_flapping():
    events = [received(n, n * 60, "trigger" if n % 2 == 0 else "resolve") for n in range(4)]

    alert = fold_alert(None, events)

    assert alert is not None and alert.flapping and alert.instance == 2
