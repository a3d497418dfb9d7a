// /alerts/maintenance: an account's maintenance windows (while one is active the alerts of its devices are recorded
// and silenced: no case, no email, no page) and, for staff, scheduling one, ending an active one now and cancelling a
// scheduled one. Staff name the account (?account=); a customer sees their own and asks for a window with a case.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, newIdempotencyKey, type ApiProblem, type Schemas } from "../api/client";
import { isStaff } from "../auth";
import { Alert, Field, FormErrors, useFocusInvalid } from "../components";
import { EasternTime } from "../EasternTime";
import { easternInputToIso, easternInputValue, formatEastern } from "../format";
import { navigate } from "../router";
import { attempt } from "./directory";
import { LoadMore } from "./LoadMore";
import { monitoringHref, MonitoringHeader } from "./monitoringParts";
import { skippingEmptyPages, usePages } from "./usePages";

type MaintenanceWindow = Schemas["MaintenanceWindowAnswer"];
type WindowStatus = Schemas["WindowStatus"];

const PAGE_SIZE = 25;
const SETTLE_MS = 10 * 60_000; // alerts stay silenced this long after the end (systems come back)
// "End now" sends the current time plus this, so the time the request takes does not put the end in the past (which
// the API refuses); the window still ends within seconds.
const END_NOW_LEEWAY_MS = 15_000;

const WINDOW_STATUS: Record<WindowStatus, string> = {
  scheduled: "Scheduled",
  active: "Active: silencing",
  ended: "Ended",
  cancelled: "Cancelled",
};

export function MaintenancePage({ account }: { account: string }) {
  const staff = isStaff();
  const accountId = staff ? account : "";
  return (
    <MonitoringHeader path="/alerts/maintenance" staff={staff} accountId={accountId}>
      {staff && !accountId ? (
        <p>Choose an account to see its maintenance windows.</p>
      ) : (
        <Windows staff={staff} accountId={accountId} />
      )}
    </MonitoringHeader>
  );
}

