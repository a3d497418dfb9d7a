"""How the cases domain's timer events reach this domain: the rule's pattern on the bus, the queue and
the event source mapping. The stack (infra/components/followups.py) and the local stack
(local/provision.py) are both built from these."""

from __future__ import annotations

from functions.shared.contracts import DetailType, EventSource, event_pattern

# The delivery settings every domain shares (re-exported for the stack and the local stack).
from functions.shared.event_delivery import BATCH_SIZE as BATCH_SIZE
from functions.shared.event_delivery import FUNCTION_TIMEOUT_SECONDS as FUNCTION_TIMEOUT_SECONDS
from functions.shared.event_delivery import MAX_RECEIVE_COUNT as MAX_RECEIVE_COUNT
from functions.shared.event_delivery import VISIBILITY_TIMEOUT_SECONDS as VISIBILITY_TIMEOUT_SECONDS

SUBSCRIBED_DETAIL_TYPES = (DetailType.CASE_TIMER_STARTED, DetailType.CASE_TIMER_STOPPED)
EVENT_PATTERN = event_pattern(EventSource.CASES, SUBSCRIBED_DETAIL_TYPES)
