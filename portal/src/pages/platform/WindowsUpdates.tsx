// /maintenance/windows-updates: the Testing Department's catalog of Microsoft updates (only validated ones are applied;
// a pending one says when its decision is expected). Everyone signed in reads it; the Testing Department records an
// update and validates or rejects a pending one.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, newIdempotencyKey, type ApiProblem, type Schemas } from "../../api/client";
import { isTestingDepartment } from "../../auth";
import { Alert, Field, FormErrors, useFocusInvalid } from "../../components";
import { EasternDay } from "../../EasternTime";
import { navigate } from "../../router";
import { attempt } from "../directory";
import { LoadMore } from "../LoadMore";
import { usePages } from "../usePages";
import {
  atListField,
  CLASSIFICATIONS,
  KB_STATUS,
  linesOf,
  PlatformHeader,
  SEVERITIES,
  type KbStatus,
  type WindowsUpdate,
} from "./parts";

const PAGE_SIZE = 25;
const PATH = "/maintenance/windows-updates";

function isKbStatus(value: string): value is KbStatus {
  return value in KB_STATUS;
}

export function WindowsUpdatesPage({ status }: { status: string }) {
  const testing = isTestingDepartment();
  const filter = isKbStatus(status) ? status : null;
  const pages = usePages((token) =>
    api.GET("/maintenance/windows-updates", {
      params: { query: { status: filter ?? undefined, limit: PAGE_SIZE, nextToken: token ?? undefined } },
    }),
  );
  const { items, nextToken, loading, error, load, setItems } = pages;
  const [chosen, setChosen] = useState(filter ?? "");
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState<WindowsUpdate | null>(null);

  useEffect(() => {
    void load(null);
  }, [filter]);

  function replaced(update: WindowsUpdate) {
    setItems((known) =>
      filter && update.status !== filter ? known.filter((one) => one.kb !== update.kb) : known.map((one) => (one.kb === update.kb ? update : one)),
    );
  }

  async function validate(update: WindowsUpdate) {
    setBusy(update.kb);
    setFailure(null);
    setOutcome(null);
    const { data, problem } = await attempt(() =>
      api.POST("/maintenance/windows-updates/{kb}/validate", {
        params: { path: { kb: update.kb }, header: { "if-match": `"${update.version}"` } },
        body: {},
      }),
    );
    setBusy(null);
    if (!data) {
      setFailure(`${update.kb} was not validated: ${problem.message}`);
      if (problem.status === 412 || problem.status === 409) void load(null);
      return;
    }
    replaced(data);
    setOutcome(`${data.kb} is validated: it may be applied to customers' platforms from now on.`);
  }

  return (
    <PlatformHeader path={PATH} title="Windows updates">
      <p>
        The Microsoft updates the Testing Department has recorded. Only validated updates are applied to customers' platforms; a
        pending one is expected to be decided about a week after Microsoft released it.
      </p>
      <form
        class="filters"
        role="search"
        aria-label="Filter the updates"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(chosen ? `${PATH}?${new URLSearchParams({ status: chosen })}` : PATH);
        }}
      >
        <div class="field">
          <label for="kb-status">Status</label>
          <select id="kb-status" value={chosen} onChange={(event) => setChosen(event.currentTarget.value)}>
            <option value="">All statuses</option>
            {Object.entries(KB_STATUS).map(([value, label]) => (
              <option value={value}>{label}</option>
            ))}
          </select>
        </div>
        <button type="submit">Show updates</button>
      </form>
      <Alert message={error?.message} />
      <Alert message={failure} />
      <p class="status" role="status">
        {outcome ?? ""}
      </p>
      <div class="table-wrap" role="region" aria-labelledby="kb-caption" tabIndex={0}>
        <table>
          <caption id="kb-caption">
            {filter ? `${KB_STATUS[filter]} updates` : "Microsoft updates"}, newest release first — {items.length} shown
            {nextToken ? "; more to load" : ""}
          </caption>
          <thead>
            <tr>
              <th scope="col">KB</th>
              <th scope="col">Title</th>
              <th scope="col">Classification</th>
              <th scope="col">MSRC severity</th>
              <th scope="col">Released</th>
              <th scope="col">Decision expected</th>
              <th scope="col">Status</th>
              {testing ? <th scope="col">Decide</th> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((update) => (
              <UpdateRow
                update={update}
                testing={testing}
                busy={busy === update.kb}
                onValidate={validate}
                onReject={(one) => {
                  setOutcome(null);
                  setFailure(null);
                  setRejecting(one);
                }}
              />
            ))}
            {!loading && !error && items.length === 0 ? (
              <tr>
                <td colSpan={testing ? 8 : 7}>{filter ? `No ${KB_STATUS[filter].toLowerCase()} updates.` : "No updates recorded yet."}</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <LoadMore pages={pages} loading="Loading updates…" label="Load more updates" />
      {testing && rejecting ? (
        <RejectForm
          key={rejecting.kb}
          update={rejecting}
          onCancel={() => setRejecting(null)}
          onRejected={(update) => {
            replaced(update);
            setRejecting(null);
            setOutcome(`${update.kb} is rejected: it is not applied.`);
          }}
        />
      ) : null}
      {testing ? <RecordUpdateForm onRecorded={() => void load(null)} /> : null}
    </PlatformHeader>
  );
}

