"""What a change did to a case, as its history entry names it (`action`)."""

from __future__ import annotations

from enum import StrEnum


class CaseAction(StrEnum):
    OPENED = "opened"
    UPDATED = "updated"
    INFORMATION_REQUESTED = "information-requested"
    SOLUTION_PROPOSED = "solution-proposed"
    FIELDS_CHANGED = "fields-changed"
    SOLUTION_ACCEPTED = "solution-accepted"
    SOLUTION_REJECTED = "solution-rejected"
    CLOSED = "closed"
    AUTO_CLOSED = "auto-closed"  # the follow-up ladder's last step
    REOPENED = "reopened"
    ESCALATED_TO_MANAGEMENT = "escalated-to-management"
    PRIORITY_RAISED = "priority-raised"
    ESCALATION_REQUESTED = "escalation-requested"  # a priority only a phone call can set: recorded, not applied
    FOLLOW_UP_REMINDER_1 = "follow-up-reminder-1"
    FOLLOW_UP_REMINDER_2 = "follow-up-reminder-2"
    RESPONSE_ESCALATED_TO_OWNER = "response-escalated-to-owner"
    RESPONSE_ESCALATED_TO_MANAGER = "response-escalated-to-manager"
    FILES_PURGED = "files-purged"  # the purge deleted the closed case's files
    INSTALLATION_RESOLVED = "installation-resolved"  # closed as Resolved by an installation case (its number in the update)
    # From the alerts domain's incident of a monitoring case (functions/cases/logic/monitoring_cases.py).
    MONITORING_ALERTS_ATTACHED = "monitoring-alerts-attached"
    MONITORING_ALERTS_RECOVERED = "monitoring-alerts-recovered"
    MONITORING_RECOVERED_CLOSED = "monitoring-recovered-closed"  # recovered, and closed: nobody had worked on it
    # From the alerts domain's maintenance window of a maintenance case (functions/cases/logic/maintenance_cases.py).
    MAINTENANCE_WINDOW_SCHEDULED = "maintenance-window-scheduled"
    MAINTENANCE_WINDOW_STARTED = "maintenance-window-started"
    MAINTENANCE_WINDOW_ENDED = "maintenance-window-ended"
    MAINTENANCE_WINDOW_CANCELLED = "maintenance-window-cancelled"
