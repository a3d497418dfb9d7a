// What the sign-in steps share: headings that announce a new step, errors at a field or on top, Cognito's
// refusals in words a person can act on.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { CognitoError } from "../auth";
import { FormErrors } from "../components";
import { hasNavigated } from "../router";

export const CODE_LABEL = "Code from your authenticator app";
export const SESSION_OVER = "This sign-in expired: each step must be finished within a few minutes. Sign in again.";
export const WRONG_CODE = "That code did not match. Enter the code your authenticator app shows now (it changes every 30 seconds).";
export const USED_CODE = "That code was used already. Wait for the next code in your authenticator app, then enter it.";
const TOO_MANY = ["LimitExceededException", "TooManyRequestsException", "TooManyFailedAttemptsException"];

export const noErrors = new FormErrors(null, []);

/** An error at `field` (one of `fields`), or on top of the form when `field` is null. */
export function errorAt(field: string | null, message: string, fields: readonly string[]): FormErrors {
  return new FormErrors({ message, field, status: 0 }, fields);
}

/** Cognito's refusal as a sentence for the top of the form. */
export function refusal(error: unknown): string {
  if (!(error instanceof CognitoError)) return "Sign-in failed; try again.";
  if (TOO_MANY.includes(error.type)) return "Too many attempts: wait a few minutes, then try again.";
  return error.message;
}

/** The 6 digits an authenticator app shows, however they were typed (with spaces or a dash), or null. */
export function totpDigits(typed: string): string | null {
  const digits = typed.replace(/[\s-]/g, "");
  return /^\d{6}$/.test(digits) ? digits : null;
}

/** A sign-in step's heading: it takes focus when the step replaced another, so the new step is announced. */
export function StepHeading({ children, takeFocus }: { children: ComponentChildren; takeFocus: boolean }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (takeFocus || hasNavigated()) ref.current?.focus();
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}
