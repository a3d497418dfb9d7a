// /reports/subscriptions: an account's case report subscriptions (each emails the report on its cadence to its
// recipients; addresses that are not the account's contacts confirm first, any recipient can unsubscribe), each with
// its delivered reports and their CSVs; staff and the account's administrators and MAC-authorized contacts create,
// change, send now and delete them. Staff name the account (?account=); a customer sees their own.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, newIdempotencyKey, type ApiProblem, type Schemas } from "../api/client";
import { isStaff } from "../auth";
import { Alert, CheckboxField, Field, FormErrors, useFocusInvalid } from "../components";
import { EasternTime } from "../EasternTime";
import { attempt, ownAccountId, ownContactId } from "./directory";
import { CADENCE_LABELS, CADENCES, capitalized, ReportsHeader, saveCsv, type Cadence } from "./reportParts";

type Subscription = Schemas["Subscription"];
type RecipientStatus = Schemas["RecipientStatus"];
type ReportRun = Schemas["ReportRun"];

const RECIPIENT_STATUS: Record<RecipientStatus, string> = {
  active: "Active",
  pending: "Awaiting confirmation",
  unsubscribed: "Unsubscribed",
};

const CADENCE_ABOUT: Record<Cadence, string> = {
  weekly: "Monday to Sunday",
  biweekly: "two weeks from a Monday",
  monthly: "each calendar month",
  quarterly: "each calendar quarter",
};

export function ReportSubscriptionsPage({ account }: { account: string }) {
  const staff = isStaff();
  const accountId = staff ? account : "";
  return (
    <ReportsHeader path="/reports/subscriptions" title="Case report subscriptions" staff={staff} accountId={accountId} linked={account}>
      {staff && !accountId ? <p>Choose an account to see its report subscriptions.</p> : <Subscriptions staff={staff} accountId={accountId} />}
    </ReportsHeader>
  );
}

/** Whether the caller manages the subscriptions: staff, or a contact the directory says is an administrator or MAC
 * authorized. When the directory cannot say, the controls show and the API's refusal says who may. */
function useManages(staff: boolean): boolean {
  const [manages, setManages] = useState(staff);
  useEffect(() => {
    const accountId = ownAccountId();
    const contactId = ownContactId();
    if (staff || !accountId || !contactId) return;
    void attempt(() => api.GET("/accounts/{accountId}/contacts/{contactId}", { params: { path: { accountId, contactId } } })).then(
      ({ data }) => setManages(data ? data.accountAdministrator || data.macAuthorized : true),
    );
  }, [staff]);
  return manages;
}

