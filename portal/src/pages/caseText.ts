// How the portal names the API's case vocabulary for people.
import type { Schemas } from "../api/client";

export const PRIORITIES: readonly Schemas["Priority"][] = ["4-Low", "3-Medium", "2-High", "1-Prod Down"];
export const WEB_PRIORITIES: readonly Schemas["Priority"][] = ["4-Low", "3-Medium"];
export const OPEN_SUB_STATUSES: readonly Schemas["OpenSubStatus"][] = [
  "New",
  "Investigation",
  "Reproducing",
  "Waiting on Engineering",
  "Scheduled",
];

export const KIND_LABELS: Record<string, string> = {
  comment: "Update",
  "information-request": "Information requested",
  "solution-proposal": "Solution proposed",
  "solution-acceptance": "Solution accepted",
  "solution-rejection": "Solution rejected",
  "closure-comment": "Closed",
  "reopen-information": "Reopened",
  "escalation-request": "Escalation requested",
  "maintenance-note": "Maintenance mode",
};

export const ACTION_LABELS: Record<string, string> = {
  opened: "Opened",
  updated: "Update posted",
  "information-requested": "Information requested",
  "solution-proposed": "Solution proposed",
  "fields-changed": "Case changed",
  "solution-accepted": "Solution accepted",
  "solution-rejected": "Solution rejected",
  closed: "Closed",
  "auto-closed": "Closed automatically",
  reopened: "Reopened",
  "escalated-to-management": "Escalated to management",
  "priority-raised": "Priority raised",
  "escalation-requested": "Higher priority requested (needs a phone call)",
  "follow-up-reminder-1": "First follow-up reminder sent",
  "follow-up-reminder-2": "Second follow-up reminder sent",
  "response-escalated-to-owner": "Missed response target escalated to the owner",
  "response-escalated-to-manager": "Missed response target escalated to management",
  "files-purged": "Files deleted (30 days after closing)",
  "maintenance-window-scheduled": "Maintenance mode scheduled",
  "maintenance-window-started": "Maintenance mode on",
  "maintenance-window-ended": "Maintenance mode ended",
  "maintenance-window-cancelled": "Maintenance mode cancelled",
};

export const FIELD_LABELS: Record<string, string> = {
  status: "Status",
  subStatus: "Sub status",
  priority: "Priority",
  ownerId: "Owner",
  closedAt: "Closed",
  responseDueAt: "Response due",
  responseRule: "Response rule",
  firstResponseAt: "First response",
  filesPurgedAt: "Files deleted",
  updates: "Update",
  maintenanceWindow: "Maintenance window",
};

export function label(labels: Record<string, string>, key: string): string {
  return labels[key] ?? key;
}
