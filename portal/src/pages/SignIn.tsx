import { useState } from "preact/hooks";
import { CognitoError, respond, signIn, type Challenge } from "../auth";
import { Alert, PageHeading } from "../components";
import { navigate } from "../router";

function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/sign-in") ? next : "/";
}

export function SignInPage({ next }: { next: string | null }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [code, setCode] = useState("");
  const [challenge, setChallenge] = useState<Challenge>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(step: () => Promise<Challenge>) {
    setBusy(true);
    setError(null);
    try {
      const nextChallenge = await step();
      if (nextChallenge === null) {
        navigate(safeNext(next), { replace: true });
        return;
      }
      if (!["NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA"].includes(nextChallenge.name)) {
        setChallenge(null);
        setError(
          nextChallenge.name === "MFA_SETUP"
            ? "Your account must set up an authenticator app first: run `dss login` once, then sign in here."
            : `This sign-in step (${nextChallenge.name}) is not supported here yet; contact support.`,
        );
        return;
      }
      setChallenge(nextChallenge);
    } catch (caught) {
      setError(caught instanceof CognitoError ? caught.message : "Sign-in failed; try again.");
    } finally {
      setBusy(false);
    }
  }

  function onSubmit(event: Event) {
    event.preventDefault();
    if (!challenge) {
      void run(() => signIn(email.trim(), password));
    } else if (challenge.name === "NEW_PASSWORD_REQUIRED") {
      if (newPassword !== confirm) {
        setError("The new password and its confirmation differ; type the same password twice.");
        return;
      }
      void run(() => respond(challenge, { NEW_PASSWORD: newPassword }));
    } else {
      void run(() => respond(challenge, { SOFTWARE_TOKEN_MFA_CODE: code.trim() }));
    }
  }

  return (
    <section class="narrow">
      <PageHeading>Sign in</PageHeading>
      <form onSubmit={onSubmit} noValidate={false}>
        <Alert message={error} />
        {!challenge ? (
          <>
            <div class="field">
              <label for="email">Email</label>
              <input
                id="email"
                type="email"
                autocomplete="username"
                required
                value={email}
                onInput={(e) => setEmail(e.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for="password">Password</label>
              <input
                id="password"
                type="password"
                autocomplete="current-password"
                required
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            </div>
            <button type="submit" disabled={busy}>
              Sign in
            </button>
          </>
        ) : challenge.name === "NEW_PASSWORD_REQUIRED" ? (
          <>
            <p>Choose a new password to finish your first sign-in.</p>
            <div class="field">
              <label for="new-password">New password</label>
              <input
                id="new-password"
                type="password"
                autocomplete="new-password"
                required
                value={newPassword}
                onInput={(e) => setNewPassword(e.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for="confirm-password">Confirm new password</label>
              <input
                id="confirm-password"
                type="password"
                autocomplete="new-password"
                required
                value={confirm}
                onInput={(e) => setConfirm(e.currentTarget.value)}
              />
            </div>
            <button type="submit" disabled={busy}>
              Set password
            </button>
          </>
        ) : (
          <>
            <p>Enter the 6-digit code from your authenticator app.</p>
            <div class="field">
              <label for="mfa-code">Code</label>
              <input
                id="mfa-code"
                inputMode="numeric"
                autocomplete="one-time-code"
                pattern="[0-9]{6}"
                required
                value={code}
                onInput={(e) => setCode(e.currentTarget.value)}
              />
            </div>
            <button type="submit" disabled={busy}>
              Verify
            </button>
          </>
        )}
      </form>
    </section>
  );
}
