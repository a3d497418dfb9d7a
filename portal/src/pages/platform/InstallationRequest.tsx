// /maintenance/requests/new (staff): an installation request. The guide's rule answers before anything is written
// ("Check against the rules" asks /maintenance/requests/check); "Request installation" opens the installation case and
// closes the cases it resolves, in one go.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, newIdempotencyKey, type ApiProblem, type Case, type Schemas } from "../../api/client";
import { Alert, CheckboxField, Field, fieldId, FormErrors } from "../../components";
import { attempt, type Contact } from "../directory";
import { atListField, KIND_LABELS, listOf, PlatformHeader, REASON_LABELS, type UpdateKind, type UpdateReason } from "./parts";

type Answer = { allowed: true; message: string } | { allowed: false; problem: ApiProblem };
type Accepted = Schemas["InstallationAccepted"];

const FORM = "installation";
const FIELDS = [
  "accountId",
  "contactId",
  "kind",
  "reason",
  "scrs",
  "feature",
  "systemImpacting",
  "featureInUse",
  "serviceAffecting",
  "target.kbs",
  "target.release",
  "target.patch",
  "target.gateways",
  "target.update",
  "resolvesCases",
  "notes",
];
const LISTS = ["scrs", "target.kbs", "target.gateways", "resolvesCases"];
const FIELD_LABELS: Record<string, string> = {
  accountId: "Account",
  contactId: "Contact",
  kind: "What is installed",
  reason: "Why",
  scrs: "SCRs",
  feature: "Feature",
  systemImpacting: "A system-impacting issue drives it",
  featureInUse: "The customer uses the feature the SCR affects",
  serviceAffecting: "The SCR is service affecting",
  "target.kbs": "KB numbers",
  "target.release": "Release",
  "target.patch": "Patch",
  "target.gateways": "Gateways",
  "target.update": "Service Update or firmware",
  resolvesCases: "Cases it resolves",
  notes: "Notes",
};
const SCR_REASONS: UpdateReason[] = ["known-scr", "new-scr"];

type Form = {
  accountId: string;
  contactId: string;
  kind: UpdateKind;
  reason: UpdateReason;
  scrs: string;
  feature: string;
  systemImpacting: boolean;
  featureInUse: boolean;
  serviceAffecting: boolean;
  kbs: string;
  release: string;
  patch: string;
  gateways: string;
  update: string;
  resolvesCases: string;
  notes: string;
};

function emptyForm(accountId: string): Form {
  return {
    accountId,
    contactId: "",
    kind: "windows-update",
    reason: "known-scr",
    scrs: "",
    feature: "",
    systemImpacting: false,
    featureInUse: false,
    serviceAffecting: false,
    kbs: "",
    release: "",
    patch: "",
    gateways: "",
    update: "",
    resolvesCases: "",
    notes: "",
  };
}

/** The request as the API takes it: only the fields the kind and the reason use. */
function requestOf(form: Form): Schemas["InstallationRequest"] {
  const { kind, reason } = form;
  const target: Schemas["InstallationTarget"] =
    kind === "windows-update"
      ? { kbs: listOf(form.kbs).map((kb) => kb.toUpperCase()) }
      : kind === "release"
        ? { release: form.release.trim() || null }
        : kind === "patch"
          ? { patch: form.patch.trim() || null }
          : { gateways: listOf(form.gateways), update: form.update.trim() || null };
  return {
    accountId: form.accountId.trim(),
    contactId: form.contactId.trim() || null,
    kind,
    reason,
    scrs: SCR_REASONS.includes(reason) ? listOf(form.scrs) : [],
    feature: reason === "feature" ? form.feature.trim() || null : null,
    systemImpacting: kind === "release" || kind === "gateway-update" ? form.systemImpacting : false,
    featureInUse: kind === "patch" ? form.featureInUse : null,
    serviceAffecting: kind === "patch" ? form.serviceAffecting : null,
    target,
    resolvesCases: listOf(form.resolvesCases),
    notes: form.notes.trim() || null,
  };
}

