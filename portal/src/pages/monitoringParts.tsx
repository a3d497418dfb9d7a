// What the monitoring pages (/alerts, /alerts/maintenance) share: whose monitoring it is (staff choose an account,
// a customer sees their own), the pages' tabs, and the labels of severities and states.
import type { ComponentChildren } from "preact";
import type { Schemas } from "../api/client";
import { PageHeading } from "../components";
import { AccountChooser } from "./AccountChooser";

export type Severity = Schemas["Severity"];

export const SEVERITY_LABELS: Record<Severity, string> = {
  critical: "Critical",
  error: "Error",
  warning: "Warning",
  info: "Info",
};

const TABS = [
  { path: "/alerts", label: "Incidents and alerts" },
  { path: "/alerts/maintenance", label: "Maintenance windows" },
];

/** A page's address for an account: staff's pages name it (`?account=`), a customer's are their own. */
export function monitoringHref(path: string, accountId: string): string {
  return accountId ? `${path}?${new URLSearchParams({ account: accountId })}` : path;
}

/** The heading, the tabs and, for staff, the account chooser. `accountId` empty: staff have not chosen yet. */
export function MonitoringHeader(props: { path: string; staff: boolean; accountId: string; children?: ComponentChildren }) {
  const { path, staff, accountId } = props;
  const title = TABS.find((tab) => tab.path === path)?.label ?? "Monitoring";
  return (
    <>
      <PageHeading>
        Monitoring: {title.toLowerCase()}
        {staff && accountId ? ` of ${accountId}` : ""}
      </PageHeading>
      {staff ? (
        <AccountChooser idPrefix="monitoring" accountId={accountId} hrefFor={(id) => monitoringHref(path, id)} submitLabel="Show monitoring" />
      ) : (
        <p>Your account's monitoring: what the desk's monitoring has seen of your devices, and the cases it opened.</p>
      )}
      {!staff || accountId ? (
        <nav aria-label="Monitoring" class="tabs">
          {TABS.map((tab) => (
            <a href={monitoringHref(tab.path, staff ? accountId : "")} aria-current={tab.path === path ? "page" : undefined}>
              {tab.label}
            </a>
          ))}
        </nav>
      ) : null}
      {props.children}
    </>
  );
}
