// /alerts: an account's incidents (newest first; staff open a held one's case now) and its alerts (firing first,
// or of one state), a page at a time. Staff name the account (?account=); a customer sees their own.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, newIdempotencyKey, type Schemas } from "../api/client";
import { isStaff } from "../auth";
import { Alert } from "../components";
import { EasternTime } from "../EasternTime";
import { formatEastern } from "../format";
import { attempt } from "./directory";
import { LoadMore } from "./LoadMore";
import { MonitoringHeader, SEVERITY_LABELS } from "./monitoringParts";
import { skippingEmptyPages, usePages } from "./usePages";

type Incident = Schemas["AlertGroupAnswer"];
type IncidentStatus = Schemas["GroupStatus"];
// (describedBy, a pair in the schema, reaches the page as a plain array through the fetch types; it is not shown.)
type AlertItem = Omit<Schemas["AlertAnswer"], "describedBy">;
type AlertState = Schemas["AlertState"];

const PAGE_SIZE = 25;
const POLL_MS = 1500;
const POLLS = 30; // the case opens within seconds: stop asking after about 45 s

const INCIDENT_STATUS: Record<IncidentStatus, { label: string; about: string }> = {
  held: { label: "Held", about: "outside business hours: the case waits for the business opening or an engineer" },
  requested: { label: "Case being opened", about: "its case opens within seconds" },
  open: { label: "Case open", about: "support works on its case" },
  closed: { label: "Closed", about: "its case is closed; new alerts start another incident" },
};

export function MonitoringPage({ account }: { account: string }) {
  const staff = isStaff();
  const accountId = staff ? account : "";
  return (
    <MonitoringHeader path="/alerts" staff={staff} accountId={accountId}>
      {staff && !accountId ? (
        <p>Choose an account to see its incidents and alerts.</p>
      ) : (
        <>
          <IncidentsSection staff={staff} accountId={accountId} />
          <AlertsSection staff={staff} accountId={accountId} />
        </>
      )}
    </MonitoringHeader>
  );
}

