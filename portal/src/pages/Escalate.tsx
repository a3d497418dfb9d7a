import { useState } from "preact/hooks";
import type { ApiProblem, Schemas } from "../api/client";
import { Alert, Field, FormErrors, useFocusInvalid } from "../components";
import { PhoneLinkedText } from "../PhoneLinks";
import { PRIORITIES, WEB_PRIORITIES } from "./caseText";

type Kind = Schemas["EscalationKind"];
type Priority = Schemas["Priority"];
export type EscalationAnswer = Schemas["EscalationOutcome"];
export type EscalationResult = { problem: ApiProblem | null; answer?: EscalationAnswer };

const FORM = "escalate";

/** Ask to raise the priority (to which) or to involve management, with a reason; shows what the desk did. */
export function Escalate({
  priority,
  staff,
  submit,
}: {
  priority: Priority;
  staff: boolean;
  submit: (request: Schemas["EscalationRequest"]) => Promise<EscalationResult>;
}) {
  const higher = PRIORITIES.slice(PRIORITIES.indexOf(priority) + 1);
  const [kind, setKind] = useState<Kind>(higher.length ? "priority" : "management");
  const [picked, setPicked] = useState<Priority | null>(null);
  const [reason, setReason] = useState("");
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [answer, setAnswer] = useState<EscalationAnswer | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = new FormErrors(failure, ["kind", "requestedPriority", "reason"]);
  useFocusInvalid(FORM, errors);
  // The priority may have been raised since the pick: fall back to one level up.
  const requested = picked && higher.includes(picked) ? picked : higher[0];
  const chosenKind: Kind = higher.length ? kind : "management";

  async function onSubmit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setAnswer(null);
    const body: Schemas["EscalationRequest"] =
      chosenKind === "priority" ? { kind: "priority", requestedPriority: requested, reason } : { kind: "management", reason };
    const result = await submit(body);
    setFailure(result.problem);
    if (result.answer) {
      setAnswer(result.answer);
      setReason("");
      setPicked(null);
    }
    setBusy(false);
  }

  const kindError = errors.at("kind");
  return (
    <section aria-labelledby={`${FORM}-heading`}>
      <h2 id={`${FORM}-heading`}>Escalate</h2>
      <div role="status" class={answer ? "callout escalation-answer" : undefined}>
        {answer ? (
          <>
            <strong>{answer.outcome === "applied" ? "Done:" : "Recorded:"}</strong> <PhoneLinkedText text={answer.message} />
          </>
        ) : null}
      </div>
      <form onSubmit={onSubmit} noValidate>
        <Alert message={errors.top} />
        <fieldset class={kindError ? "invalid" : undefined} aria-describedby={kindError ? `${FORM}-kind-error` : undefined}>
          <legend>What do you need?</legend>
          {kindError ? (
            <p class="field-error" id={`${FORM}-kind-error`}>
              Error: {kindError}
            </p>
          ) : null}
          <div class="field checkbox">
            <input
              type="radio"
              id={`${FORM}-kind`}
              name="kind"
              value="priority"
              checked={chosenKind === "priority"}
              disabled={!higher.length}
              onChange={() => setKind("priority")}
            />
            <label for={`${FORM}-kind`}>
              Raise the priority
              {higher.length ? null : <span class="optional"> (already {priority}, the highest)</span>}
            </label>
          </div>
          <div class="field checkbox">
            <input
              type="radio"
              id={`${FORM}-kind-management`}
              name="kind"
              value="management"
              checked={chosenKind === "management"}
              onChange={() => setKind("management")}
            />
            <label for={`${FORM}-kind-management`}>Involve management (the regional support manager is notified)</label>
          </div>
        </fieldset>
        {chosenKind === "priority" ? (
          <Field
            form={FORM}
            name="requestedPriority"
            label="Raise to"
            errors={errors}
            required
            hint={staff ? "Applied at once." : customerHint(higher)}
          >
            {(attrs) => (
              <select {...attrs} value={requested} onChange={(e) => setPicked(e.currentTarget.value as Priority)}>
                {higher.map((p) => (
                  <option value={p}>{p}</option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <Field form={FORM} name="reason" label="Reason for escalating" errors={errors} required>
          {(attrs) => <textarea {...attrs} rows={3} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
        </Field>
        <button type="submit" disabled={busy}>
          Escalate
        </button>
      </form>
    </section>
  );
}

function customerHint(higher: readonly Priority[]): string {
  const onTheWeb = higher.filter((p) => WEB_PRIORITIES.includes(p));
  const byPhone = higher.filter((p) => !WEB_PRIORITIES.includes(p));
  const atOnce = onTheWeb.length ? `${onTheWeb.join(" or ")} is applied at once; ` : "";
  return `${atOnce}${byPhone.join(" and ")} ${byPhone.length > 1 ? "are" : "is"} recorded on the case and need${byPhone.length > 1 ? "" : "s"} a phone call to support.`;
}
