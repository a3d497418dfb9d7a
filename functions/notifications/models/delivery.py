"""How the cases domain's events reach this domain: the rule's pattern on the bus, the queue and the
event source mapping. The stack (infra/components/notifications.py) and the local stack
(local/provision.py, local/event_sources.py) are both built from these."""

from __future__ import annotations

# The delivery settings every domain shares (re-exported for the stack and the local stack).
from functions.shared.event_delivery import BATCH_SIZE as BATCH_SIZE
from functions.shared.event_delivery import FUNCTION_TIMEOUT_SECONDS as FUNCTION_TIMEOUT_SECONDS
from functions.shared.event_delivery import MAX_RECEIVE_COUNT as MAX_RECEIVE_COUNT
from functions.shared.event_delivery import VISIBILITY_TIMEOUT_SECONDS as VISIBILITY_TIMEOUT_SECONDS

CASES_EVENT_SOURCE = "dss.cases"
CASE_CREATED = "CaseCreated"
CASE_UPDATED = "CaseUpdated"
CASE_CLOSED = "CaseClosed"
CASE_REOPENED = "CaseReopened"
CASE_ESCALATED = "CaseEscalated"
# Timer steps acting on a case (the follow-up ladder, the first-response escalation; their actor is the
# automation). The ladder's last step, the auto-close, is a CaseClosed with sub status Auto-closed.
CASE_FOLLOW_UP_REMINDER = "CaseFollowUpReminder"
CASE_RESPONSE_OVERDUE = "CaseResponseOverdue"
# Only the events that can send an email: CaseStatusChanged and CasePriorityChanged always come with
# one of these, which carries the news, so subscribing to them would only add invocations; the timers'
# CaseTimerStarted and CaseTimerStopped are the followups domain's business.
SUBSCRIBED_DETAIL_TYPES = (
    CASE_CREATED, CASE_UPDATED, CASE_CLOSED, CASE_REOPENED, CASE_ESCALATED, CASE_FOLLOW_UP_REMINDER, CASE_RESPONSE_OVERDUE,
)  # fmt: skip
EVENT_PATTERN = {"source": [CASES_EVENT_SOURCE], "detail-type": list(SUBSCRIBED_DETAIL_TYPES)}