function StatusText({ update }: { update: WindowsUpdate }) {
  const badge = <strong class={`badge kb-status ${update.status}`}>{KB_STATUS[update.status]}</strong>;
  if (update.status === "pending-validation") {
    return (
      <>
        {badge}
        <div>
          expected from <EasternDay day={update.expectedOn} />
        </div>
      </>
    );
  }
  if (update.status === "rejected") {
    return (
      <>
        {badge}
        <div>Reason: {update.rejectionReason || "none given"}</div>
      </>
    );
  }
  return (
    <>
      {badge}
      {update.comment ? <div>{update.comment}</div> : null}
    </>
  );
}

function UpdateRow(props: {
  update: WindowsUpdate;
  testing: boolean;
  busy: boolean;
  onValidate: (update: WindowsUpdate) => void;
  onReject: (update: WindowsUpdate) => void;
}) {
  const { update, testing, busy, onValidate, onReject } = props;
  return (
    <tr>
      <th scope="row">{update.kb}</th>
      <td>
        {update.title}
        {update.products?.length ? <div class="hint">{update.products.join(", ")}</div> : null}
      </td>
      <td>
        {update.classification}
        {update.critical ? <div class="hint">Critical: overdue validation is flagged</div> : null}
      </td>
      <td>{update.msrcSeverity ?? "—"}</td>
      <td>
        <EasternDay day={update.releasedOn} />
      </td>
      <td>
        <EasternDay day={update.expectedOn} />
      </td>
      <td>
        <StatusText update={update} />
      </td>
      {testing ? (
        <td>
          {update.status === "pending-validation" ? (
            <div class="row-actions">
              <button type="button" class="row-action" disabled={busy} onClick={() => onValidate(update)}>
                Validate<span class="visually-hidden"> {update.kb}</span>
              </button>
              <button type="button" class="row-action secondary" disabled={busy} onClick={() => onReject(update)}>
                Reject<span class="visually-hidden"> {update.kb}</span>
              </button>
            </div>
          ) : (
            "—"
          )}
        </td>
      ) : null}
    </tr>
  );
}

