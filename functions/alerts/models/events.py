"""A PagerDuty Events API v2 alert event exactly as PagerDuty documents it
(https://developer.pagerduty.com/docs/events-api-v2/trigger-events/): the body of `POST /alerts/v1/enqueue`
and of the signed webhook; PagerDuty's answers; and the spec's two rules on what an event carries (the
monitoring alerts spec, Rules): a missing dedup_key is derived, and the sender's timestamp is clamped.

PagerDuty's JSON is snake_case, so these models derive from pydantic's BaseModel, not from ApiModel or
RequestModel (functions/shared/models.py), whose alias generator would make `dedup_key` `dedupKey`. Only
`class`, a Python keyword, is aliased (the field `event_class`); models dump by alias on their own.

Decided here where PagerDuty's documentation is silent:
- unknown fields are ignored, so a sender's additions never cost an alert;
- a blank dedup_key counts as none (templated senders emit `""`);
- `payload.timestamp` must be ISO-8601 text; one without a UTC offset is UTC;
- summary and source must not be blank: an alert needs a title and a device.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from functions.shared.clock import to_iso

DEDUP_KEY_MAX_LENGTH = 255
SUMMARY_MAX_LENGTH = 1024
# The spec's clamp: a monitor's clock may lag (batches, retries) or run ahead; beyond this it is not believed.
TIMESTAMP_EARLIEST = timedelta(hours=24)
TIMESTAMP_LATEST = timedelta(minutes=5)
DERIVED_DEDUP_KEY_PREFIX = "derived-"
MAX_REPORTED_ERRORS = 10


class EventAction(StrEnum):
    TRIGGER = "trigger"
    ACKNOWLEDGE = "acknowledge"
    RESOLVE = "resolve"


class Severity(StrEnum):
    CRITICAL = "critical"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


def _not_blank(what: str) -> AfterValidator:
    def check(text: str) -> str:
        if not text.strip():
            raise PydanticCustomError("string_blank", "must not be blank; send {what}", {"what": what})
        return text

    return AfterValidator(check)


def _blank_as_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _iso_timestamp(value: object) -> datetime:
    """The moment in UTC (no offset: UTC). Converting here also refuses what UTC cannot hold (year 1 at
    +05:00), which would otherwise fail only when the event is written on."""
    try:
        moment = datetime.fromisoformat(value.strip()) if isinstance(value, str) else value
        if isinstance(moment, datetime):
            return moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        pass
    raise PydanticCustomError(
        "timestamp_not_iso",
        "should be an ISO-8601 date and time such as 2015-07-17T08:42:58.315+0000; leave it out to use the time we receive the event",
    )


Source = Annotated[str, _not_blank("the affected device's hostname, FQDN or address")]
DedupKey = Annotated[str, StringConstraints(max_length=DEDUP_KEY_MAX_LENGTH)]
Summary = Annotated[str, StringConstraints(max_length=SUMMARY_MAX_LENGTH), _not_blank("a brief text summary of the problem")]
SentTimestamp = Annotated[datetime, BeforeValidator(_iso_timestamp), PlainSerializer(to_iso, return_type=str, when_used="json")]


class PagerDutyModel(BaseModel):
    """PagerDuty's snake_case on the wire and in Python; only aliases (`class`) are read and written."""

    model_config = ConfigDict(extra="ignore", serialize_by_alias=True, defer_build=True)


class AlertPayload(PagerDutyModel):
    """What the alert is about (PagerDuty Common Event Format); required to trigger."""

    summary: Summary
    source: Source  # the device
    severity: Severity
    timestamp: SentTimestamp | None = None  # when the monitor detected it; see clamp_timestamp
    component: str | None = None
    group: str | None = None
    event_class: str | None = Field(default=None, alias="class")
    custom_details: dict[str, Any] | None = None


class Image(PagerDutyModel):
    src: str
    href: str | None = None
    alt: str | None = None


class Link(PagerDutyModel):
    href: str
    text: str | None = None


