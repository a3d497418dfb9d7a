"""PagerDuty Events API v2 events as the intake reads them: what is accepted, what is refused and how the
refusal says what to fix, the derived dedup key and the clamped timestamp."""

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from functions.alerts.models.events import (
    AlertPayload,
    EventAction,
    PagerDutyAccepted,
    PagerDutyEvent,
    PagerDutyInvalidEvent,
    Severity,
    clamp_timestamp,
    derived_dedup_key,
)

ROUTING_KEY = "abcdefghija" + "a" * 21
RECEIVED = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)

# PagerDuty's documented examples (developer.pagerduty.com, Events API v2, "Send an Alert Event").
DOCUMENTED_TRIGGER = {
    "payload": {
        "summary": "Example alert on host1.example.com",
        "timestamp": "2015-07-17T08:42:58.315+0000",
        "source": "monitoringtool:cloudvendor:central-region-dc-01:852559987:cluster/api-stats-prod-003",
        "severity": "info",
        "component": "postgres",
        "group": "prod-datapipe",
        "class": "deploy",
        "custom_details": {"ping time": "1500ms", "load avg": 0.75},
    },
    "routing_key": ROUTING_KEY,
    "dedup_key": "samplekeyhere",
    "images": [
        {
            "src": "https://www.pagerduty.com/wp-content/uploads/2016/05/pagerduty-logo-green.png",
            "href": "https://example.com/",
            "alt": "Example text",
        }
    ],
    "links": [{"href": "https://example.com/", "text": "Link text"}],
    "event_action": "trigger",
    "client": "Sample Monitoring Service",
    "client_url": "https://monitoring.example.com",
}


def trigger(**payload_changes: object) -> dict:
    payload = {"summary": "Interaction Gateway down", "source": "ig-01.example.net", "severity": "critical", **payload_changes}
    return {"routing_key": ROUTING_KEY, "event_action": "trigger", "payload": payload}


def errors_of(body: object) -> list[str]:
    return errors_of_json_text(json.dumps(body))


def errors_of_json_text(text: str) -> list[str]:
    with pytest.raises(ValidationError) as refusal:
        PagerDutyEvent.model_validate_json(text)
    return PagerDutyInvalidEvent.from_validation_error(refusal.value).errors


def payload(source: str, component: str | None = None, event_class: str | None = None) -> AlertPayload:
    return AlertPayload.model_validate(
        {"summary": "s", "source": source, "severity": "error", "component": component, "class": event_class}
    )


# --- accepted ---


def test_pagerduty_s_documented_trigger_is_read_field_by_field():
    event = PagerDutyEvent.model_validate_json(json.dumps(DOCUMENTED_TRIGGER))
    assert (event.event_action, event.dedup_key, event.routing_key) == (EventAction.TRIGGER, "samplekeyhere", ROUTING_KEY)
    assert event.payload is not None
    assert event.payload.severity is Severity.INFO
    assert event.payload.event_class == "deploy"
    assert event.payload.timestamp == datetime(2015, 7, 17, 8, 42, 58, 315000, tzinfo=UTC)
    assert event.payload.custom_details == {"ping time": "1500ms", "load avg": 0.75}
    assert event.images[0].alt == "Example text" and event.links[0].text == "Link text"
    assert (event.client, event.client_url) == ("Sample Monitoring Service", "https://monitoring.example.com")


def test_the_event_is_written_back_in_pagerduty_s_snake_case():
    written = json.loads(PagerDutyEvent.model_validate(DOCUMENTED_TRIGGER).model_dump_json(exclude_none=True))
    assert set(written) == set(DOCUMENTED_TRIGGER)
    assert set(written["payload"]) == set(DOCUMENTED_TRIGGER["payload"])  # "class", "custom_details", not eventClass
    assert written["payload"]["timestamp"] == "2015-07-17T08:42:58.315Z"
    assert PagerDutyEvent.model_validate(written) == PagerDutyEvent.model_validate(DOCUMENTED_TRIGGER)


