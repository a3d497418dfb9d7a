import { useEffect, useState } from "preact/hooks";
import {
  completeAuthenticatorSetup,
  isSessionOver,
  isWrongCode,
  otpauthUri,
  startAuthenticatorSetup,
  verifyAuthenticator,
  type AuthenticatorSetup,
  type Challenge,
} from "../auth";
import { Alert, Field, FormErrors, Status, useFocusInvalid } from "../components";
import { CODE_LABEL, SESSION_OVER, StepHeading, errorAt, noErrors, refusal, totpDigits } from "./signInParts";

const FORM = "mfa-setup";
const FIELDS = ["code"] as const;

type Props = {
  challenge: NonNullable<Challenge>;
  email: string;
  /** Cognito's answer once the authenticator is set up: signed in (null) or a further challenge. */
  onAnswered: (next: Challenge) => void;
  onStartAgain: (message: string | null) => void;
};

/** The secret in groups of four, easier to read out and type. */
function grouped(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(" ") ?? secret;
}

/** MFA_SETUP: a new secret for an authenticator app, whose first code finishes the sign-in. */
export function MfaSetup({ challenge, email, onAnswered, onStartAgain }: Props) {
  const [setup, setSetup] = useState<AuthenticatorSetup | null>(null);
  const [code, setCode] = useState("");
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [copied, setCopied] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useFocusInvalid(FORM, errors);

  async function associate() {
    setErrors(noErrors);
    try {
      setSetup(await startAuthenticatorSetup(challenge));
    } catch (caught) {
      if (isSessionOver(caught)) onStartAgain(SESSION_OVER);
      else setErrors(errorAt(null, `Could not get a secret key: ${refusal(caught)}`, FIELDS));
    }
  }

  useEffect(() => {
    void associate();
  }, []);

  async function copy() {
    if (!setup) return;
    try {
      await navigator.clipboard.writeText(setup.secret);
      setCopied("Secret key copied.");
    } catch {
      setCopied("This browser did not allow copying: select the key and copy it, or type it.");
    }
  }

  async function onSubmit(event: Event) {
    event.preventDefault();
    if (!setup || busy) return;
    const digits = totpDigits(code);
    if (!digits) {
      setErrors(errorAt("code", "Enter the 6 digits your authenticator app shows.", FIELDS));
      return;
    }
    setBusy(true);
    setErrors(noErrors);
    let session: string;
    try {
      session = await verifyAuthenticator(setup, digits);
    } catch (caught) {
      setBusy(false);
      if (isWrongCode(caught)) {
        setErrors(errorAt("code", "That code did not match. Check that you added the key shown above, then enter the code your app shows now.", FIELDS));
      } else if (isSessionOver(caught)) {
        onStartAgain(`${SESSION_OVER} You will get a new secret key: remove the entry you added to your authenticator app.`);
      } else {
        setErrors(errorAt(null, refusal(caught), FIELDS));
      }
      return;
    }
    try {
      onAnswered(await completeAuthenticatorSetup(challenge, session));
    } catch (caught) {
      // Cognito already holds the authenticator: the next sign-in asks for its code.
      onStartAgain(`Your authenticator app is set up, but this sign-in could not finish (${refusal(caught)}). Sign in again with a code from the app.`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <StepHeading takeFocus>Set up an authenticator app</StepHeading>
      <Alert message={errors.top} />
      <p>
        Your account asks for a second step at every sign-in: a code from an authenticator app on your phone or computer (for
        example Google Authenticator, Microsoft Authenticator or 1Password).
      </p>
      {!setup ? (
        <>
          <Status message={errors.top ? null : "Getting your secret key…"} />
          {errors.top ? (
            <div class="row-actions">
              <button type="button" onClick={() => void associate()}>
                Try again
              </button>
              <button type="button" class="secondary" onClick={() => onStartAgain(null)}>
                Start again
              </button>
            </div>
          ) : null}
        </>
      ) : (
        <>
          <ol class="setup-steps">
            <li>
              <p>In your authenticator app, add an account with this secret key (time-based, 6 digits):</p>
              <figure class="secret-key">
                <figcaption>Secret key</figcaption>
                <code>{grouped(setup.secret)}</code>
                <button type="button" class="secondary" onClick={() => void copy()}>
                  Copy key
                </button>
              </figure>
              <Status message={copied} />
              <p>
                On a device that has an authenticator app, you can instead{" "}
                <a href={otpauthUri(setup.secret, email)}>open the key in your authenticator app</a>.
              </p>
            </li>
            <li>
              <p>Enter the code the app shows for Case desk.</p>
            </li>
          </ol>
          <form onSubmit={onSubmit} noValidate>
            <Field form={FORM} name="code" label={CODE_LABEL} errors={errors} hint="6 digits, for example 123456." required>
              {(attrs) => (
                <input
                  {...attrs}
                  inputMode="numeric"
                  autocomplete="one-time-code"
                  value={code}
                  onInput={(e) => setCode(e.currentTarget.value)}
                />
              )}
            </Field>
            <div class="row-actions">
              <button type="submit" disabled={busy}>
                Verify and sign in
              </button>
              <button type="button" class="secondary" onClick={() => onStartAgain(null)}>
                Start again
              </button>
            </div>
          </form>
        </>
      )}
    </>
  );
}
