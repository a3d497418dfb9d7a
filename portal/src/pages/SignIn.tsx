import { useRef, useState } from "preact/hooks";
import { CognitoError, isSessionOver, isWrongCode, offersAuthenticatorApp, respond, signIn, type Challenge } from "../auth";
import { Alert, Field, FormErrors, Status, useFocusInvalid } from "../components";
import { navigate } from "../router";
import { ForgotPassword } from "./ForgotPassword";
import { MfaSetup } from "./MfaSetup";
import { CODE_LABEL, SESSION_OVER, StepHeading, USED_CODE, WRONG_CODE, errorAt, noErrors, refusal, totpDigits } from "./signInParts";

const FORM = "sign-in";
const FIELDS = ["email", "password", "newPassword", "confirmPassword", "code"] as const;

type Step =
  | { kind: "password" }
  | { kind: "new-password"; challenge: NonNullable<Challenge> }
  | { kind: "mfa-setup"; challenge: NonNullable<Challenge> }
  | { kind: "mfa-code"; challenge: NonNullable<Challenge> }
  | { kind: "forgot" };

function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/sign-in") ? next : "/";
}

export function SignInPage({ next }: { next: string | null }) {
  const [step, setStep] = useState<Step>({ kind: "password" });
  // Once a step has replaced another, each new step's heading takes focus.
  const [moved, setMoved] = useState(false);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [code, setCode] = useState("");
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Cognito took a new password in this sign-in: starting again needs that one, not the temporary one.
  const passwordChanged = useRef(false);
  useFocusInvalid(FORM, errors);

  function go(nextStep: Step) {
    setStep(nextStep);
    setMoved(true);
    setErrors(noErrors);
    setCode("");
  }

  function startAgain(message: string | null) {
    const saved = passwordChanged.current ? " Your new password is saved: sign in with it." : "";
    passwordChanged.current = false;
    setPassword("");
    setNewPassword("");
    setConfirm("");
    setNotice(null);
    go({ kind: "password" });
    if (message) setErrors(errorAt(null, message + saved, FIELDS));
  }

  function advance(nextChallenge: Challenge) {
    if (nextChallenge === null) {
      navigate(safeNext(next), { replace: true });
      return;
    }
    if (nextChallenge.name === "NEW_PASSWORD_REQUIRED") go({ kind: "new-password", challenge: nextChallenge });
    else if (nextChallenge.name === "SOFTWARE_TOKEN_MFA") go({ kind: "mfa-code", challenge: nextChallenge });
    else if (nextChallenge.name === "MFA_SETUP" && offersAuthenticatorApp(nextChallenge)) go({ kind: "mfa-setup", challenge: nextChallenge });
    else if (nextChallenge.name === "MFA_SETUP") {
      startAgain("Your account must set up a second sign-in step this portal does not offer (only authenticator apps); contact support.");
    } else startAgain(`This sign-in step (${nextChallenge.name}) is not supported here yet; contact support.`);
  }

  /** Runs one Cognito call of the sign-in; `refused` turns its refusal into what the form shows. */
  async function run(call: () => Promise<Challenge>, refused: (caught: unknown) => FormErrors | null, after?: () => void) {
    setBusy(true);
    setErrors(noErrors);
    try {
      const answer = await call();
      after?.();
      advance(answer);
    } catch (caught) {
      const shown = refused(caught);
      if (shown) setErrors(shown);
    } finally {
      setBusy(false);
    }
  }

  /** A refusal in a challenge step: an expired session starts again; anything else shows on top. */
  function challengeRefused(caught: unknown): FormErrors | null {
    if (isSessionOver(caught)) {
      startAgain(SESSION_OVER);
      return null;
    }
    return errorAt(null, refusal(caught), FIELDS);
  }

  function onSubmit(event: Event) {
    event.preventDefault();
    if (busy) return;
    if (step.kind === "password") {
      if (!email.trim()) return setErrors(errorAt("email", "Enter your email address.", FIELDS));
      if (!password) return setErrors(errorAt("password", "Enter your password.", FIELDS));
      setNotice(null);
      void run(
        () => signIn(email.trim(), password),
        (caught) =>
          errorAt(
            null,
            caught instanceof CognitoError && caught.type === "PasswordResetRequiredException"
              ? "Your password must be reset: choose “Forgot password?” below."
              : refusal(caught),
            FIELDS,
          ),
      );
    } else if (step.kind === "new-password") {
      if (!newPassword) return setErrors(errorAt("newPassword", "Choose a new password.", FIELDS));
      if (newPassword !== confirm) {
        return setErrors(errorAt("confirmPassword", "This differs from the new password; type the same password twice.", FIELDS));
      }
      void run(
        () => respond(step.challenge, { NEW_PASSWORD: newPassword }),
        (caught) =>
          caught instanceof CognitoError && caught.type === "InvalidPasswordException"
            ? errorAt("newPassword", refusal(caught), FIELDS)
            : challengeRefused(caught),
        () => {
          passwordChanged.current = true;
        },
      );
    } else if (step.kind === "mfa-code") {
      const digits = totpDigits(code);
      if (!digits) return setErrors(errorAt("code", "Enter the 6 digits your authenticator app shows.", FIELDS));
      void run(
        () => respond(step.challenge, { SOFTWARE_TOKEN_MFA_CODE: digits }),
        (caught) =>
          isWrongCode(caught)
            ? errorAt("code", caught instanceof CognitoError && caught.type === "ExpiredCodeException" ? USED_CODE : WRONG_CODE, FIELDS)
            : challengeRefused(caught),
      );
    }
  }

  if (step.kind === "mfa-setup") {
    return (
      <section class="narrow">
        <MfaSetup challenge={step.challenge} email={email.trim()} onAnswered={advance} onStartAgain={startAgain} />
      </section>
    );
  }
  if (step.kind === "forgot") {
    return (
      <section class="narrow">
        <ForgotPassword
          initialEmail={email.trim()}
          onCancel={() => startAgain(null)}
          onDone={(address) => {
            startAgain(null);
            setEmail(address);
            setNotice("Your password is changed. Sign in with your new password.");
          }}
        />
      </section>
    );
  }

  return (
    <section class="narrow">
      {step.kind === "password" ? (
        <>
          <StepHeading key="password" takeFocus={moved}>
            Sign in
          </StepHeading>
          <Status message={notice} />
          <form onSubmit={onSubmit} noValidate>
            <Alert message={errors.top} />
            <Field form={FORM} name="email" label="Email" errors={errors} required>
              {(attrs) => (
                <input {...attrs} type="email" autocomplete="username" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
              )}
            </Field>
            <Field form={FORM} name="password" label="Password" errors={errors} required>
              {(attrs) => (
                <input
                  {...attrs}
                  type="password"
                  autocomplete="current-password"
                  value={password}
                  onInput={(e) => setPassword(e.currentTarget.value)}
                />
              )}
            </Field>
            <button type="submit" disabled={busy}>
              Sign in
            </button>
          </form>
          <p>
            <button type="button" class="link" onClick={() => go({ kind: "forgot" })}>
              Forgot password?
            </button>
          </p>
        </>
      ) : step.kind === "new-password" ? (
        <>
          <StepHeading key="new-password" takeFocus={moved}>
            Choose a new password
          </StepHeading>
          <form onSubmit={onSubmit} noValidate>
            <Alert message={errors.top} />
            <p>Your password is temporary: choose your own to finish your first sign-in.</p>
            <Field form={FORM} name="newPassword" label="New password" errors={errors} required>
              {(attrs) => (
                <input
                  {...attrs}
                  type="password"
                  autocomplete="new-password"
                  value={newPassword}
                  onInput={(e) => setNewPassword(e.currentTarget.value)}
                />
              )}
            </Field>
            <Field form={FORM} name="confirmPassword" label="Confirm new password" errors={errors} required>
              {(attrs) => (
                <input {...attrs} type="password" autocomplete="new-password" value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} />
              )}
            </Field>
            <div class="row-actions">
              <button type="submit" disabled={busy}>
                Set password
              </button>
              <button type="button" class="secondary" onClick={() => startAgain(null)}>
                Start again
              </button>
            </div>
          </form>
        </>
      ) : (
        <>
          <StepHeading key="mfa-code" takeFocus={moved}>
            Enter your authenticator code
          </StepHeading>
          <form onSubmit={onSubmit} noValidate>
            <Alert message={errors.top} />
            <Field form={FORM} name="code" label={CODE_LABEL} errors={errors} hint="The 6 digits it shows now for Case desk." required>
              {(attrs) => (
                <input {...attrs} inputMode="numeric" autocomplete="one-time-code" value={code} onInput={(e) => setCode(e.currentTarget.value)} />
              )}
            </Field>
            <div class="row-actions">
              <button type="submit" disabled={busy}>
                Verify
              </button>
              <button type="button" class="secondary" onClick={() => startAgain(null)}>
                Start again
              </button>
            </div>
          </form>
        </>
      )}
    </section>
  );
}