function RejectForm(props: { update: WindowsUpdate; onCancel: () => void; onRejected: (update: WindowsUpdate) => void }) {
  const { update, onCancel, onRejected } = props;
  const form = "reject-kb";
  const [reason, setReason] = useState("");
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = new FormErrors(failure, ["reason"]);
  useFocusInvalid(form, errors);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  async function onSubmit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    const { data, problem } = await attempt(() =>
      api.POST("/maintenance/windows-updates/{kb}/reject", {
        params: { path: { kb: update.kb }, header: { "if-match": `"${update.version}"` } },
        body: { reason: reason.trim() },
      }),
    );
    setBusy(false);
    if (!data) {
      setFailure(problem);
      return;
    }
    onRejected(data);
  }

  return (
    <section aria-labelledby="reject-heading" class="decision">
      <h2 id="reject-heading" tabIndex={-1} ref={heading}>
        Reject {update.kb}
      </h2>
      <p>{update.title}</p>
      <form onSubmit={onSubmit} noValidate class="window-form">
        <Alert message={errors.top} />
        <Field form={form} name="reason" label="Reason" errors={errors} required hint="Why it is not applied; customers and engineers read it.">
          {(attrs) => <textarea {...attrs} rows={3} maxLength={1000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
        </Field>
        <div class="row-actions">
          <button type="submit" disabled={busy}>
            Reject {update.kb}
          </button>
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

const RECORD_FORM = "record-kb";
const RECORD_FIELDS = ["kb", "title", "classification", "msrcSeverity", "products", "releasedOn"];

function RecordUpdateForm({ onRecorded }: { onRecorded: () => void }) {
  const [kb, setKb] = useState("");
  const [title, setTitle] = useState("");
  const [classification, setClassification] = useState<string>("Security");
  const [severity, setSeverity] = useState<string>("");
  const [products, setProducts] = useState("");
  const [releasedOn, setReleasedOn] = useState("");
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [done, setDone] = useState<ComponentChildren>(null);
  const [busy, setBusy] = useState(false);
  const errors = new FormErrors(failure, RECORD_FIELDS);
  useFocusInvalid(RECORD_FORM, errors);

  async function onSubmit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    setDone(null);
    const body = {
      kb: kb.trim().toUpperCase(),
      title: title.trim(),
      classification,
      msrcSeverity: severity || null,
      products: linesOf(products),
      releasedOn: releasedOn || undefined,
    } as Schemas["NewWindowsUpdate"];
    const { data, problem } = await attempt(() =>
      api.POST("/maintenance/windows-updates", { params: { header: { "idempotency-key": newIdempotencyKey() } }, body }),
    );
    setBusy(false);
    if (!data) {
      setFailure(atListField(problem, ["products"]));
      return;
    }
    setKb("");
    setTitle("");
    setProducts("");
    setDone(
      <p>
        {data.kb} is recorded pending validation; its decision is expected from <EasternDay day={data.expectedOn} />.
      </p>,
    );
    onRecorded();
  }

  return (
    <section aria-labelledby="record-kb-heading">
      <h2 id="record-kb-heading">Record an update</h2>
      <p>A Microsoft update as Microsoft published it; it is recorded pending your validation.</p>
      <form onSubmit={onSubmit} noValidate class="window-form">
        <Alert message={errors.top} />
        {failure && !errors.top ? (
          <p class="alert" role="alert">
            The update was not recorded: check the field marked “Error”.
          </p>
        ) : null}
        <Field form={RECORD_FORM} name="kb" label="KB number" errors={errors} required hint="KB and 6 to 8 digits, e.g. KB5034441.">
          {(attrs) => <input {...attrs} autoComplete="off" maxLength={10} value={kb} onInput={(e) => setKb(e.currentTarget.value)} />}
        </Field>
        <Field form={RECORD_FORM} name="title" label="Title" errors={errors} required hint="Microsoft's title of the update.">
          {(attrs) => <input {...attrs} autoComplete="off" maxLength={255} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}
        </Field>
        <Field form={RECORD_FORM} name="classification" label="Classification" errors={errors} required>
          {(attrs) => (
            <select {...attrs} value={classification} onChange={(e) => setClassification(e.currentTarget.value)}>
              {CLASSIFICATIONS.map((one) => (
                <option value={one}>{one}</option>
              ))}
            </select>
          )}
        </Field>
        <Field form={RECORD_FORM} name="msrcSeverity" label="MSRC severity" errors={errors} hint="When Microsoft gives one. Critical updates are flagged when their validation is overdue.">
          {(attrs) => (
            <select {...attrs} value={severity} onChange={(e) => setSeverity(e.currentTarget.value)}>
              <option value="">None given</option>
              {SEVERITIES.map((one) => (
                <option value={one}>{one}</option>
              ))}
            </select>
          )}
        </Field>
        <Field form={RECORD_FORM} name="products" label="Products" errors={errors} hint="The products it applies to, one per line.">
          {(attrs) => <textarea {...attrs} rows={3} value={products} onInput={(e) => setProducts(e.currentTarget.value)} />}
        </Field>
        <Field form={RECORD_FORM} name="releasedOn" label="Released on" errors={errors} required hint="Microsoft's release date, e.g. a Patch Tuesday.">
          {(attrs) => <input {...attrs} type="date" value={releasedOn} onInput={(e) => setReleasedOn(e.currentTarget.value)} />}
        </Field>
        <button type="submit" disabled={busy}>
          Record update
        </button>
        <div class="status" role="status">
          {done}
        </div>
      </form>
    </section>
  );
}
