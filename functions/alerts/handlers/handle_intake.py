"""The monitoring intake's routes, public (the credential is the routing key or the webhook's signature, not a
Cognito token): PagerDuty Events API v2-compatible, and the Standard Webhooks-signed path. Each reads the raw
body itself, so the credential is checked before anything of the body is, and answers as PagerDuty does."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import Router

from functions.alerts.logic.dependencies import dependencies
from functions.alerts.logic.intake import InvalidEvent, enqueue_event, receive_webhook
from functions.alerts.models.events import PagerDutyAccepted, PagerDutyEvent, PagerDutyInvalidEvent
from functions.shared.api.responses import error_responses, ok_response

router = Router()


class InvalidEventAnswer(PagerDutyInvalidEvent):
    """PagerDuty's invalid-event body with the desk's `error` beside its `status`: every refusal names its error."""

    error: Literal["invalid_event"] = "invalid_event"


NO_TOKEN: list[dict[str, list[str]]] = [{}]  # OpenAPI's "no security requirement" (see functions/directory/handlers/handle_sign_in.py)
INTAKE_ERRORS = {
    **error_responses(401, 404, 503),  # 404: an integration id that is no id at all matches no route
    400: {"description": "The event does not fit PagerDuty's Events API v2; `errors` says what to fix.",
          "content": {"application/json": {"model": InvalidEventAnswer}}},
}  # fmt: skip
EVENT_BODY = {
    "openapi_extensions": {"security": NO_TOKEN},
    # The body is documented, not validated by the resolver: the credential is checked first, and a bad event is
    # answered as PagerDuty answers it (400), not with the resolver's 422.
    "enable_validation": False,
    "tags": ["Monitoring intake"],
    "responses": {**ok_response(PagerDutyAccepted, "Queued for processing.", 202), **INTAKE_ERRORS},
}
IntegrationId = Annotated[str, Path(alias="integrationId", pattern=r"^[a-z2-7]{10}$", description="e.g. `k3v7q2m5xa`.")]


@router.post(
    "/alerts/v1/enqueue",
    summary="Send a monitoring event (PagerDuty Events API v2)",
    description="The body is a PagerDuty Events API v2 event (`routing_key`, `event_action`, `dedup_key`, `payload`): "
    "point Alertmanager's `pagerduty_configs.url`, Grafana's or any PagerDuty-compatible monitor here. The routing key "
    "names the integration, so the customer account; a bad, unknown or disabled one is 401.",
    **EVENT_BODY,  # type: ignore[arg-type]
)
def post_enqueue(_event: Annotated[PagerDutyEvent | None, Body(description="A PagerDuty Events API v2 event.")] = None) -> Response[Any]:
    deps = dependencies()
    return _answer(
        lambda: enqueue_event(
            _body(),
            master=deps.master_key(),
            integrations=deps.integration_cache,
            queue=deps.queue,
            now=deps.clock.now(),
            event_id=f"events-api:{uuid.uuid4()}",
        )
    )


@router.post(
    "/alerts/v1/integrations/<integrationId>/events",
    summary="Send a signed monitoring event (Standard Webhooks)",
    description="The same event as POST /alerts/v1/enqueue (its `routing_key` is not needed), signed per Standard "
    "Webhooks with the integration's secret: `webhook-id`, `webhook-timestamp` (within 5 minutes), `webhook-signature` "
    "(`v1,<base64 HMAC-SHA256 of id.timestamp.body>`, several during a rotation).",
    **EVENT_BODY,  # type: ignore[arg-type]
)
def post_webhook(
    integrationId: IntegrationId,  # without the resolver's validation, path parameters arrive by their own name
    _event: Annotated[PagerDutyEvent | None, Body(description="A PagerDuty Events API v2 event; routing_key is not needed.")] = None,
) -> Response[Any]:
    deps = dependencies()
    event = router.current_event
    return _answer(
        lambda: receive_webhook(
            integrationId,
            dict(event.headers or {}),
            _body(),
            master=deps.master_key(),
            integrations=deps.integration_cache,
            queue=deps.queue,
            now=deps.clock.now(),
        )
    )


def _body() -> str:
    """The raw body as text; bytes that are not UTF-8 cannot be JSON, so they are an invalid event (400)."""
    try:
        return router.current_event.decoded_body or ""
    except UnicodeDecodeError:
        raise InvalidEvent(PagerDutyInvalidEvent(errors=["body: not UTF-8 text; send one JSON object"])) from None


def _answer(accept: Any) -> Response[Any]:
    try:
        accepted: PagerDutyAccepted = accept()
    except InvalidEvent as invalid:
        answer = InvalidEventAnswer(errors=invalid.answer.errors)
        return Response(status_code=400, content_type=content_types.APPLICATION_JSON, body=answer.model_dump(mode="json"))
    return Response(status_code=202, content_type=content_types.APPLICATION_JSON, body=accepted.model_dump(mode="json"))