function Windows({ staff, accountId }: { staff: boolean; accountId: string }) {
  const pages = usePages(
    skippingEmptyPages((token) =>
      api.GET("/alerts/maintenance-windows", {
        params: { query: { accountId: staff ? accountId : undefined, limit: PAGE_SIZE, nextToken: token ?? undefined } },
      }),
    ),
  );
  const { items, nextToken, loading, error, load, setItems } = pages;
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ComponentChildren>(null);

  useEffect(() => {
    void load(null);
  }, [accountId]);

  async function act(win: MaintenanceWindow, action: "end" | "cancel") {
    const { windowId } = win;
    setBusy(windowId);
    setFailure(null);
    setOutcome(null);
    const path = { windowId };
    const { data, problem } =
      action === "end"
        ? await attempt(() =>
            api.PATCH("/alerts/maintenance-windows/{windowId}", {
              params: { path },
              body: { endsAt: new Date(Date.now() + END_NOW_LEEWAY_MS).toISOString() },
            }),
          )
        : await attempt(() => api.POST("/alerts/maintenance-windows/{windowId}/cancel", { params: { path } }));
    setBusy(null);
    const what = `The window of case ${win.caseNumber}`;
    if (!data) {
      setFailure(`${what} was not ${action === "end" ? "ended" : "cancelled"}: ${problem.message}`);
      return;
    }
    setItems((known) => known.map((one) => (one.windowId === windowId ? data : one)));
    setOutcome(
      action === "end" ? (
        <p>
          {what} ends at <EasternTime iso={data.endsAt} />; alerts stay silenced until{" "}
          <EasternTime iso={settledAt(data.endsAt)} />.
        </p>
      ) : (
        <p>{what} is cancelled: it silences nothing.</p>
      ),
    );
  }

  return (
    <>
      <section aria-labelledby="windows-heading">
        <h2 id="windows-heading">Maintenance windows</h2>
        <p>
          While a window is active, the alerts of its devices are recorded and counted, and open no case, email and page nobody;
          alerts still firing 10 minutes after its end are handled as new. The maintenance case hears of its start and end.
          {staff ? null : (
            <>
              {" "}
              To ask for a window, <a href="/new">open a case</a> for your maintenance with its times.
            </>
          )}
        </p>
        <button type="button" class="secondary" disabled={loading} onClick={() => void load(null)}>
          Refresh windows
        </button>
        <Alert message={error?.message} />
        <Alert message={failure} />
        <div class="status" role="status">
          {outcome}
        </div>
        <div class="table-wrap" role="region" aria-labelledby="windows-caption" tabIndex={0}>
          <table>
            <caption id="windows-caption">
              Maintenance windows of {staff ? `account ${accountId}` : "your account"}, the last scheduled first — {items.length}{" "}
              shown{nextToken ? "; more to load" : ""}
            </caption>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Starts</th>
                <th scope="col">Ends</th>
                <th scope="col">Devices</th>
                <th scope="col">Maintenance case</th>
                <th scope="col">Alerts silenced</th>
                {staff ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {items.map((win) => (
                <WindowRow win={win} staff={staff} busy={busy === win.windowId} onAct={act} />
              ))}
              {!loading && !error && items.length === 0 ? (
                <tr>
                  <td colSpan={staff ? 7 : 6}>{nextToken ? "None in the pages read so far; load more to look further." : "No maintenance windows."}</td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
        <LoadMore pages={pages} loading="Loading maintenance windows…" label="Load more windows" />
      </section>
      {staff ? <ScheduleWindowForm accountId={accountId} onScheduled={() => load(null)} /> : null}
    </>
  );
}

function settledAt(endsAt: string): string {
  return new Date(Date.parse(endsAt) + SETTLE_MS).toISOString();
}

function WindowRow(props: { win: MaintenanceWindow; staff: boolean; busy: boolean; onAct: (win: MaintenanceWindow, action: "end" | "cancel") => void }) {
  const { win, staff, busy, onAct } = props;
  const live = win.status === "scheduled" || win.status === "active";
  const names = ` the window of case ${win.caseNumber} from ${formatEastern(win.startsAt)}`;
  return (
    <tr>
      <td>
        <strong class={`badge window-status ${win.status}`}>{WINDOW_STATUS[win.status]}</strong>
      </td>
      <td>
        <EasternTime iso={win.startsAt} />
      </td>
      <td>
        <EasternTime iso={win.endsAt} />
        {live ? (
          <div class="hint">
            Silenced until <EasternTime iso={settledAt(win.endsAt)} />
          </div>
        ) : null}
      </td>
      <td>{win.devices?.length ? win.devices.join(", ") : "All devices"}</td>
      <td>
        <a href={`/cases/${win.caseNumber}`}>Case {win.caseNumber}</a>
      </td>
      <td>{win.suppressedCount ?? 0}</td>
      {staff ? (
        <td>
          {win.status === "active" ? (
            <button type="button" class="row-action" disabled={busy} onClick={() => onAct(win, "end")}>
              End now<span class="visually-hidden">:{names}</span>
            </button>
          ) : win.status === "scheduled" ? (
            <button type="button" class="row-action secondary" disabled={busy} onClick={() => onAct(win, "cancel")}>
              Cancel<span class="visually-hidden">{names}</span>
            </button>
          ) : (
            "—"
          )}
        </td>
      ) : null}
    </tr>
  );
}

const FORM = "new-window";
const FIELDS = ["accountId", "caseNumber", "startsAt", "endsAt", "devices"];

/** The API's refusal at the form's field: a device's (devices.2) at the devices. */
function atFormField(problem: ApiProblem): ApiProblem {
  const field = problem.field?.startsWith("devices") ? "devices" : (problem.field ?? null);
  return { ...problem, field };
}

function ScheduleWindowForm({ accountId, onScheduled }: { accountId: string; onScheduled: () => void }) {
  const [account, setAccount] = useState(accountId);
  const [caseNumber, setCaseNumber] = useState("");
  const [startsAt, setStartsAt] = useState(() => easternInputValue(Math.ceil(Date.now() / 900_000) * 900_000));
  const [endsAt, setEndsAt] = useState(() => easternInputValue(Math.ceil(Date.now() / 900_000) * 900_000 + 2 * 3_600_000));
  const [devices, setDevices] = useState("");
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [done, setDone] = useState<ComponentChildren>(null);
  const [busy, setBusy] = useState(false);
  const errors = new FormErrors(failure, FIELDS);
  useFocusInvalid(FORM, errors);

  async function onSubmit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    setDone(null);
    const listed = devices.split(/[\s,]+/).filter(Boolean);
    // A time that is not one goes as typed (empty: left out), for the API to name the field.
    const body = {
      accountId: account.trim(),
      caseNumber: caseNumber.trim(),
      startsAt: easternInputToIso(startsAt) ?? (startsAt || undefined),
      endsAt: easternInputToIso(endsAt) ?? (endsAt || undefined),
      devices: listed.length ? listed : undefined,
    } as Schemas["MaintenanceWindowRequest"];
    const { data, problem } = await attempt(() =>
      api.POST("/alerts/maintenance-windows", { params: { header: { "idempotency-key": newIdempotencyKey() } }, body }),
    );
    setBusy(false);
    if (!data) {
      setFailure(atFormField(problem));
      return;
    }
    if (data.accountId !== accountId) {
      navigate(monitoringHref("/alerts/maintenance", data.accountId));
      return;
    }
    setCaseNumber("");
    setDevices("");
    setDone(
      <p>
        Window scheduled for case {data.caseNumber}: {WINDOW_STATUS[data.status].toLowerCase()}, from <EasternTime iso={data.startsAt} /> to{" "}
        <EasternTime iso={data.endsAt} />.
      </p>,
    );
    onScheduled();
  }

  return (
    <section aria-labelledby="new-window-heading">
      <h2 id="new-window-heading">Schedule a maintenance window</h2>
      <form onSubmit={onSubmit} class="window-form" noValidate>
        <Alert message={errors.top} />
        {failure && !errors.top ? (
          <p class="alert" role="alert">
            The window was not scheduled: check the field marked “Error”.
          </p>
        ) : null}
        <Field form={FORM} name="accountId" label="Account" errors={errors} required>
          {(attrs) => <input {...attrs} autoComplete="off" value={account} onInput={(e) => setAccount(e.currentTarget.value)} />}
        </Field>
        <Field
          form={FORM}
          name="caseNumber"
          label="Maintenance case number"
          errors={errors}
          required
          hint="The account's case for this maintenance (10 digits); it hears of the window's start and end."
        >
          {(attrs) => (
            <input
              {...attrs}
              inputMode="numeric"
              autoComplete="off"
              maxLength={10}
              value={caseNumber}
              onInput={(e) => setCaseNumber(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field form={FORM} name="startsAt" label="Start (US Eastern time)" errors={errors} required hint="Now or earlier: it starts at once.">
          {(attrs) => <input {...attrs} type="datetime-local" value={startsAt} onInput={(e) => setStartsAt(e.currentTarget.value)} />}
        </Field>
        <Field
          form={FORM}
          name="endsAt"
          label="End (US Eastern time)"
          errors={errors}
          required
          hint="After the start and at most 72 hours later; alerts stay silenced 10 minutes more while systems come back."
        >
          {(attrs) => <input {...attrs} type="datetime-local" value={endsAt} onInput={(e) => setEndsAt(e.currentTarget.value)} />}
        </Field>
        <Field
          form={FORM}
          name="devices"
          label="Devices"
          errors={errors}
          hint="The devices it silences, as the monitors name them (one per line, or separated by commas). Empty: all the account's devices."
        >
          {(attrs) => <textarea {...attrs} rows={3} value={devices} onInput={(e) => setDevices(e.currentTarget.value)} />}
        </Field>
        <button type="submit" disabled={busy}>
          Schedule window
        </button>
        <div class="status" role="status">
          {done}
        </div>
      </form>
    </section>
  );
}