@pytest.mark.parametrize("action", ["acknowledge", "resolve"])
def test_pagerduty_s_documented_acknowledge_and_resolve_need_no_payload(action):
    event = PagerDutyEvent.model_validate({"routing_key": ROUTING_KEY, "dedup_key": "dedupkeyhere", "event_action": action})
    assert (event.event_action, event.payload, event.alert_dedup_key()) == (EventAction(action), None, "dedupkeyhere")


def test_a_resolve_may_carry_the_payload_as_alertmanager_sends_it():
    body = {**trigger(), "event_action": "resolve", "dedup_key": "fingerprint-1"}
    assert PagerDutyEvent.model_validate(body).payload is not None


def test_unknown_fields_are_ignored_so_a_sender_s_additions_cost_no_alert():
    body = trigger(vendor_field=1)
    body["incident_key"] = "legacy"
    event = PagerDutyEvent.model_validate(body)
    assert "incident_key" not in event.model_dump() and "vendor_field" not in event.model_dump()["payload"]


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ("2015-07-17T08:42:58.315+0000", datetime(2015, 7, 17, 8, 42, 58, 315000, tzinfo=UTC)),  # PagerDuty's own example
        ("2015-07-17T08:42:58Z", datetime(2015, 7, 17, 8, 42, 58, tzinfo=UTC)),
        ("2015-07-17T10:42:58+02:00", datetime(2015, 7, 17, 8, 42, 58, tzinfo=UTC)),
        ("2015-07-17T08:42:58", datetime(2015, 7, 17, 8, 42, 58, tzinfo=UTC)),  # no offset: UTC
        (" 2015-07-17T08:42:58Z ", datetime(2015, 7, 17, 8, 42, 58, tzinfo=UTC)),
    ],
)
def test_iso_8601_timestamps_are_read_as_moments_in_utc(sent, read):
    event = PagerDutyEvent.model_validate(trigger(timestamp=sent))
    assert event.payload is not None and event.payload.timestamp == read
    assert event.payload.timestamp.tzinfo is UTC
    assert json.loads(event.model_dump_json())["payload"]["timestamp"] == read.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@given(summary=st.text(min_size=1, max_size=1024).filter(str.strip), dedup_key=st.text(min_size=1, max_size=255).filter(str.strip))
def test_summaries_up_to_1024_and_dedup_keys_up_to_255_characters_are_accepted(summary, dedup_key):
    event = PagerDutyEvent.model_validate({**trigger(summary=summary), "dedup_key": dedup_key})
    assert event.payload is not None and event.payload.summary == summary
    assert event.alert_dedup_key() == dedup_key


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_dedup_key_counts_as_none_and_the_trigger_s_key_is_derived(blank):
    event = PagerDutyEvent.model_validate({**trigger(component="sip", **{"class": "down"}), "dedup_key": blank})
    assert event.dedup_key is None
    assert event.payload is not None and event.alert_dedup_key() == derived_dedup_key(event.payload)


