"""How other domains' events reach the cases domain: the purge job's CaseFilesPurged, which marks the case,
the alerts domain's incidents, which open and annotate their cases, and its maintenance windows, told to their
maintenance cases, and the updates domain's weekly check, which opens an account's behind-GA case
(functions/cases/logic/bus_events.py).
The stack (infra) and the local stack (local/provision.py) are both built from these."""

from __future__ import annotations

from functions.shared.contracts import (
    MAINTENANCE_WINDOW_EVENTS,
    CaseFilesPurged,
    DetailType,
    EventSource,
    GatewaysBehindGa,
    MonitoringAlertsAttached,
    MonitoringAlertsRecovered,
    MonitoringCaseRequested,
    sources_pattern,
)

# The delivery settings every domain shares (re-exported for the stack and the local stack).
from functions.shared.event_delivery import BATCH_SIZE as BATCH_SIZE
from functions.shared.event_delivery import FUNCTION_TIMEOUT_SECONDS as FUNCTION_TIMEOUT_SECONDS
from functions.shared.event_delivery import MAX_RECEIVE_COUNT as MAX_RECEIVE_COUNT
from functions.shared.event_delivery import VISIBILITY_TIMEOUT_SECONDS as VISIBILITY_TIMEOUT_SECONDS

SUBSCRIBED: dict[EventSource, tuple[DetailType, ...]] = {
    CaseFilesPurged.source: (CaseFilesPurged.detail_type,),
    # MonitoringGroupHeld is the notifications domain's alone: a held incident has no case yet.
    # The maintenance windows' life, each told to its maintenance case.
    EventSource.ALERTS: (
        *(model.detail_type for model in (MonitoringCaseRequested, MonitoringAlertsAttached, MonitoringAlertsRecovered)),
        *(model.detail_type for model in MAINTENANCE_WINDOW_EVENTS),
    ),
    GatewaysBehindGa.source: (GatewaysBehindGa.detail_type,),  # the weekly check: the account's proactive case
}
EVENT_PATTERN = sources_pattern(SUBSCRIBED)
