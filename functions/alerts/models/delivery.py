"""How the cases domain's events reach the alerts domain: an incident's case opened, closed or reopened. The
rule takes every case's (the stack's rules map source and detail type only); the consumer acts on those
that carry monitoringGroupId. The stack (infra) and the local stack (local/provision.py) are both built from
these."""

from __future__ import annotations

from functions.shared.contracts import DetailType, EventSource, event_pattern

# The delivery settings every domain shares (re-exported for the stack and the local stack).
from functions.shared.event_delivery import BATCH_SIZE as BATCH_SIZE
from functions.shared.event_delivery import FUNCTION_TIMEOUT_SECONDS as FUNCTION_TIMEOUT_SECONDS
from functions.shared.event_delivery import MAX_RECEIVE_COUNT as MAX_RECEIVE_COUNT
from functions.shared.event_delivery import VISIBILITY_TIMEOUT_SECONDS as VISIBILITY_TIMEOUT_SECONDS

SUBSCRIBED_DETAIL_TYPES = (DetailType.CASE_CREATED, DetailType.CASE_CLOSED, DetailType.CASE_REOPENED)
EVENT_PATTERN = event_pattern(EventSource.CASES, SUBSCRIBED_DETAIL_TYPES)
