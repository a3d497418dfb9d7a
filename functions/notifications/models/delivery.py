"""How other domains' events reach this domain (the cases domain's case events, the directory's contact
events, the alerts domain's held incidents and maintenance windows, the updates domain's Windows-update
reminders to the Testing Department): the rule's pattern on the bus, the queue and the event
source mapping. The stack (infra/components/notifications.py) and the local stack (local/provision.py,
local/event_sources.py) are both built from these."""

from __future__ import annotations

from functions.shared.contracts import DetailType, EventSource, sources_pattern

# The delivery settings every domain shares (re-exported for the stack and the local stack).
from functions.shared.event_delivery import BATCH_SIZE as BATCH_SIZE
from functions.shared.event_delivery import FUNCTION_TIMEOUT_SECONDS as FUNCTION_TIMEOUT_SECONDS
from functions.shared.event_delivery import MAX_RECEIVE_COUNT as MAX_RECEIVE_COUNT
from functions.shared.event_delivery import VISIBILITY_TIMEOUT_SECONDS as VISIBILITY_TIMEOUT_SECONDS

# The cases domain's events that can send an email: CaseStatusChanged and CasePriorityChanged always come
# with one of these, which carries the news, so subscribing to them would only add invocations; the
# timers' CaseTimerStarted and CaseTimerStopped are the followups domain's business. The timer steps'
# events (a reminder, an overdue response) have the automation as their actor; the ladder's auto-close is
# a CaseClosed with sub status Auto-closed.
SUBSCRIBED_CASE_DETAIL_TYPES = (
    DetailType.CASE_CREATED,
    DetailType.CASE_UPDATED,
    DetailType.CASE_CLOSED,
    DetailType.CASE_REOPENED,
    DetailType.CASE_ESCALATED,
    DetailType.CASE_FOLLOW_UP_REMINDER,
    DetailType.CASE_RESPONSE_OVERDUE,
)
# The directory's contact events: a contact added or enabled again can put an account over its
# recommended maximum of active contacts, which its region's support managers hear of.
SUBSCRIBED_CONTACT_DETAIL_TYPES = (DetailType.CONTACT_ADDED, DetailType.CONTACT_CHANGED)
# The alerts domain's incident held outside business hours: one notice to the region's after-hours address.
# (A monitoring case's own emails come from its CaseCreated, like any case's.) A maintenance window's start and
# end: one email each to its maintenance case's contact (its scheduling and cancelling are the case's updates only).
SUBSCRIBED_MONITORING_DETAIL_TYPES = (
    DetailType.MONITORING_GROUP_HELD,
    DetailType.MAINTENANCE_WINDOW_STARTED,
    DetailType.MAINTENANCE_WINDOW_ENDED,
)
# The updates domain's: a critical Microsoft update still pending validation at its expected date, and the Patch
# Tuesday reminder; one email each to the Testing Department's address (NotificationSettings). Its other events
# (an update recorded, validated or rejected, the gateway catalogs) email nobody.
SUBSCRIBED_UPDATES_DETAIL_TYPES = (DetailType.WINDOWS_UPDATE_VALIDATION_OVERDUE, DetailType.WINDOWS_UPDATES_REMINDER)
SUBSCRIBED: dict[EventSource, tuple[DetailType, ...]] = {
    EventSource.CASES: SUBSCRIBED_CASE_DETAIL_TYPES,
    EventSource.DIRECTORY: SUBSCRIBED_CONTACT_DETAIL_TYPES,
    EventSource.ALERTS: SUBSCRIBED_MONITORING_DETAIL_TYPES,
    EventSource.UPDATES: SUBSCRIBED_UPDATES_DETAIL_TYPES,
}

EVENT_PATTERN = sources_pattern(SUBSCRIBED)