export function InstallationRequestPage({ account }: { account: string }) {
  const [form, setForm] = useState<Form>(() => emptyForm(account));
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [checking, setChecking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [accepted, setAccepted] = useState<Accepted | null>(null);
  const [contacts, setContacts] = useState<Contact[]>([]);
  const idempotencyKey = useRef<string | null>(null);
  const focusAfterSubmit = useRef(false);
  const problemShown = failure ?? (answer && !answer.allowed ? answer.problem : null);
  const errors = new FormErrors(problemShown, FIELDS);

  // The account's contacts to pick from, once the account id has been typed.
  useEffect(() => {
    const accountId = form.accountId.trim();
    setContacts([]);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/.test(accountId)) return;
    const timer = setTimeout(() => {
      void attempt(() =>
        api.GET("/accounts/{accountId}/contacts", { params: { path: { accountId }, query: { limit: 100 } } }),
      ).then(({ data }) => setContacts(data?.items ?? []));
    }, 400);
    return () => clearTimeout(timer);
  }, [form.accountId]);

  // A refused submission takes the keyboard to the field the API named (a check only announces its answer).
  useEffect(() => {
    if (!focusAfterSubmit.current || !failure) return;
    focusAfterSubmit.current = false;
    if (failure.field && FIELDS.includes(failure.field)) document.getElementById(fieldId(FORM, failure.field))?.focus();
  }, [failure]);

  /** A change of the form: the rule's answer was for the request as it was, and a new request gets a new key. */
  function edit(change: Partial<Form>) {
    setForm((now) => ({ ...now, ...change }));
    setAnswer(null);
    setFailure(null);
    idempotencyKey.current = null;
  }

  async function check() {
    setChecking(true);
    setAnswer(null);
    setFailure(null);
    const { data, problem } = await attempt(() => api.POST("/maintenance/requests/check", { body: requestOf(form) }));
    setChecking(false);
    setAnswer(data ? { allowed: true, message: data.message } : { allowed: false, problem: atListField(problem, LISTS) });
  }

  async function onSubmit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setAnswer(null);
    setFailure(null);
    // One key per request: a retry of the same request (a lost answer) is answered once, not made twice.
    idempotencyKey.current ??= newIdempotencyKey();
    const { data, problem } = await attempt(() =>
      api.POST("/maintenance/requests", {
        params: { header: { "idempotency-key": idempotencyKey.current ?? undefined } },
        body: requestOf(form),
      }),
    );
    setBusy(false);
    if (!data) {
      focusAfterSubmit.current = true;
      setFailure(atListField(problem, LISTS));
      return;
    }
    idempotencyKey.current = null;
    setAccepted(data);
  }

  if (accepted) {
    return (
      <PlatformHeader path="/maintenance/requests/new" title="Request an installation">
        <AcceptedRequest
          accepted={accepted}
          onAnother={() => {
            setAccepted(null);
            setForm(emptyForm(form.accountId));
          }}
        />
      </PlatformHeader>
    );
  }

  const { kind, reason } = form;
  const reasons = (Object.keys(REASON_LABELS) as UpdateReason[]).filter((one) => one !== "behind-ga" || kind === "gateway-update");
  const refusedAt = answer && !answer.allowed ? answer.problem.field : null;
  return (
    <PlatformHeader path="/maintenance/requests/new" title="Request an installation">
      <p>
        Install a Windows update, a Release, a Patch or a gateway update on a customer's platform. The guide's rules decide: check the
        request against them before sending it. An accepted request opens the installation case (a Service Request) and closes the
        cases it resolves as Resolved.
      </p>
      <form onSubmit={onSubmit} noValidate class="window-form installation-form">
        {failure ? <Alert message={errors.top ?? "The installation was not requested: check the field marked “Error”."} /> : null}
        <Field form={FORM} name="accountId" label="Account" errors={errors} required hint="The account id, e.g. acme.">
          {(attrs) => <input {...attrs} autoComplete="off" value={form.accountId} onInput={(e) => edit({ accountId: e.currentTarget.value })} />}
        </Field>
        <Field
          form={FORM}
          name="contactId"
          label="Contact"
          errors={errors}
          hint="Whose installation case it is; empty: the contact of the first case it resolves."
        >
          {(attrs) => (
            <select {...attrs} value={form.contactId} onChange={(e) => edit({ contactId: e.currentTarget.value })}>
              <option value="">The first resolved case's contact</option>
              {contacts.map((contact) => (
                <option value={contact.contactId}>
                  {contact.name} ({contact.contactId})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field form={FORM} name="kind" label="What is installed" errors={errors} required>
          {(attrs) => (
            <select
              {...attrs}
              value={kind}
              onChange={(e) => {
                const next = e.currentTarget.value as UpdateKind;
                edit({ kind: next, ...(next !== "gateway-update" && reason === "behind-ga" ? { reason: "known-scr" } : {}) });
              }}
            >
              {(Object.keys(KIND_LABELS) as UpdateKind[]).map((one) => (
                <option value={one}>{KIND_LABELS[one]}</option>
              ))}
            </select>
          )}
        </Field>
        {kind === "windows-update" ? (
          <Field form={FORM} name="target.kbs" label="KB numbers" errors={errors} required hint="One per line or separated by commas, e.g. KB5034441; only validated updates are applied.">
            {(attrs) => <textarea {...attrs} rows={2} value={form.kbs} onInput={(e) => edit({ kbs: e.currentTarget.value })} />}
          </Field>
        ) : kind === "release" ? (
          <Field form={FORM} name="target.release" label="Release" errors={errors} required hint="The Release to upgrade to, e.g. 2025 R1.">
            {(attrs) => <input {...attrs} autoComplete="off" value={form.release} onInput={(e) => edit({ release: e.currentTarget.value })} />}
          </Field>
        ) : kind === "patch" ? (
          <Field form={FORM} name="target.patch" label="Patch" errors={errors} required>
            {(attrs) => <input {...attrs} autoComplete="off" value={form.patch} onInput={(e) => edit({ patch: e.currentTarget.value })} />}
          </Field>
        ) : (
          <>
            <Field form={FORM} name="target.gateways" label="Gateways" errors={errors} required hint="The gateway ids on the account's platform, one per line or separated by commas.">
              {(attrs) => <textarea {...attrs} rows={2} value={form.gateways} onInput={(e) => edit({ gateways: e.currentTarget.value })} />}
            </Field>
            <Field form={FORM} name="target.update" label="Service Update or firmware" errors={errors} required hint="The update to install, e.g. SU7.">
              {(attrs) => <input {...attrs} autoComplete="off" value={form.update} onInput={(e) => edit({ update: e.currentTarget.value })} />}
            </Field>
          </>
        )}
        <Field form={FORM} name="reason" label="Why" errors={errors} required>
          {(attrs) => (
            <select {...attrs} value={reason} onChange={(e) => edit({ reason: e.currentTarget.value as UpdateReason })}>
              {reasons.map((one) => (
                <option value={one}>{REASON_LABELS[one]}</option>
              ))}
            </select>
          )}
        </Field>
        {SCR_REASONS.includes(reason) ? (
          <Field form={FORM} name="scrs" label="SCRs" errors={errors} hint="The Software Change Requests, one per line or separated by commas.">
            {(attrs) => <textarea {...attrs} rows={2} value={form.scrs} onInput={(e) => edit({ scrs: e.currentTarget.value })} />}
          </Field>
        ) : reason === "feature" ? (
          <Field form={FORM} name="feature" label="Feature" errors={errors} required hint="The feature the customer wants to use.">
            {(attrs) => <input {...attrs} autoComplete="off" value={form.feature} onInput={(e) => edit({ feature: e.currentTarget.value })} />}
          </Field>
        ) : null}
        {kind === "release" || kind === "gateway-update" ? (
          <CheckboxField
            form={FORM}
            name="systemImpacting"
            label={FIELD_LABELS.systemImpacting}
            checked={form.systemImpacting}
            errors={errors}
            onChange={(checked) => edit({ systemImpacting: checked })}
          />
        ) : null}
        {kind === "patch" ? (
          <>
            <CheckboxField form={FORM} name="featureInUse" label={FIELD_LABELS.featureInUse} checked={form.featureInUse} errors={errors} onChange={(checked) => edit({ featureInUse: checked })} />
            <CheckboxField form={FORM} name="serviceAffecting" label={FIELD_LABELS.serviceAffecting} checked={form.serviceAffecting} errors={errors} onChange={(checked) => edit({ serviceAffecting: checked })} />
          </>
        ) : null}
        <Field
          form={FORM}
          name="resolvesCases"
          label="Cases it resolves"
          errors={errors}
          hint="The account's open case numbers, one per line or separated by commas; they are closed as Resolved by the installation case."
        >
          {(attrs) => <textarea {...attrs} rows={3} value={form.resolvesCases} onInput={(e) => edit({ resolvesCases: e.currentTarget.value })} />}
        </Field>
        <Field form={FORM} name="notes" label="Notes" errors={errors} hint="What the engineers need to know; it goes into the case's description.">
          {(attrs) => <textarea {...attrs} rows={4} value={form.notes} onInput={(e) => edit({ notes: e.currentTarget.value })} />}
        </Field>
        <div class="rule-answer" role="status" aria-live="polite" id={`${FORM}-rule`}>
          {checking ? (
            <p>Checking against the rules…</p>
          ) : answer?.allowed ? (
            <p class="allowed">
              <strong>Allowed:</strong> {answer.message}
            </p>
          ) : answer ? (
            <p class="refused">
              <strong>Not allowed:</strong> {answer.problem.message}
              {refusedAt && FIELD_LABELS[refusedAt] ? ` (see “${FIELD_LABELS[refusedAt]}”)` : ""}
            </p>
          ) : null}
        </div>
        <div class="row-actions">
          <button type="button" class="secondary" disabled={checking || busy} onClick={() => void check()}>
            Check against the rules
          </button>
          <button type="submit" disabled={busy}>
            Request installation
          </button>
        </div>
      </form>
    </PlatformHeader>
  );
}

function AcceptedRequest({ accepted, onAnother }: { accepted: Accepted; onAnother: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const installation: Case = accepted.case;
  return (
    <section aria-labelledby="accepted-heading" class="callout accepted">
      <h2 id="accepted-heading" tabIndex={-1} ref={heading}>
        Installation case {installation.caseNumber} opened
      </h2>
      <p>
        <a href={`/cases/${installation.caseNumber}`}>
          Case {installation.caseNumber}: {installation.subject}
        </a>
      </p>
      <p>
        <strong>Rule:</strong> {accepted.rule.message}
        {installation.installation?.quota ? ` It uses the entitlement: ${installation.installation.quota}.` : ""}
      </p>
      {accepted.resolvedCases.length ? (
        <>
          <p>It closed these cases as Resolved:</p>
          <ul>
            {accepted.resolvedCases.map((resolved) => (
              <li>
                <a href={`/cases/${resolved.caseNumber}`}>
                  Case {resolved.caseNumber}: {resolved.subject}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>It closed no other case.</p>
      )}
      <button type="button" class="secondary" onClick={onAnother}>
        Request another installation
      </button>
    </section>
  );
}