# --- refused, saying what to fix ---


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            {"routing_key": ROUTING_KEY, "event_action": "trigger"},
            "payload: required to trigger an alert; send payload with summary, source and severity",
        ),
        (
            {"routing_key": ROUTING_KEY, "event_action": "resolve"},
            "dedup_key: required to resolve an alert; send the dedup_key of its trigger (the 202 answer to the trigger returned it)",
        ),
        (
            {"routing_key": ROUTING_KEY, "event_action": "acknowledge", "dedup_key": ""},
            "dedup_key: required to acknowledge an alert; send the dedup_key of its trigger (the 202 answer to the trigger returned it)",
        ),
        ({**trigger(), "event_action": "escalate"}, "event_action: Input should be 'trigger', 'acknowledge' or 'resolve'"),
        ({**trigger(), "event_action": "Trigger"}, "event_action: Input should be 'trigger', 'acknowledge' or 'resolve'"),
        ({"event_action": "trigger", "payload": trigger()["payload"]}, "routing_key: required"),
        (trigger(severity="fatal"), "payload.severity: Input should be 'critical', 'error', 'warning' or 'info'"),
        (trigger(summary=" "), "payload.summary: must not be blank; send a brief text summary of the problem"),
        (trigger(summary="x" * 1025), "payload.summary: String should have at most 1024 characters"),
        (trigger(source=""), "payload.source: must not be blank; send the affected device's hostname, FQDN or address"),
        ({**trigger(), "dedup_key": "k" * 256}, "dedup_key: String should have at most 255 characters"),
        (trigger(custom_details="ping 1500ms"), "payload.custom_details: Input should be an object"),
        ({**trigger(), "links": [{"text": "runbook"}]}, "links.0.href: required"),
        ({**trigger(), "images": [{"href": "https://example.com"}]}, "images.0.src: required"),
        ({**trigger(), "payload": "down"}, "payload: Input should be an object"),
        ([trigger()], "body: Input should be an object"),
    ],
)
def test_refusals_name_the_field_and_what_to_send(body, error):
    assert errors_of(body) == [error]


@pytest.mark.parametrize(
    "sent",
    ["yesterday", "17/07/2015 08:42", "", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", 1437122578, 1437122578.315, True],
)
def test_a_timestamp_that_is_not_iso_8601_text_is_refused_with_an_example(sent):
    assert errors_of(trigger(timestamp=sent)) == [
        "payload.timestamp: should be an ISO-8601 date and time such as 2015-07-17T08:42:58.315+0000; "
        "leave it out to use the time we receive the event"
    ]


def test_camel_case_is_not_pagerduty_s_spelling():
    body = {"routingKey": ROUTING_KEY, "eventAction": "trigger", "payload": trigger()["payload"]}
    assert errors_of(body) == ["routing_key: required", "event_action: required"]


def test_every_problem_is_listed():
    body = {"event_action": "trigger", "payload": {"severity": "bad"}}
    assert errors_of(body) == [
        "routing_key: required",
        "payload.summary: required",
        "payload.source: required",
        "payload.severity: Input should be 'critical', 'error', 'warning' or 'info'",
    ]


def test_a_lone_surrogate_is_refused_however_the_event_is_read():
    # pydantic refuses it on its own: no store downstream could hold it.
    assert errors_of_json_text('{"routing_key": "k", "event_action": "resolve", "dedup_key": "\\ud800"}') == [
        "body: not valid JSON; send one JSON object"
    ]
    with pytest.raises(ValidationError) as refusal:
        PagerDutyEvent.model_validate(trigger(summary="\ud800"))
    (error,) = PagerDutyInvalidEvent.from_validation_error(refusal.value).errors
    assert error == "payload.summary: Input should be a valid string, unable to parse raw data as a unicode string"


def test_malformed_json_is_one_error():
    with pytest.raises(ValidationError) as refusal:
        PagerDutyEvent.model_validate_json(b'{"routing_key": ')
    assert PagerDutyInvalidEvent.from_validation_error(refusal.value).errors == ["body: not valid JSON; send one JSON object"]


def test_a_flood_of_problems_is_cut_short():
    body = {**trigger(), "links": [{}] * 30}
    errors = errors_of(body)
    assert len(errors) == 11 and errors[-1] == "and 20 more problem(s)"


# --- PagerDuty's answers ---


def test_answers_are_pagerduty_s_bodies():
    assert json.loads(PagerDutyAccepted(dedup_key="k-1").model_dump_json()) == {
        "status": "success",
        "message": "Event processed",
        "dedup_key": "k-1",
    }
    invalid = PagerDutyInvalidEvent(errors=["payload: required"])
    assert json.loads(invalid.model_dump_json()) == {
        "status": "invalid event",
        "message": "Event object is invalid",
        "errors": ["payload: required"],
    }


# --- the derived dedup key ---

parts = st.text(max_size=40)
sources = st.text(min_size=1, max_size=40).filter(str.strip)


@given(source=sources, component=st.none() | parts, event_class=st.none() | parts)
def test_the_derived_key_is_stable_and_fits_pagerduty_s_limit(source, component, event_class):
    key = derived_dedup_key(payload(source, component, event_class))
    assert key == derived_dedup_key(payload(source, component, event_class))
    assert key.startswith("derived-") and len(key) <= 255


@given(first=st.tuples(sources, parts, parts), second=st.tuples(sources, parts, parts))
def test_the_derived_key_differs_when_source_component_or_class_differs(first, second):
    assume(first != second)
    assert derived_dedup_key(payload(*first)) != derived_dedup_key(payload(*second))


def test_the_parts_cannot_run_into_each_other():
    assert derived_dedup_key(payload("a", "b.c", "")) != derived_dedup_key(payload("a.b", "c", ""))
    assert derived_dedup_key(payload("a", "", "b")) != derived_dedup_key(payload("a", "b", ""))


@given(first=sources, second=sources)
def test_with_component_and_class_empty_or_missing_the_key_still_tells_devices_apart(first, second):
    assume(first != second)
    assert derived_dedup_key(payload(first)) != derived_dedup_key(payload(second))
    assert derived_dedup_key(payload(first, "", "")) != derived_dedup_key(payload(second, "", ""))


def test_a_missing_part_is_the_same_alert_as_an_empty_one():
    assert derived_dedup_key(payload("ig-01", None, None)) == derived_dedup_key(payload("ig-01", "", ""))


def test_group_severity_and_summary_do_not_split_an_alert():
    first = AlertPayload.model_validate({"summary": "CPU 91%", "source": "ms-02", "severity": "warning", "group": "a", "class": "cpu"})
    second = AlertPayload.model_validate({"summary": "CPU 99%", "source": "ms-02", "severity": "critical", "group": "b", "class": "cpu"})
    assert derived_dedup_key(first) == derived_dedup_key(second)


# --- the clamp ---

moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))