function IncidentsSection({ staff, accountId }: { staff: boolean; accountId: string }) {
  const [status, setStatus] = useState<IncidentStatus | "">("");
  const pages = usePages(
    skippingEmptyPages((token) =>
      api.GET("/alerts/groups", {
        params: {
          query: { accountId: staff ? accountId : undefined, state: status || undefined, limit: PAGE_SIZE, nextToken: token ?? undefined },
        },
      }),
    ),
  );
  const { items, nextToken, loading, error, load, setItems } = pages;
  const opening = useOpenCaseNow((changed) => setItems((known) => known.map((one) => (one.groupId === changed.groupId ? changed : one))));

  useEffect(() => {
    void load(null);
  }, [accountId, status]);

  const whose = staff ? `account ${accountId}` : "your account";
  return (
    <section aria-labelledby="incidents-heading">
      <h2 id="incidents-heading">Incidents</h2>
      <p>
        An incident gathers the alerts that make one case: in business hours its 1-Prod Down case opens at once; outside them it is
        held until the next business opening, when its case opens if it still fires{staff ? ", or until you open it now" : ""}.
      </p>
      <div class="filters">
        <div class="field">
          <label for="incident-status">Status</label>
          <select id="incident-status" value={status} onChange={(e) => setStatus(e.currentTarget.value as IncidentStatus | "")}>
            <option value="">Any status</option>
            {(Object.keys(INCIDENT_STATUS) as IncidentStatus[]).map((key) => (
              <option value={key}>{INCIDENT_STATUS[key].label}</option>
            ))}
          </select>
        </div>
        <button type="button" class="secondary" disabled={loading} onClick={() => void load(null)}>
          Refresh incidents
        </button>
      </div>
      <Alert message={error?.message} />
      <Alert message={opening.failure} />
      <div class="status" role="status">
        {opening.outcome}
      </div>
      <div class="table-wrap" role="region" aria-labelledby="incidents-caption" tabIndex={0}>
        <table>
          <caption id="incidents-caption">
            Incidents of {whose}
            {status ? ` (${INCIDENT_STATUS[status].label.toLowerCase()})` : ""}, newest first — {items.length} shown
            {nextToken ? "; more to load" : ""}
          </caption>
          <thead>
            <tr>
              <th scope="col">Detected</th>
              <th scope="col">Status</th>
              <th scope="col">Devices</th>
              <th scope="col">First alert</th>
              <th scope="col">Alerts</th>
              <th scope="col">Case</th>
            </tr>
          </thead>
          <tbody>
            {items.map((incident) => (
              <IncidentRow incident={incident} staff={staff} busy={opening.busy === incident.groupId} onOpen={opening.open} />
            ))}
            {!loading && !error && items.length === 0 ? (
              <tr>
                <td colSpan={6}>{nextToken ? "None in the pages read so far; load more to look further." : "No incidents."}</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <LoadMore pages={pages} loading="Loading incidents…" label="Load more incidents" />
    </section>
  );
}

function IncidentRow(props: { incident: Incident; staff: boolean; busy: boolean; onOpen: (incident: Incident) => void }) {
  const { incident } = props;
  const status = INCIDENT_STATUS[incident.status];
  const devices = incident.devices?.length ? incident.devices : [incident.device];
  return (
    <tr class={`incident-${incident.status}`}>
      <td>
        <EasternTime iso={incident.detectedAt} />
      </td>
      <td>
        <strong class={`badge incident-status ${incident.status}`}>{status.label}</strong>
        <div class="hint">{status.about}.</div>
        {incident.recoveredAt ? (
          <div>
            Recovered <EasternTime iso={incident.recoveredAt} />
          </div>
        ) : null}
      </td>
      <td>
        <DeviceList devices={devices} />
      </td>
      <td>
        <span class={`severity ${incident.severity}`}>{SEVERITY_LABELS[incident.severity]}</span>: {incident.summary}
      </td>
      <td>{incident.alertCount}</td>
      <td>
        <IncidentCase {...props} />
      </td>
    </tr>
  );
}

function IncidentCase({ incident, staff, busy, onOpen }: { incident: Incident; staff: boolean; busy: boolean; onOpen: (incident: Incident) => void }) {
  if (incident.caseNumber) return <a href={`/cases/${incident.caseNumber}`}>Case {incident.caseNumber}</a>;
  if (incident.status === "requested") return <>Being opened…</>;
  if (incident.status !== "held") return <>None</>;
  return (
    <>
      <p class="opens-at">
        {incident.opensAt ? (
          <>
            Case opens at <EasternTime iso={incident.opensAt} /> if it still fires.
          </>
        ) : (
          "Case opens at the next business opening if it still fires."
        )}
      </p>
      {staff ? (
        <button type="button" class="row-action" disabled={busy} onClick={() => onOpen(incident)}>
          Open case now<span class="visually-hidden"> for the incident on {incident.device} detected {formatEastern(incident.detectedAt)}</span>
        </button>
      ) : null}
    </>
  );
}

const SHOWN_DEVICES = 5;

function DeviceList({ devices }: { devices: string[] }) {
  const shown = devices.slice(0, SHOWN_DEVICES).join(", ");
  return <>{devices.length > SHOWN_DEVICES ? `${shown} and ${devices.length - SHOWN_DEVICES} more` : shown}</>;
}

/** Staff's "Open case now": asks for the held incident's case (one Idempotency-Key per incident, so a retry is the
 * same request), shows the incident as requested, then reads it until its case has a number. */
function useOpenCaseNow(changed: (incident: Incident) => void) {
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ComponentChildren>(null);
  const keys = useRef(new Map<string, string>());
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  async function waitForCase(groupId: string, device: string) {
    for (let poll = 0; poll < POLLS && alive.current; poll++) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const { data } = await attempt(() => api.GET("/alerts/groups/{groupId}", { params: { path: { groupId } } }));
      if (!alive.current || !data) continue;
      changed(data);
      if (data.caseNumber) {
        setOutcome(
          <p>
            The case of the incident on {device} is open: <a href={`/cases/${data.caseNumber}`}>case {data.caseNumber}</a>.
          </p>,
        );
        return;
      }
      if (data.status !== "requested") return;
    }
    if (alive.current) setOutcome(<p>The case of the incident on {device} is still being opened; refresh the incidents in a moment.</p>);
  }

  async function open(incident: Incident) {
    const { groupId } = incident;
    if (!keys.current.has(groupId)) keys.current.set(groupId, newIdempotencyKey());
    setBusy(groupId);
    setFailure(null);
    setOutcome(null);
    const { data, problem } = await attempt(() =>
      api.POST("/alerts/groups/{groupId}/case", {
        params: { path: { groupId }, header: { "idempotency-key": keys.current.get(groupId)! } },
      }),
    );
    setBusy(null);
    if (!data) {
      setFailure(`The case of the incident on ${incident.device} was not opened: ${problem.message}`);
      if (problem.status === 409) {
        // Asked for meanwhile, or closed: show the incident as it is now.
        const { data: now } = await attempt(() => api.GET("/alerts/groups/{groupId}", { params: { path: { groupId } } }));
        if (now && alive.current) changed(now);
      }
      return;
    }
    changed(data);
    if (data.caseNumber) {
      setOutcome(
        <p>
          The case of the incident on {incident.device} is open: <a href={`/cases/${data.caseNumber}`}>case {data.caseNumber}</a>.
        </p>,
      );
      return;
    }
    setOutcome(<p>Case requested for the incident on {incident.device}; it opens within seconds.</p>);
    void waitForCase(groupId, incident.device);
  }

  return { busy, failure, outcome, open };
}

const ALERT_STATES: { value: AlertState | ""; label: string }[] = [
  { value: "firing", label: "Firing" },
  { value: "resolved", label: "Resolved" },
  { value: "", label: "All, firing first" },
];

function AlertsSection({ staff, accountId }: { staff: boolean; accountId: string }) {
  const [state, setState] = useState<AlertState | "">("firing");
  const pages = usePages(
    skippingEmptyPages((token) =>
      api.GET("/alerts", {
        params: {
          query: { accountId: staff ? accountId : undefined, state: state || undefined, limit: PAGE_SIZE, nextToken: token ?? undefined },
        },
      }),
    ),
  );
  const { items, nextToken, loading, error, load } = pages;
  useEffect(() => {
    void load(null);
  }, [accountId, state]);

  // The API lists by dedup key; of the alerts loaded, the firing ones come first (a stable sort keeps the rest's order).
  const shown: AlertItem[] = state ? items : [...items].sort((a, b) => Number(b.state === "firing") - Number(a.state === "firing"));
  const stateLabel = ALERT_STATES.find((option) => option.value === state)!.label.toLowerCase();
  return (
    <section aria-labelledby="alerts-heading">
      <h2 id="alerts-heading">Alerts</h2>
      <p>
        Each alert is one check of one device as the monitors report it; repeats while it fires only add to its count. Alerts
        silenced by a maintenance window are recorded and counted, and open nothing.
      </p>
      <div class="filters">
        <div class="field">
          <label for="alert-state">Alerts shown</label>
          <select id="alert-state" value={state} onChange={(e) => setState(e.currentTarget.value as AlertState | "")}>
            {ALERT_STATES.map((option) => (
              <option value={option.value}>{option.label}</option>
            ))}
          </select>
        </div>
        <button type="button" class="secondary" disabled={loading} onClick={() => void load(null)}>
          Refresh alerts
        </button>
      </div>
      <Alert message={error?.message} />
      <div class="table-wrap" role="region" aria-labelledby="alerts-caption" tabIndex={0}>
        <table>
          <caption id="alerts-caption">
            Alerts of {staff ? `account ${accountId}` : "your account"}: {stateLabel} — {items.length} shown{nextToken ? "; more to load" : ""}
          </caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Severity</th>
              <th scope="col">Summary</th>
              <th scope="col">State</th>
              <th scope="col">Count</th>
              <th scope="col">First triggered</th>
              <th scope="col">Last received</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((alert) => (
              <AlertRow alert={alert} />
            ))}
            {!loading && !error && items.length === 0 ? (
              <tr>
                <td colSpan={7}>{nextToken ? "None in the pages read so far; load more to look further." : `No ${state ? stateLabel + " " : ""}alerts.`}</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <LoadMore pages={pages} loading="Loading alerts…" label="Load more alerts" />
    </section>
  );
}

function AlertRow({ alert }: { alert: AlertItem }) {
  return (
    <tr>
      <td>{alert.device}</td>
      <td>
        <span class={`severity ${alert.severity}`}>{SEVERITY_LABELS[alert.severity]}</span>
      </td>
      <td>
        {alert.summary}
        {alert.component ? <div class="hint">Component: {alert.component}</div> : null}
      </td>
      <td>
        <strong class={`badge alert-state ${alert.state}`}>{alert.state === "firing" ? "Firing" : "Resolved"}</strong>
        {alert.flapping ? (
          <>
            {" "}
            <strong class="badge flapping" title="4 or more state changes within an hour">
              Flapping
            </strong>
          </>
        ) : null}
        {alert.suppressedBy ? (
          <>
            {" "}
            <strong class="badge silenced">Silenced by maintenance</strong>
          </>
        ) : null}
        {alert.state === "resolved" ? (
          <div>
            at <EasternTime iso={alert.stateAt} />
          </div>
        ) : null}
      </td>
      <td>{alert.triggerCount}</td>
      <td>
        <EasternTime iso={alert.firstTriggeredAt} />
      </td>
      <td>
        <EasternTime iso={alert.lastReceivedAt} />
      </td>
    </tr>
  );
}
