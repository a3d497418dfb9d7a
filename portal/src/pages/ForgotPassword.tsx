import { useEffect, useState } from "preact/hooks";
import { CognitoError, requestPasswordReset, resetPassword } from "../auth";
import { Alert, Field, FormErrors, Status, fieldId, useFocusInvalid } from "../components";
import { StepHeading, errorAt, noErrors, refusal } from "./signInParts";

const FORM = "forgot-password";
const FIELDS = ["email", "code", "newPassword", "confirmPassword"] as const;

type Props = {
  initialEmail: string;
  onCancel: () => void;
  /** The password is changed: sign in with it. */
  onDone: (email: string) => void;
};

/** ForgotPassword, then ConfirmForgotPassword with the code Cognito emailed and a new password. */
export function ForgotPassword({ initialEmail, onCancel, onDone }: Props) {
  const [email, setEmail] = useState(initialEmail);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  useFocusInvalid(FORM, errors);

  useEffect(() => {
    if (sentTo !== null) document.getElementById(fieldId(FORM, "code"))?.focus();
  }, [sentTo]);

  async function sendCode() {
    const address = email.trim();
    if (!address) {
      setErrors(errorAt("email", "Enter the email address you sign in with.", FIELDS));
      return;
    }
    setBusy(true);
    setErrors(noErrors);
    try {
      setSentTo((await requestPasswordReset(address)) ?? address);
    } catch (caught) {
      const type = caught instanceof CognitoError ? caught.type : "";
      // e.g. a contact who has not used the temporary password of their invitation yet.
      const hint = type === "NotAuthorizedException" || type === "InvalidParameterException" ? " Contact support to reset it." : "";
      setErrors(errorAt(null, `${refusal(caught)}${hint}`, FIELDS));
    } finally {
      setBusy(false);
    }
  }

  async function onChange(event: Event) {
    event.preventDefault();
    if (busy) return;
    if (!code.trim()) return setErrors(errorAt("code", "Enter the code from the email.", FIELDS));
    if (!newPassword) return setErrors(errorAt("newPassword", "Choose a new password.", FIELDS));
    if (newPassword !== confirm) {
      return setErrors(errorAt("confirmPassword", "This differs from the new password; type the same password twice.", FIELDS));
    }
    setBusy(true);
    setErrors(noErrors);
    try {
      await resetPassword(email.trim(), code.trim(), newPassword);
      onDone(email.trim());
    } catch (caught) {
      const type = caught instanceof CognitoError ? caught.type : "";
      if (type === "CodeMismatchException") {
        setErrors(errorAt("code", "That code is not right. Check the latest email from us, or send a new code.", FIELDS));
      } else if (type === "ExpiredCodeException") {
        setErrors(errorAt("code", "That code has expired or a newer one replaced it. Use the latest email, or send a new code.", FIELDS));
      } else if (type === "InvalidPasswordException") {
        setErrors(errorAt("newPassword", refusal(caught), FIELDS));
      } else {
        setErrors(errorAt(null, refusal(caught), FIELDS));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <StepHeading takeFocus>Reset your password</StepHeading>
      {sentTo === null ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void sendCode();
          }}
          noValidate
        >
          <Alert message={errors.top} />
          <p>We will email you a code to choose a new password with.</p>
          <Field form={FORM} name="email" label="Email" errors={errors} required>
            {(attrs) => (
              <input {...attrs} type="email" autocomplete="username" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
            )}
          </Field>
          <div class="row-actions">
            <button type="submit" disabled={busy}>
              Send code
            </button>
            <button type="button" class="secondary" onClick={onCancel}>
              Back to sign-in
            </button>
          </div>
        </form>
      ) : (
        <form onSubmit={onChange} noValidate>
          <Alert message={errors.top} />
          <Status message={`We sent a code to ${sentTo}. It can take a minute to arrive.`} />
          <Field form={FORM} name="code" label="Code from the email" errors={errors} required>
            {(attrs) => (
              <input {...attrs} autocomplete="one-time-code" value={code} onInput={(e) => setCode(e.currentTarget.value)} />
            )}
          </Field>
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
              Change password
            </button>
            <button type="button" class="secondary" disabled={busy} onClick={() => void sendCode()}>
              Send a new code
            </button>
            <button type="button" class="secondary" onClick={onCancel}>
              Back to sign-in
            </button>
          </div>
        </form>
      )}
    </>
  );
}
