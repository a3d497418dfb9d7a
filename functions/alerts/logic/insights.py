"""Proactive insights (the monitoring alerts spec, "Proactive cases"; the guide: engineers open proactive cases from
monitoring telemetry): the candidates an engineer looks at before opening a Proactive case, from the account's
alerts last received within the period. Warnings and infos, which open nothing, count here as much as the rest.

- **recurring**: an alert that started firing at least twice, or was triggered at least 10 times in its current
  instance: most instances first, then most triggers, then the latest;
- **flapping**: an alert flagged flapping (4 or more state changes within an hour, by the processor): most
  changes first;
- **devices**: each device's alerts (how many, how many firing or flapping, their triggers): most alerts first.

Each list is capped at 20, with its total. An alert's times live in its item's body, so the account's alerts are
all read and the period is applied here: **the cost grows with the account's alerts, not with `days`: one Query
page per 1 MB of its `ALERT#` items** (an alert with its last 200 delivery ids is a few kilobytes, so a page holds
some hundreds), at most 10 pages (10 MB); beyond, the answer says `complete: false` and covers the alerts read."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Protocol

from functions.alerts.models.alerts import Alert
from functions.alerts.models.views import AlertInsights, DeviceAlerts, InsightAlert
from functions.shared.auth import Caller
from functions.shared.errors import Forbidden

RECURRING_INSTANCES = 2  # started firing again after a resolve
RECURRING_TRIGGERS = 10  # triggers of one instance
MAX_CANDIDATES = 20  # of each kind
MAX_PAGES = 10  # Query pages of 1 MB: within the API's 10 s whatever the account holds


class InsightsReader(Protocol):
    def account_alerts(self, account_id: str, *, max_pages: int) -> tuple[list[Alert], bool]: ...


def account_insights(account_id: str, caller: Caller, *, days: int, store: InsightsReader, now: datetime) -> AlertInsights:
    if not caller.is_staff:
        raise Forbidden("Only support engineers and managers can read proactive insights; your support team opens proactive cases.")
    since = now - timedelta(days=days)
    alerts, complete = store.account_alerts(account_id, max_pages=MAX_PAGES)
    recent = [alert for alert in alerts if alert.instance > 0 and alert.last_received_at >= since]

    recurring = [alert for alert in recent if alert.instance >= RECURRING_INSTANCES or alert.trigger_count >= RECURRING_TRIGGERS]
    recurring.sort(key=lambda alert: (-alert.instance, -alert.trigger_count, -alert.last_received_at.timestamp(), alert.dedup_key))
    flapping = [alert for alert in recent if alert.flapping]
    flapping.sort(key=lambda alert: (-len(alert.transitions), -alert.last_received_at.timestamp(), alert.dedup_key))
    devices = _per_device(recent)
    return AlertInsights(
        account_id=account_id,
        days=days,
        since=since,
        alerts_examined=len(alerts),
        complete=complete,
        recurring=[_line(alert) for alert in recurring[:MAX_CANDIDATES]],
        recurring_total=len(recurring),
        flapping=[_line(alert) for alert in flapping[:MAX_CANDIDATES]],
        flapping_total=len(flapping),
        devices=devices[:MAX_CANDIDATES],
        devices_total=len(devices),
    )


def _per_device(alerts: list[Alert]) -> list[DeviceAlerts]:
    by_device: dict[str, list[Alert]] = defaultdict(list)
    for alert in alerts:
        by_device[alert.device].append(alert)
    devices = [
        DeviceAlerts(
            device=device,
            alert_count=len(of_device),
            firing_count=sum(alert.firing for alert in of_device),
            trigger_count=sum(alert.trigger_count for alert in of_device),
            flapping_count=sum(alert.flapping for alert in of_device),
            last_received_at=max(alert.last_received_at for alert in of_device),
        )
        for device, of_device in by_device.items()
    ]
    devices.sort(key=lambda device: (-device.alert_count, -device.trigger_count, device.device))
    return devices


def _line(alert: Alert) -> InsightAlert:
    return InsightAlert(
        dedup_key=alert.dedup_key,
        device=alert.device,
        severity=alert.severity,
        summary=alert.summary,
        state=alert.state,
        instance=alert.instance,
        trigger_count=alert.trigger_count,
        flapping=alert.flapping,
        transitions=len(alert.transitions),
        first_triggered_at=alert.first_triggered_at,
        last_received_at=alert.last_received_at,
        group_id=alert.group_id,
    )