@given(sent=moments, received=moments)
def test_the_clamped_timestamp_is_within_a_day_before_and_five_minutes_after_receipt(sent, received):
    clamped = clamp_timestamp(sent, received)
    assert received - timedelta(hours=24) <= clamped <= received + timedelta(minutes=5)
    if received - timedelta(hours=24) <= sent <= received + timedelta(minutes=5):
        assert clamped == sent


@pytest.mark.parametrize(
    ("sent", "clamped"),
    [
        (None, RECEIVED),
        (RECEIVED - timedelta(hours=24), RECEIVED - timedelta(hours=24)),
        (RECEIVED - timedelta(hours=24, microseconds=1), RECEIVED - timedelta(hours=24)),
        (RECEIVED - timedelta(days=400), RECEIVED - timedelta(hours=24)),
        (RECEIVED + timedelta(minutes=5), RECEIVED + timedelta(minutes=5)),
        (RECEIVED + timedelta(minutes=5, microseconds=1), RECEIVED + timedelta(minutes=5)),
        (RECEIVED + timedelta(days=3), RECEIVED + timedelta(minutes=5)),
        (RECEIVED - timedelta(minutes=3), RECEIVED - timedelta(minutes=3)),
    ],
)
def test_the_clamp_at_its_edges(sent, clamped):
    assert clamp_timestamp(sent, RECEIVED) == clamped


def test_the_clamp_compares_moments_not_wall_clocks():
    sent = datetime(2026, 3, 2, 17, 3, tzinfo=timezone(timedelta(hours=2)))  # 15:03 UTC: 3 minutes ahead
    assert clamp_timestamp(sent, RECEIVED) == sent
