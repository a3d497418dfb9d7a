"""Events of the dss-monitoring bus as PagerDuty events (the monitoring alerts spec, "Intake" 3), so they take
the same path as the other channels: a CloudWatch "Alarm State Change" (ALARM triggers, OK resolves, the alarm's
ARN is the alert's key, the instance or the alarm is the device) and a `dss.monitoring` event, whose detail is a
PagerDuty event (its routing_key, if any, ignored: the sender's AWS account names the integration)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CLOUDWATCH_SOURCE, ALARM_STATE_CHANGE = "aws.cloudwatch", "CloudWatch Alarm State Change"
DSS_MONITORING_SOURCE = "dss.monitoring"
# The bus rule's pattern (the stack and the local stack build it from this).
BUS_EVENT_PATTERN = {"source": [CLOUDWATCH_SOURCE, DSS_MONITORING_SOURCE]}
DEVICE_DIMENSIONS = ("InstanceId", "Host", "host", "DBInstanceIdentifier", "LoadBalancer")


def bus_alert(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """The PagerDuty event for a bus event, or None when it is not an alert (another detail type, an
    INSUFFICIENT_DATA state)."""
    detail = event.get("detail")
    if not isinstance(detail, dict):
        return None
    if event.get("source") == DSS_MONITORING_SOURCE:
        return {**detail, "routing_key": ""}
    if event.get("source") != CLOUDWATCH_SOURCE or event.get("detail-type") != ALARM_STATE_CHANGE:
        return None
    state = detail.get("state") or {}
    action = {"ALARM": "trigger", "OK": "resolve"}.get(str(state.get("value")))
    if action is None:
        return None
    name = str(detail.get("alarmName") or "alarm")
    resources = event.get("resources") or []
    key = str(resources[0]) if resources else f"cloudwatch:{event.get('region')}:{name}"
    payload = {
        "summary": f"{name}: {state.get('reason') or state.get('value')}"[:1024],
        "source": _device(detail) or name,
        "severity": "critical",
        "timestamp": state.get("timestamp"),
        "component": _metric(detail, "namespace"),
        "class": _metric(detail, "name"),
        "custom_details": {"alarmArn": key, "region": event.get("region")},
    }
    return {"routing_key": "", "event_action": action, "dedup_key": key[:255], "payload": payload}


def _metrics(detail: Mapping[str, Any]) -> list[dict[str, Any]]:
    metrics = (detail.get("configuration") or {}).get("metrics") or []
    return [metric.get("metricStat", {}).get("metric", {}) for metric in metrics if isinstance(metric, dict)]


def _metric(detail: Mapping[str, Any], field: str) -> str | None:
    return next((str(metric[field]) for metric in _metrics(detail) if metric.get(field)), None)


def _device(detail: Mapping[str, Any]) -> str | None:
    for metric in _metrics(detail):
        dimensions = metric.get("dimensions") or {}
        for name in DEVICE_DIMENSIONS:
            if dimensions.get(name):
                return str(dimensions[name])
    return None