function Subscriptions({ staff, accountId }: { staff: boolean; accountId: string }) {
  const [items, setItems] = useState<Subscription[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const manages = useManages(staff);

  async function load() {
    const { data, problem } = await attempt(() =>
      api.GET("/report-subscriptions", { params: { query: { accountId: staff ? accountId : undefined } } }),
    );
    setLoaded(true);
    setFailure(problem);
    if (data) setItems(data.items);
  }
  useEffect(() => {
    void load();
  }, [accountId]);

  const changed = (one: Subscription) => setItems((known) => known.map((each) => (each.subscriptionId === one.subscriptionId ? one : each)));
  return (
    <>
      <section aria-labelledby="subscriptions-heading">
        <h2 id="subscriptions-heading" tabIndex={-1} ref={headingRef}>
          Subscriptions
        </h2>
        <p>
          Each subscription emails {staff ? "the account's" : "your account's"} case report, with its CSV, at 6:00 AM US Eastern time on the
          day a period ends. The account's contacts receive it at once; any other address is first emailed a link to confirm. Every report
          carries a link to unsubscribe.
          {manages ? null : " Your account's administrators and MAC-authorized contacts manage the subscriptions."}
        </p>
        <Alert message={failure?.message} />
        <p class="status" role="status">
          {loaded ? (notice ?? "") : "Loading the subscriptions…"}
        </p>
        {loaded && !failure && items.length === 0 ? <p>No subscriptions yet.</p> : null}
        {items.map((subscription, index) => (
          <SubscriptionEntry
            key={subscription.subscriptionId}
            subscription={subscription}
            name={`Subscription ${index + 1}: ${CADENCE_LABELS[subscription.cadence]}`}
            manages={manages}
            onChanged={changed}
            onDeleted={(name) => {
              setItems((known) => known.filter((each) => each.subscriptionId !== subscription.subscriptionId));
              setNotice(`${capitalized(name)} is deleted; nothing more will be sent by it.`);
              headingRef.current?.focus(); // its controls are gone: the list's heading takes the focus
            }}
          />
        ))}
      </section>
      {manages ? (
        <NewSubscriptionForm accountId={staff ? accountId : (ownAccountId() ?? "")} onCreated={(one) => setItems((known) => [...known, one])} />
      ) : null}
    </>
  );
}

function recipientCount(count: number): string {
  return `${count} ${count === 1 ? "recipient" : "recipients"}`;
}

function cadenceText(subscription: Subscription): string {
  const { cadence, anchor } = subscription;
  const about = cadence === "biweekly" && anchor ? `two weeks from Monday ${anchor}` : CADENCE_ABOUT[cadence];
  return `${capitalized(CADENCE_LABELS[cadence])} (${about})`;
}

type EntryProps = {
  subscription: Subscription;
  name: string;
  manages: boolean;
  onChanged: (subscription: Subscription) => void;
  onDeleted: (name: string) => void;
};

function SubscriptionEntry({ subscription, name, manages, onChanged, onDeleted }: EntryProps) {
  const { subscriptionId, lastDelivery } = subscription;
  const [mode, setMode] = useState<"view" | "edit" | "delete">("view");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ComponentChildren>(null);
  const [runsVersion, setRunsVersion] = useState(0);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const editRef = useRef<HTMLButtonElement>(null);
  const path = { subscriptionId };
  useEffect(() => {
    if (mode === "delete") confirmRef.current?.focus();
  }, [mode]);

  function start() {
    setBusy(true);
    setFailure(null);
    setOutcome(null);
  }

  async function sendNow() {
    start();
    const { data, problem } = await attempt(() => api.POST("/report-subscriptions/{subscriptionId}/send", { params: { path } }));
    setBusy(false);
    if (!data) {
      setFailure(`The report was not sent: ${problem.message}`);
      return;
    }
    onChanged(data);
    setRunsVersion((version) => version + 1);
    const sent = data.lastDelivery;
    setOutcome(sent ? `The report for ${sent.label} was sent to ${recipientCount(sent.recipients)}.` : "The report was sent.");
  }

  async function remove() {
    start();
    const { problem } = await attempt(() => api.DELETE("/report-subscriptions/{subscriptionId}", { params: { path } }));
    setBusy(false);
    if (problem) {
      setMode("view");
      setFailure(`The subscription was not deleted: ${problem.message}`);
      return;
    }
    onDeleted(name);
  }

  const headingId = `${subscriptionId}-heading`;
  return (
    <article class="subscription" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {name}
        {subscription.paused ? (
          <>
            {" "}
            <strong class="badge paused">Paused</strong>
          </>
        ) : null}
      </h3>
      <dl class="details">
        <div>
          <dt>Cadence</dt>
          <dd>{cadenceText(subscription)}</dd>
        </div>
        <div>
          <dt>Next delivery</dt>
          <dd>{subscription.paused ? "None while paused" : <EasternTime iso={subscription.nextDeliveryAt} />}</dd>
        </div>
        <div>
          <dt>Last delivery</dt>
          <dd>
            {lastDelivery ? (
              <>
                {capitalized(lastDelivery.label)}, sent <EasternTime iso={lastDelivery.sentAt} /> to {recipientCount(lastDelivery.recipients)}
              </>
            ) : (
              "None yet"
            )}
          </dd>
        </div>
        {subscription.caseNumber ? (
          <div>
            <dt>Asked for in</dt>
            <dd>
              <a href={`/cases/${subscription.caseNumber}`}>Case {subscription.caseNumber}</a>
            </dd>
          </div>
        ) : null}
      </dl>
      <div class="table-wrap" role="region" aria-labelledby={`${subscriptionId}-recipients`} tabIndex={0}>
        <table>
          <caption id={`${subscriptionId}-recipients`}>Recipients of {name.toLowerCase()}</caption>
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Status</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {subscription.recipients.map((recipient) => (
              <tr>
                <th scope="row">
                  {recipient.email}
                  {recipient.contactId ? <div class="hint">A contact of the account</div> : null}
                </th>
                <td>
                  <strong class={`badge recipient-status ${recipient.status}`}>{RECIPIENT_STATUS[recipient.status]}</strong>
                </td>
                <td>
                  <EasternTime iso={recipient.unsubscribedAt ?? recipient.confirmedAt ?? recipient.addedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {manages && mode === "view" ? (
        <div class="row-actions">
          <button type="button" class="secondary" ref={editRef} disabled={busy} onClick={() => setMode("edit")}>
            Edit<span class="visually-hidden"> {name.toLowerCase()}</span>
          </button>
          <button type="button" disabled={busy} onClick={() => void sendNow()}>
            Send now<span class="visually-hidden">: {name.toLowerCase()}</span>
          </button>
          <button type="button" class="secondary danger" disabled={busy} onClick={() => setMode("delete")}>
            Delete<span class="visually-hidden"> {name.toLowerCase()}</span>
          </button>
        </div>
      ) : null}
      {mode === "delete" ? (
        <div class="confirm-delete" role="group" aria-labelledby={`${subscriptionId}-delete-question`}>
          <p id={`${subscriptionId}-delete-question`}>
            Delete {name.toLowerCase()}? Nothing more will be sent to its recipients; the reports already delivered stay listed until they
            expire.
          </p>
          <div class="row-actions">
            <button type="button" class="danger" ref={confirmRef} disabled={busy} onClick={() => void remove()}>
              Yes, delete it
            </button>
            <button
              type="button"
              class="secondary"
              disabled={busy}
              onClick={() => {
                setMode("view");
                setTimeout(() => editRef.current?.focus());
              }}
            >
              Keep it
            </button>
          </div>
        </div>
      ) : null}
      {mode === "edit" ? (
        <EditSubscriptionForm
          subscription={subscription}
          name={name}
          onDone={(changed) => {
            setMode("view");
            if (changed) {
              onChanged(changed);
              setOutcome(`${capitalized(name)} is saved.`);
            }
            setTimeout(() => editRef.current?.focus());
          }}
        />
      ) : null}
      <Alert message={failure} />
      <p class="status" role="status">
        {busy ? "Working…" : outcome}
      </p>
      <Runs subscriptionId={subscriptionId} name={name} version={runsVersion} />
    </article>
  );
}

/** Addresses as typed: one per line, or separated by commas, semicolons or spaces. */
function addresses(text: string): string[] {
  return text.split(/[\s,;]+/).filter(Boolean);
}

/** The API's refusal at the form's field: an address's (recipients.2) at the recipients. */
function atFormField(problem: ApiProblem): ApiProblem {
  const field = problem.field?.startsWith("recipients") ? "recipients" : (problem.field ?? null);
  return { ...problem, field };
}

const EDIT_FIELDS = ["cadence", "anchor", "recipients", "paused"];

function EditSubscriptionForm({ subscription, name, onDone }: { subscription: Subscription; name: string; onDone: (changed: Subscription | null) => void }) {
  const form = `edit-${subscription.subscriptionId}`;
  const [cadence, setCadence] = useState<Cadence>(subscription.cadence);
  const [anchor, setAnchor] = useState(subscription.anchor ?? "");
  // Unsubscribed addresses are left out: the API asks an address it is sent again to confirm again.
  const listed = subscription.recipients.filter((recipient) => recipient.status !== "unsubscribed").map((recipient) => recipient.email);
  const unsubscribed = subscription.recipients.length - listed.length;
  const [recipients, setRecipients] = useState(listed.join("\n"));
  const [paused, setPaused] = useState(subscription.paused);
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const errors = new FormErrors(failure, EDIT_FIELDS);
  useFocusInvalid(form, errors);
  useEffect(() => headingRef.current?.focus(), []);

  async function onSubmit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    // The list goes only when it changed (the whole list replaces the recipients).
    const typed = addresses(recipients);
    const changedList = typed.join("\n").toLowerCase() !== listed.join("\n").toLowerCase();
    const body: Schemas["SubscriptionChange"] = {
      cadence,
      recipients: changedList ? typed : undefined,
      paused,
      anchor: cadence === "biweekly" && anchor ? anchor : undefined,
    };
    const { data, problem } = await attempt(() =>
      api.PATCH("/report-subscriptions/{subscriptionId}", { params: { path: { subscriptionId: subscription.subscriptionId } }, body }),
    );
    setBusy(false);
    if (!data) {
      setFailure(atFormField(problem));
      return;
    }
    onDone(data);
  }

  return (
    <form class="subscription-form" onSubmit={onSubmit} noValidate aria-labelledby={`${form}-heading`}>
      <h4 id={`${form}-heading`} tabIndex={-1} ref={headingRef}>
        Edit {name.toLowerCase()}
      </h4>
      <Alert message={errors.top} />
      <CadenceFields form={form} errors={errors} cadence={cadence} setCadence={setCadence} anchor={anchor} setAnchor={setAnchor} />
      <Field
        form={form}
        name="recipients"
        label="Recipients"
        errors={errors}
        required
        hint={
          "Email addresses, one per line (at most 50). Addresses kept keep their status; a new one that is not a contact of the account is emailed a link to confirm." +
          (unsubscribed ? " Unsubscribed addresses are not listed: a changed list leaves them out, and one typed in again is asked to confirm." : "")
        }
      >
        {(attrs) => <textarea {...attrs} rows={4} value={recipients} onInput={(e) => setRecipients(e.currentTarget.value)} />}
      </Field>
      <CheckboxField form={form} name="paused" label="Paused" checked={paused} onChange={setPaused} errors={errors} hint="A paused subscription sends nothing until it is resumed." />
      <div class="row-actions">
        <button type="submit" disabled={busy}>
          Save changes
        </button>
        <button type="button" class="secondary" disabled={busy} onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function CadenceFields(props: { form: string; errors: FormErrors; cadence: Cadence; setCadence: (c: Cadence) => void; anchor: string; setAnchor: (a: string) => void }) {
  const { form, errors, cadence } = props;
  return (
    <>
      <Field form={form} name="cadence" label="Cadence" errors={errors} required hint="Periods are US Eastern; each report goes out at 6:00 AM on the day its period ends.">
        {(attrs) => (
          <select {...attrs} value={cadence} onChange={(e) => props.setCadence(e.currentTarget.value as Cadence)}>
            {CADENCES.map((one) => (
              <option value={one}>
                {capitalized(CADENCE_LABELS[one])} ({CADENCE_ABOUT[one]})
              </option>
            ))}
          </select>
        )}
      </Field>
      {cadence === "biweekly" ? (
        <Field form={form} name="anchor" label="First Monday" errors={errors} hint="A Monday that starts a two-week period. Empty: this week's Monday.">
          {(attrs) => <input {...attrs} type="date" value={props.anchor} onInput={(e) => props.setAnchor(e.currentTarget.value)} />}
        </Field>
      ) : null}
    </>
  );
}

const NEW_FORM = "new-subscription";
const NEW_FIELDS = ["cadence", "anchor", "recipients", "caseNumber"];

function NewSubscriptionForm({ accountId, onCreated }: { accountId: string; onCreated: (subscription: Subscription) => void }) {
  const [cadence, setCadence] = useState<Cadence>("weekly");
  const [anchor, setAnchor] = useState("");
  const [recipients, setRecipients] = useState("");
  const [caseNumber, setCaseNumber] = useState("");
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = new FormErrors(failure, NEW_FIELDS);
  useFocusInvalid(NEW_FORM, errors);

  async function onSubmit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    setDone(null);
    const listed = addresses(recipients);
    const body: Schemas["NewSubscription"] = {
      accountId,
      cadence,
      recipients: listed.length ? listed : undefined,
      anchor: cadence === "biweekly" && anchor ? anchor : undefined,
      caseNumber: caseNumber.trim() || undefined,
    };
    const { data, problem } = await attempt(() =>
      api.POST("/report-subscriptions", { params: { header: { "idempotency-key": newIdempotencyKey() } }, body }),
    );
    setBusy(false);
    if (!data) {
      setFailure(atFormField(problem));
      return;
    }
    setRecipients("");
    setCaseNumber("");
    onCreated(data);
    const pending = data.recipients.filter((recipient) => recipient.status === "pending").length;
    setDone(
      `Subscription created: ${CADENCE_LABELS[data.cadence]}, to ${recipientCount(data.recipients.length)}` +
        (pending ? `; ${pending} awaiting confirmation (each was emailed a link to confirm).` : "."),
    );
  }

  return (
    <section aria-labelledby="new-subscription-heading">
      <h2 id="new-subscription-heading">Subscribe to the case report</h2>
      <form class="subscription-form" onSubmit={onSubmit} noValidate>
        <Alert message={errors.top} />
        {failure && !errors.top ? (
          <p class="alert" role="alert">
            The subscription was not created: check the field marked “Error”.
          </p>
        ) : null}
        <CadenceFields form={NEW_FORM} errors={errors} cadence={cadence} setCadence={setCadence} anchor={anchor} setAnchor={setAnchor} />
        <Field
          form={NEW_FORM}
          name="recipients"
          label="Recipients"
          errors={errors}
          hint="Email addresses, one per line (at most 50). Empty: the account's contacts marked as report recipients. An address that is not a contact of the account is emailed a link to confirm, and receives nothing until it does."
        >
          {(attrs) => <textarea {...attrs} rows={4} value={recipients} onInput={(e) => setRecipients(e.currentTarget.value)} />}
        </Field>
        <Field form={NEW_FORM} name="caseNumber" label="Case number" errors={errors} hint="The case that asked for this report (10 digits).">
          {(attrs) => (
            <input {...attrs} inputMode="numeric" autoComplete="off" maxLength={10} value={caseNumber} onInput={(e) => setCaseNumber(e.currentTarget.value)} />
          )}
        </Field>
        <button type="submit" disabled={busy}>
          Subscribe
        </button>
        <p class="status" role="status">
          {done ?? ""}
        </p>
      </form>
    </section>
  );
}

/** A subscription's delivered reports, the latest first, each with its archived CSV. */
function Runs({ subscriptionId, name, version }: { subscriptionId: string; name: string; version: number }) {
  const [runs, setRuns] = useState<ReportRun[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => {
    void attempt(() => api.GET("/report-subscriptions/{subscriptionId}/runs", { params: { path: { subscriptionId } } })).then(({ data, problem }) => {
      setRuns(data?.items ?? []);
      setFailure(problem ? `The delivered reports could not be read: ${problem.message}` : null);
    });
  }, [subscriptionId, version]);

  async function download(run: ReportRun) {
    setSaving(run.firstDay);
    setSaved(null);
    setFailure(null);
    const outcome = await saveCsv(
      () =>
        api.GET("/report-subscriptions/{subscriptionId}/runs/{firstDay}/csv", {
          params: { path: { subscriptionId, firstDay: run.firstDay } },
          parseAs: "blob",
          headers: { Accept: "text/csv" },
        }),
      run.fileName,
    );
    setSaving(null);
    if ("problem" in outcome) setFailure(`The CSV was not downloaded: ${outcome.problem.message}`);
    else setSaved(`Downloaded ${outcome.fileName}.`);
  }

  const captionId = `${subscriptionId}-runs`;
  return (
    <>
      <h4>Delivered reports</h4>
      <Alert message={failure} />
      <p class="status" role="status">
        {runs === null ? "Loading the delivered reports…" : (saved ?? "")}
      </p>
      {runs && runs.length === 0 && !failure ? <p>None delivered yet.</p> : null}
      {runs && runs.length ? (
        <div class="table-wrap" role="region" aria-labelledby={captionId} tabIndex={0}>
          <table>
            <caption id={captionId}>Reports delivered by {name.toLowerCase()}, the latest first</caption>
            <thead>
              <tr>
                <th scope="col">Period</th>
                <th scope="col">Sent</th>
                <th scope="col">Recipients</th>
                <th scope="col">Opened</th>
                <th scope="col">Closed</th>
                <th scope="col">Open at the end</th>
                <th scope="col">CSV</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr>
                  <th scope="row">{capitalized(run.label)}</th>
                  <td>
                    <EasternTime iso={run.sentAt} />
                  </td>
                  <td>{run.recipients}</td>
                  <td>{run.opened}</td>
                  <td>{run.closed}</td>
                  <td>{run.openAtEnd}</td>
                  <td>
                    <button type="button" class="row-action secondary" disabled={saving === run.firstDay} onClick={() => void download(run)}>
                      Download CSV<span class="visually-hidden"> of {run.label}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
