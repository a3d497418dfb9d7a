import { useState } from "preact/hooks";
import type { ApiProblem, Case, Schemas } from "../api/client";
import { Alert, Field, FormErrors, useFocusInvalid } from "../components";
import { OPEN_SUB_STATUSES, PRIORITIES } from "./caseText";

type CaseChanges = Schemas["CaseChanges"];
type SubStatus = Schemas["OpenSubStatus"];
type Priority = Schemas["Priority"];

const FORM = "support-fields";

/** Support's fields of a case: its owner (me, or an engineer's user id), sub status and priority. */
export function SupportFields({
  theCase,
  me,
  submit,
}: {
  theCase: Case;
  me: string | undefined;
  submit: (changes: CaseChanges) => Promise<ApiProblem | null>;
}) {
  // Only what the engineer picked is kept; the rest follows the case as it is reloaded.
  const [owner, setOwner] = useState("");
  const [subStatus, setSubStatus] = useState<SubStatus | null>(null);
  const [priority, setPriority] = useState<Priority | null>(null);
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = new FormErrors(failure, ["ownerId", "subStatus", "priority"]);
  useFocusInvalid(FORM, errors);
  const shownSubStatus = subStatus ?? theCase.subStatus;
  const shownPriority = priority ?? theCase.priority;
  const subStatuses: string[] = OPEN_SUB_STATUSES.includes(theCase.subStatus as SubStatus)
    ? [...OPEN_SUB_STATUSES]
    : [theCase.subStatus, ...OPEN_SUB_STATUSES];

  async function send(changes: CaseChanges) {
    setBusy(true);
    const result = await submit(changes);
    setFailure(result);
    if (!result) {
      setOwner("");
      setSubStatus(null);
      setPriority(null);
    }
    setBusy(false);
  }

  async function onSubmit(event: Event) {
    event.preventDefault();
    const changes: CaseChanges = {};
    if (owner.trim() && owner.trim() !== theCase.ownerId) changes.ownerId = owner.trim();
    if (subStatus && subStatus !== theCase.subStatus) changes.subStatus = subStatus;
    if (priority && priority !== theCase.priority) changes.priority = priority;
    if (Object.keys(changes).length === 0) {
      setFailure({ message: "Nothing to change: pick a new owner, sub status or priority.", status: 0 });
      return;
    }
    await send(changes);
  }

  return (
    <section aria-labelledby={`${FORM}-heading`}>
      <h2 id={`${FORM}-heading`}>Owner, sub status and priority</h2>
      <p>
        Owner: <strong>{ownerName(theCase.ownerId, me)}</strong>{" "}
        {me && theCase.ownerId !== me ? (
          <button type="button" class="secondary" disabled={busy} onClick={() => void send({ ownerId: me })}>
            Assign to me
          </button>
        ) : null}
      </p>
      <form onSubmit={onSubmit} noValidate>
        <Alert message={errors.top} />
        <Field
          form={FORM}
          name="ownerId"
          label="New owner's user id"
          errors={errors}
          hint="An engineer's user id; leave empty to keep the owner."
        >
          {(attrs) => <input {...attrs} value={owner} autocomplete="off" onInput={(e) => setOwner(e.currentTarget.value)} />}
        </Field>
        <Field form={FORM} name="subStatus" label="Sub status" errors={errors} required>
          {(attrs) => (
            <select {...attrs} value={shownSubStatus} onChange={(e) => setSubStatus(e.currentTarget.value as SubStatus)}>
              {subStatuses.map((s) => (
                <option value={s}>{s}</option>
              ))}
            </select>
          )}
        </Field>
        <Field
          form={FORM}
          name="priority"
          label="Priority"
          errors={errors}
          required
          hint="Any priority: this is how 2-High and 1-Prod Down are applied after the customer's call."
        >
          {(attrs) => (
            <select {...attrs} value={shownPriority} onChange={(e) => setPriority(e.currentTarget.value as Priority)}>
              {PRIORITIES.map((p) => (
                <option value={p}>{p}</option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" disabled={busy}>
          Save changes
        </button>
      </form>
    </section>
  );
}

export function ownerName(ownerId: string | null | undefined, me: string | undefined): string {
  if (!ownerId) return "nobody yet";
  return ownerId === me ? "you" : ownerId;
}