class PagerDutyEvent(PagerDutyModel):
    """An alert event: trigger (payload required), acknowledge or resolve (dedup_key required)."""

    routing_key: str
    event_action: EventAction
    dedup_key: Annotated[DedupKey | None, BeforeValidator(_blank_as_none)] = Field(default=None, validate_default=True)
    payload: AlertPayload | None = Field(default=None, validate_default=True)
    images: list[Image] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    client: str | None = None
    client_url: str | None = None

    @field_validator("dedup_key")
    @classmethod
    def _dedup_key_to_follow_up(cls, dedup_key: str | None, info: ValidationInfo) -> str | None:
        action = info.data.get("event_action")
        if dedup_key is None and action in (EventAction.ACKNOWLEDGE, EventAction.RESOLVE):
            raise PydanticCustomError(
                "dedup_key_required",
                "required to {action} an alert; send the dedup_key of its trigger (the 202 answer to the trigger returned it)",
                {"action": str(action)},
            )
        return dedup_key

    @field_validator("payload")
    @classmethod
    def _payload_to_trigger(cls, payload: AlertPayload | None, info: ValidationInfo) -> AlertPayload | None:
        if payload is None and info.data.get("event_action") == EventAction.TRIGGER:
            raise PydanticCustomError("payload_required", "required to trigger an alert; send payload with summary, source and severity")
        return payload

    def alert_dedup_key(self) -> str:
        """The alert's key: the sender's dedup_key, else the one derived from the payload."""
        if self.dedup_key is not None:
            return self.dedup_key
        assert self.payload is not None  # validation: an event without dedup_key is a trigger, with payload
        return derived_dedup_key(self.payload)


def derived_dedup_key(payload: AlertPayload) -> str:
    """The key of an alert sent without dedup_key: a hash of source, component and class (a missing part
    counts as empty), so repeats of one problem on one device meet, and different ones never do; never a
    constant, since source is never blank (a constant key merges unrelated incidents)."""
    parts = [payload.source, payload.component or "", payload.event_class or ""]
    # JSON keeps the parts apart: ("a.b", "c") and ("a", "b.c") hash differently.
    digest = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
    return DERIVED_DEDUP_KEY_PREFIX + digest[:40]  # 160 bits: no collision among any account's alerts


def clamp_timestamp(sent: datetime | None, received: datetime) -> datetime:
    """When the alert happened, for last-writer-wins: the monitor's timestamp within [received - 24 h,
    received + 5 min], so a clock far off can neither pin an alert's state nor lose an update; missing:
    received. Both aware."""
    if sent is None:
        return received
    return min(max(sent, received - TIMESTAMP_EARLIEST), received + TIMESTAMP_LATEST)


class PagerDutyAnswer(PagerDutyModel):
    """PagerDuty's answer body; the intake answers as PagerDuty does, so senders read it unchanged."""

    status: str
    message: str


class PagerDutyAccepted(PagerDutyAnswer):
    """202: the event is queued."""

    status: Literal["success"] = "success"
    message: str = "Event processed"
    dedup_key: str


class PagerDutyInvalidEvent(PagerDutyAnswer):
    """400: the event does not fit; `errors` says what to fix, one line a field. Senders do not retry it."""

    status: Literal["invalid event"] = "invalid event"
    message: str = "Event object is invalid"
    errors: list[str]

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> PagerDutyInvalidEvent:
        problems = error.errors(include_url=False)
        lines = [_describe(problem) for problem in problems[:MAX_REPORTED_ERRORS]]
        if len(problems) > MAX_REPORTED_ERRORS:
            lines.append(f"and {len(problems) - MAX_REPORTED_ERRORS} more problem(s)")
        return cls(errors=lines)


def _describe(problem: Any) -> str:
    """`field.path: what to fix`, the path as the sender spelled it (`payload.class`, `links.0.href`)."""
    kind = problem["type"]
    if kind == "json_invalid":
        return "body: not valid JSON; send one JSON object"
    path = ".".join(str(part) for part in problem["loc"]) or "body"
    detail = "required" if kind == "missing" else problem["msg"]
    return f"{path}: {detail}"
