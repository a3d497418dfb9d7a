import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import type { ApiProblem } from "./api/client";
import { hasNavigated } from "./router";

/** A form's refusal from the API: shown at the field it names when the form has that field, else on top. */
export class FormErrors {
  constructor(
    readonly problem: ApiProblem | null,
    readonly fields: readonly string[],
  ) {}

  at(field: string): string | undefined {
    return this.problem && this.problem.field === field ? this.problem.message : undefined;
  }

  /** The message for the top of the form, when no field of the form shows it. */
  get top(): string | undefined {
    if (!this.problem) return undefined;
    const { field, message } = this.problem;
    return field && this.fields.includes(field) ? undefined : message;
  }
}

export function fieldId(form: string, field: string): string {
  return `${form}-${field.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

/** Moves focus to the field the API refused, so keyboard and screen-reader users land on it. */
export function useFocusInvalid(form: string, errors: FormErrors): void {
  useEffect(() => {
    const field = errors.problem?.field;
    if (field && errors.fields.includes(field)) document.getElementById(fieldId(form, field))?.focus();
  }, [errors.problem]);
}

export function Alert({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <div class="alert" role="alert">
      {message}
    </div>
  );
}

type FieldProps = {
  form: string;
  name: string;
  label: string;
  errors?: FormErrors;
  hint?: string | null;
  required?: boolean;
  children: (attrs: Record<string, unknown>) => ComponentChildren;
};

/** A visible <label for>, the control, its hint and its error (aria-describedby, aria-invalid). */
export function Field({ form, name, label, errors, hint, required, children }: FieldProps) {
  const id = fieldId(form, name);
  const error = errors?.at(name);
  const describedBy = fieldDescription(id, hint, error);
  return (
    <div class={error ? "field invalid" : "field"}>
      <label for={id}>
        {label}
        {required ? null : <span class="optional"> (optional)</span>}
      </label>
      <FieldNotes id={id} hint={hint} error={error} />
      {children({
        id,
        name,
        required,
        "aria-invalid": error ? "true" : undefined,
        "aria-describedby": describedBy,
      })}
    </div>
  );
}

/** A field's hint and the API's refusal at it, named by the control's aria-describedby (fieldDescription). */
export function FieldNotes({ id, hint, error }: { id: string; hint?: string | null; error?: string }) {
  return (
    <>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          Error: {error}
        </p>
      ) : null}
    </>
  );
}

export function fieldDescription(id: string, hint: string | null | undefined, error: string | undefined): string | undefined {
  return [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
}

type CheckboxProps = {
  form: string;
  name: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  errors?: FormErrors;
  hint?: string;
};

/** A checkbox with its label after it, its hint and the API's refusal at it. */
export function CheckboxField({ form, name, label, checked, onChange, errors, hint }: CheckboxProps) {
  const id = fieldId(form, name);
  const error = errors?.at(name);
  const describedBy = fieldDescription(id, hint, error);
  return (
    <div class={error ? "field checkbox invalid" : "field checkbox"}>
      <input
        type="checkbox"
        id={id}
        name={name}
        checked={checked}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.currentTarget.checked)}
      />
      <label for={id}>{label}</label>
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}

/** Page heading that takes focus when the page changes (announces the new page). */
export function PageHeading({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (hasNavigated()) {
      ref.current?.focus();
    }
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

export function Status({ message }: { message?: string | null }) {
  return (
    <p class="status" role="status">
      {message ?? ""}
    </p>
  );
}
