"""The intake: an event is checked (its credential first, then its body) and queued for the processor, with
no database write in the request path (the spec's "Intake"). A credential is verified by its MAC alone, so a
bad or unknown one costs no database call; which key generations an integration accepts (rotation, disable)
comes from its item, read at most once per IntegrationCache staleness per container. One answer for every
refused credential: the caller learns nothing about which part was wrong."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from pydantic import ValidationError

from functions.alerts.logic.bus_events import bus_alert
from functions.alerts.logic.credentials import is_integration_id, read_routing_key, verify_webhook, webhook_secret
from functions.alerts.models.events import PagerDutyAccepted, PagerDutyEvent, PagerDutyInvalidEvent
from functions.alerts.models.integrations import Integration, IntegrationStatus
from functions.alerts.models.received import IntakeChannel, ReceivedEvent
from functions.shared.clock import Clock
from functions.shared.errors import Unauthorized
from functions.shared.observability import logger

REFUSED_CREDENTIAL = (
    "The credential is not valid: check the routing key (or the webhook's signing secret and clock), or ask support for a new one."
)
MAX_CACHED_INTEGRATIONS = 1000  # far above one container's senders; bounds memory against a flood of valid old keys


class IntegrationReader(Protocol):
    def get_integration(self, integration_id: str, *, consistent: bool = True) -> Integration | None: ...

    def integration_for_aws_account(self, aws_account_id: str) -> str | None: ...


class AlertQueue(Protocol):
    def send(self, event: ReceivedEvent) -> None: ...


class InvalidEvent(Exception):
    """The body is not a PagerDuty event; answered 400 as PagerDuty answers it."""

    def __init__(self, answer: PagerDutyInvalidEvent):
        super().__init__(answer.message)
        self.answer = answer


@dataclass(frozen=True)
class _Read:
    at: datetime
    value: Any


class IntegrationCache:
    """Each integration's item as last read, and which integration each AWS sender account belongs to, for less
    than `staleness` by `clock` (a clock going back also makes it stale); a missing one is kept too."""

    def __init__(self, reader: IntegrationReader, *, clock: Clock, staleness: timedelta) -> None:
        self.reader, self.clock, self.staleness = reader, clock, staleness
        self._reads: dict[tuple[str, str], _Read] = {}

    def integration(self, integration_id: str) -> Integration | None:
        found: Integration | None = self._read(
            ("integration", integration_id), lambda: self.reader.get_integration(integration_id, consistent=False)
        )
        return found

    def integration_of_aws_account(self, aws_account_id: str) -> Integration | None:
        integration_id = self._read(("aws-account", aws_account_id), lambda: self.reader.integration_for_aws_account(aws_account_id))
        return self.integration(integration_id) if integration_id else None

    def _read(self, key: tuple[str, str], load: Callable[[], Any]) -> Any:
        now = self.clock.now()
        read = self._reads.get(key)
        if read is None or not read.at <= now < read.at + self.staleness:
            read = _Read(now, load())
            self._reads.pop(key, None)
            self._reads[key] = read
            while len(self._reads) > MAX_CACHED_INTEGRATIONS:
                del self._reads[next(iter(self._reads))]
        return read.value


def enqueue_event(
    body: str,
    *,
    master: bytes,
    integrations: IntegrationCache,
    queue: AlertQueue,
    now: datetime,
    event_id: str,
) -> PagerDutyAccepted:
    """POST /alerts/v1/enqueue: the routing key in the body is the credential."""
    raw = _json_object(body)
    claim = read_routing_key(master, raw.get("routing_key"))
    integration = integrations.integration(claim.integration_id) if claim else None
    if claim is None or integration is None or not integration.accepts(claim.generation, now):
        _refuse("events-api", claim.integration_id if claim else None, "routing key")
    assert integration is not None  # _refuse raised otherwise
    return _queue(raw, integration, IntakeChannel.EVENTS_API, queue=queue, now=now, event_id=event_id)


def receive_webhook(
    integration_id: str,
    headers: Mapping[str, str],
    body: str,
    *,
    master: bytes,
    integrations: IntegrationCache,
    queue: AlertQueue,
    now: datetime,
) -> PagerDutyAccepted:
    """POST /alerts/v1/integrations/{integrationId}/events, signed per Standard Webhooks with the secrets of the
    generations the integration accepts now (two during a rotation's overlap); the webhook-id is the event's id."""
    integration = integrations.integration(integration_id) if is_integration_id(integration_id) else None
    secrets = [webhook_secret(master, integration_id, generation) for generation in _accepted_generations(integration, now)]
    verdict = verify_webhook(secrets, headers, body.encode(), now) if secrets else None
    if integration is None or verdict is None or not verdict.ok:
        _refuse("webhook", integration_id, (verdict.reason or "") if verdict else "unknown or disabled integration")
    assert integration is not None
    raw = _json_object(body)
    event_id = f"webhook:{integration_id}:{_header(headers, 'webhook-id')}"
    return _queue(raw, integration, IntakeChannel.WEBHOOK, queue=queue, now=now, event_id=event_id)


def _accepted_generations(integration: Integration | None, now: datetime) -> list[int]:
    if integration is None:
        return []
    return [generation for generation in (integration.generation, integration.generation - 1) if integration.accepts(generation, now)]


def _queue(
    raw: dict, integration: Integration, channel: IntakeChannel, *, queue: AlertQueue, now: datetime, event_id: str
) -> PagerDutyAccepted:
    try:
        event = PagerDutyEvent.model_validate({**raw, "routing_key": ""})  # the credential never travels further
    except ValidationError as error:
        raise InvalidEvent(PagerDutyInvalidEvent.from_validation_error(error)) from None
    dedup_key = event.alert_dedup_key()
    queue.send(
        ReceivedEvent(
            event_id=event_id,
            integration_id=integration.integration_id,
            account_id=integration.account_id,
            channel=channel,
            received_at=now,
            dedup_key=dedup_key,
            event=event,
        )
    )
    return PagerDutyAccepted(dedup_key=dedup_key)


def _json_object(body: str) -> dict:
    try:
        parsed = json.loads(body or "")
    except (ValueError, RecursionError):
        raise InvalidEvent(PagerDutyInvalidEvent(errors=["body: not valid JSON; send one JSON object"])) from None
    if not isinstance(parsed, dict):
        raise InvalidEvent(PagerDutyInvalidEvent(errors=["body: send one JSON object, not a list or a value"]))
    return parsed


def _refuse(channel: str, integration_id: str | None, reason: str) -> None:
    logger.info("alert credential refused", extra={"channel": channel, "integration": integration_id, "reason": reason})
    raise Unauthorized(REFUSED_CREDENTIAL, code="invalid_credential")


def _header(headers: Mapping[str, str], name: str) -> str:
    return next((value for key, value in headers.items() if key.lower() == name), "")


def receive_bus_event(event: Mapping[str, Any], *, integrations: IntegrationCache, queue: AlertQueue, now: datetime) -> bool:
    """An event from the dss-monitoring bus (functions/alerts/logic/bus_events.py maps it): queued as its sender
    AWS account's integration's, like the other channels. False when it is not an alert or no active
    integration claims its account (logged; the bus's policy admits only listed sender accounts)."""
    alert = bus_alert(event)
    integration = integrations.integration_of_aws_account(str(event.get("account", "")))
    if alert is None or integration is None or integration.status is not IntegrationStatus.ACTIVE:
        logger.info(
            "bus event not queued", extra={"source": event.get("source"), "account": event.get("account"), "alert": alert is not None}
        )
        return False
    try:
        _queue(alert, integration, IntakeChannel.EVENTBRIDGE, queue=queue, now=now, event_id=f"eventbridge:{event.get('id')}")
    except InvalidEvent as invalid:
        logger.warning("bus event not an alert event", extra={"source": event.get("source"), "errors": invalid.answer.errors})
        return False
    return True
