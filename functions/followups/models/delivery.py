"""How the cases domain's timer events reach this domain: the rule's pattern on the bus, the queue and
the event source mapping. The stack (infra/components/followups.py) and the local stack
(local/provision.py) are both built from these."""

from __future__ import annotations

CASES_EVENT_SOURCE = "dss.cases"
CASE_TIMER_STARTED = "CaseTimerStarted"
CASE_TIMER_STOPPED = "CaseTimerStopped"
EVENT_PATTERN = {"source": [CASES_EVENT_SOURCE], "detail-type": [CASE_TIMER_STARTED, CASE_TIMER_STOPPED]}

FOLLOW_UP_TIMER = "follow-up"
RESPONSE_ESCALATION_TIMER = "response-escalation"

BATCH_SIZE = 10
MAX_RECEIVE_COUNT = 5  # then the message moves to the dead-letter queue, whose alarm calls a human
FUNCTION_TIMEOUT_SECONDS = 30
# AWS's advice for an SQS event source: at least six times the function timeout.
VISIBILITY_TIMEOUT_SECONDS = 6 * FUNCTION_TIMEOUT_SECONDS
