"""How the timer events reach this domain: the cases domain's CaseTimerStarted/CaseTimerStopped and the alerts
domain's MonitoringTimerStarted (an incident's timer); the rule's pattern on the bus, the queue and the event
source mapping. The stack (infra/components/followups.py) and the local stack (local/provision.py) are both
built from these."""

from __future__ import annotations

from functions.shared.contracts import DetailType, EventSource, sources_pattern

# The delivery settings every domain shares (re-exported for the stack and the local stack).
from functions.shared.event_delivery import BATCH_SIZE as BATCH_SIZE
from functions.shared.event_delivery import FUNCTION_TIMEOUT_SECONDS as FUNCTION_TIMEOUT_SECONDS
from functions.shared.event_delivery import MAX_RECEIVE_COUNT as MAX_RECEIVE_COUNT
from functions.shared.event_delivery import VISIBILITY_TIMEOUT_SECONDS as VISIBILITY_TIMEOUT_SECONDS

SUBSCRIBED_DETAIL_TYPES = (DetailType.CASE_TIMER_STARTED, DetailType.CASE_TIMER_STOPPED)
# An incident's timer is never stopped: a timer set again replaces its token, and the step of an earlier one
# finds the token gone and does nothing.
SUBSCRIBED_MONITORING_DETAIL_TYPES = (DetailType.MONITORING_TIMER_STARTED,)
SUBSCRIBED: dict[EventSource, tuple[DetailType, ...]] = {
    EventSource.CASES: SUBSCRIBED_DETAIL_TYPES,
    EventSource.ALERTS: SUBSCRIBED_MONITORING_DETAIL_TYPES,
}
EVENT_PATTERN = sources_pattern(SUBSCRIBED)
