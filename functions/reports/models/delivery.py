"""How events reach the reports domain's consumer: the cases' openings, closures and reopenings (the tallies) and its
own ReportRecipientsInvited (the confirmation emails). The stack (infra) and the local stack (local/provision.py) are
both built from these."""

from __future__ import annotations

from functions.shared.contracts import DetailType, EventSource, sources_pattern

# The delivery settings every domain shares (re-exported for the stack and the local stack).
from functions.shared.event_delivery import BATCH_SIZE as BATCH_SIZE
from functions.shared.event_delivery import FUNCTION_TIMEOUT_SECONDS as FUNCTION_TIMEOUT_SECONDS
from functions.shared.event_delivery import MAX_RECEIVE_COUNT as MAX_RECEIVE_COUNT
from functions.shared.event_delivery import VISIBILITY_TIMEOUT_SECONDS as VISIBILITY_TIMEOUT_SECONDS

TALLIED_DETAIL_TYPES = (DetailType.CASE_CREATED, DetailType.CASE_CLOSED, DetailType.CASE_REOPENED)
EVENT_PATTERN = sources_pattern({EventSource.CASES: TALLIED_DETAIL_TYPES, EventSource.REPORTS: (DetailType.REPORT_RECIPIENTS_INVITED,)})

# The dispatcher's schedule (EventBridge Scheduler in the stack, local/run.py on the desk's clock): on the hour from
# 06:00, when a period's report is due, to 23:00 US Eastern, the later runs taking what an earlier one could not finish.
# Never 01:00-03:00 Eastern, which a daylight-saving change skips or repeats.
DISPATCH_HOURS = range(6, 24)
DISPATCH_TIME_ZONE = "America/New_York"
