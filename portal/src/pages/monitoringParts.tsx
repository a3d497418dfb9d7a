// What the monitoring pages (/alerts, /alerts/maintenance) share: whose monitoring it is (staff choose an account,
// a customer sees their own), the pages' tabs, and the labels of severities and states.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, type Schemas } from "../api/client";
import { PageHeading } from "../components";
import { navigate } from "../router";
import { attempt, type AccountSummary } from "./directory";

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
        <AccountChooser path={path} accountId={accountId} />
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

/** Staff: which account's monitoring; the accounts they can pick from are the first page of the accounts listing. */
function AccountChooser({ path, accountId }: { path: string; accountId: string }) {
  const [input, setInput] = useState(accountId);
  const [known, setKnown] = useState<AccountSummary[]>([]);
  useEffect(() => {
    void attempt(() => api.GET("/accounts", { params: { query: { limit: 100 } } })).then(({ data }) => setKnown(data?.items ?? []));
  }, []);
  const name = known.find((account) => account.accountId === accountId)?.name;
  return (
    <form
      class="filters"
      role="search"
      aria-label="Choose an account"
      onSubmit={(event) => {
        event.preventDefault();
        navigate(monitoringHref(path, input.trim()));
      }}
    >
      <div class="field">
        <label for="monitoring-account">Account</label>
        <input
          id="monitoring-account"
          list="monitoring-accounts"
          autoComplete="off"
          value={input}
          aria-describedby="monitoring-account-hint"
          onInput={(event) => setInput(event.currentTarget.value)}
        />
        <p class="hint" id="monitoring-account-hint">
          {accountId && name ? `${accountId}: ${name}. ` : ""}An account id, e.g. acme; the accounts page lists them.
        </p>
        <datalist id="monitoring-accounts">
          {known.map((account) => (
            <option value={account.accountId}>{account.name}</option>
          ))}
        </datalist>
      </div>
      <button type="submit">Show monitoring</button>
    </form>
  );
}
