// Sign-in with Cognito's unsigned JSON API (no SDK). Tokens live in memory; only the refresh token is
// kept in sessionStorage so a reload of the tab stays signed in.

export type SignInConfig = { userPoolId: string; clientId: string; region: string; endpoint: string };

type AuthenticationResult = { IdToken: string; AccessToken: string; RefreshToken?: string; ExpiresIn: number };

type InitiateAuthAnswer = {
  AuthenticationResult?: AuthenticationResult;
  ChallengeName?: string;
  Session?: string;
  ChallengeParameters?: Record<string, string>;
};

type CodeDeliveryAnswer = { CodeDeliveryDetails?: { Destination?: string } };

/** What the sign-in form must ask next, or null when signed in. */
export type Challenge = { name: string; session: string; username: string; parameters: Record<string, unknown> } | null;

/** MFA_SETUP in progress: the new TOTP secret (base32) and the session to verify the app's first code in. */
export type AuthenticatorSetup = { secret: string; session: string };

export type Claims = { sub: string; email?: string; exp: number; "cognito:groups"?: string[]; [key: string]: unknown };

const REFRESH_KEY = "dss.refreshToken";
const RENEW_BEFORE_SECONDS = 5 * 60;
// What authenticator apps show the entry as, and what Cognito names the user's authenticator.
export const AUTHENTICATOR_ISSUER = "Case desk";
const AUTHENTICATOR_DEVICE = "portal";
// Cognito's refusals of an authenticator's code: a wrong one, one refused while setting up, one already used.
const WRONG_CODE = ["CodeMismatchException", "EnableSoftwareTokenMFAException", "ExpiredCodeException"];

export class CognitoError extends Error {
  constructor(
    message: string,
    readonly type: string,
  ) {
    super(message);
  }
}

let config: SignInConfig | null = null;
let idToken: string | null = null;
let accessToken: string | null = null;
let claims: Claims | null = null;
let renewing: Promise<string | null> | null = null;
const listeners = new Set<() => void>();

function notify(): void {
  listeners.forEach((listener) => listener());
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function currentClaims(): Claims | null {
  return claims;
}

export function groups(): string[] {
  return claims?.["cognito:groups"] ?? [];
}

export function isStaff(): boolean {
  const mine = groups();
  return mine.includes("engineers") || mine.includes("support-managers");
}

/** The Testing Department validates Microsoft updates; the API gives its users the Windows-update pages only. */
export function isTestingDepartment(): boolean {
  return groups().includes("testing-department");
}

export function isMacContact(): boolean {
  return groups().includes("mac-contacts");
}

export function hasRefreshToken(): boolean {
  return sessionStorage.getItem(REFRESH_KEY) !== null;
}

function decodeClaims(token: string): Claims {
  const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  const padded = payload + "=".repeat((4 - (payload.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Claims;
}

export async function signInConfig(): Promise<SignInConfig> {
  if (config) return config;
  const response = await fetch("/api/sign-in", { headers: { Accept: "application/json" } });
  if (!response.ok) throw new CognitoError("The sign-in service is unavailable; try again shortly.", "ConfigUnavailable");
  config = (await response.json()) as SignInConfig;
  return config;
}

async function cognito<T>(operation: string, body: unknown): Promise<T> {
  const { endpoint } = await signInConfig();
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new CognitoError("Could not reach the sign-in service; check your connection and try again.", "NetworkError");
  }
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const type = String(answer.__type ?? answer.code ?? "Error").split("#").pop() ?? "Error";
    const message = String(answer.message ?? answer.Message ?? "Sign-in failed; try again.");
    throw new CognitoError(message, type);
  }
  return answer as T;
}

function accept(result: AuthenticationResult): void {
  idToken = result.IdToken;
  accessToken = result.AccessToken;
  claims = decodeClaims(result.IdToken);
  if (result.RefreshToken) sessionStorage.setItem(REFRESH_KEY, result.RefreshToken);
  notify();
}

function settle(answer: InitiateAuthAnswer, username: string): Challenge {
  if (answer.AuthenticationResult) {
    accept(answer.AuthenticationResult);
    return null;
  }
  const name = answer.ChallengeName ?? "UNKNOWN";
  const challengeUser = answer.ChallengeParameters?.USER_ID_FOR_SRP ?? username;
  return { name, session: answer.Session ?? "", username: challengeUser, parameters: answer.ChallengeParameters ?? {} };
}

export async function signIn(email: string, password: string): Promise<Challenge> {
  const { clientId } = await signInConfig();
  const answer = await cognito<InitiateAuthAnswer>("InitiateAuth", {
    AuthFlow: "USER_PASSWORD_AUTH",
    ClientId: clientId,
    AuthParameters: { USERNAME: email, PASSWORD: password },
  });
  return settle(answer, email);
}

export async function respond(challenge: NonNullable<Challenge>, responses: Record<string, string>): Promise<Challenge> {
  const { clientId } = await signInConfig();
  const answer = await cognito<InitiateAuthAnswer>("RespondToAuthChallenge", {
    ChallengeName: challenge.name,
    ClientId: clientId,
    Session: challenge.session,
    ChallengeResponses: { USERNAME: challenge.username, ...responses },
  });
  return settle(answer, challenge.username);
}

/** Whether MFA_SETUP offers an authenticator app (MFAS_CAN_SETUP: Cognito's JSON text, or a list). */
export function offersAuthenticatorApp(challenge: NonNullable<Challenge>): boolean {
  const offered = challenge.parameters.MFAS_CAN_SETUP;
  if (offered === undefined) return true;
  return (Array.isArray(offered) ? offered.map(String) : [String(offered)]).some((name) => name.includes("SOFTWARE_TOKEN_MFA"));
}

/** MFA_SETUP, step 1: AssociateSoftwareToken in the challenge's session gives a new secret and the session to go on in. */
export async function startAuthenticatorSetup(challenge: NonNullable<Challenge>): Promise<AuthenticatorSetup> {
  const answer = await cognito<{ SecretCode?: string; Session?: string }>("AssociateSoftwareToken", { Session: challenge.session });
  if (!answer.SecretCode) throw new CognitoError("The sign-in service gave no secret key; sign in again.", "NoSecretCode");
  return { secret: answer.SecretCode.toUpperCase(), session: answer.Session ?? challenge.session };
}

/** MFA_SETUP, step 2: VerifySoftwareToken, in the setup's session, with the app's first code: the session to answer
 * MFA_SETUP in. Cognito holds the authenticator from then on. */
export async function verifyAuthenticator(setup: AuthenticatorSetup, code: string): Promise<string> {
  const verified = await cognito<{ Status?: string; Session?: string }>("VerifySoftwareToken", {
    Session: setup.session,
    UserCode: code,
    FriendlyDeviceName: AUTHENTICATOR_DEVICE,
  });
  if (verified.Status !== "SUCCESS") throw new CognitoError("Cognito did not accept the code.", "EnableSoftwareTokenMFAException");
  return verified.Session ?? setup.session;
}

/** MFA_SETUP, step 3: RespondToAuthChallenge MFA_SETUP in the session VerifySoftwareToken gave (as Cognito requires). */
export async function completeAuthenticatorSetup(challenge: NonNullable<Challenge>, verifiedSession: string): Promise<Challenge> {
  return respond({ ...challenge, session: verifiedSession }, {});
}

/** The Key URI Format authenticator apps read: TOTP, SHA-1, 6 digits, 30 seconds (Cognito's). */
export function otpauthUri(secret: string, email: string): string {
  const label = `${encodeURIComponent(AUTHENTICATOR_ISSUER)}:${encodeURIComponent(email).replace(/%40/g, "@")}`;
  const query = Object.entries({ secret, issuer: AUTHENTICATOR_ISSUER, algorithm: "SHA1", digits: "6", period: "30" })
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join("&");
  return `otpauth://totp/${label}?${query}`;
}

/** Cognito refused an authenticator's code (wrong, or already used). */
export function isWrongCode(error: unknown): boolean {
  return error instanceof CognitoError && WRONG_CODE.includes(error.type);
}

/** A challenge's session is no longer good: Cognito's last a few minutes (NotAuthorizedException), moto forgets them
 * (ResourceNotFoundException). The sign-in must start again. */
export function isSessionOver(error: unknown): boolean {
  return error instanceof CognitoError && ["NotAuthorizedException", "ResourceNotFoundException"].includes(error.type);
}

/** ForgotPassword: Cognito emails the user a code. Where it went (masked), when Cognito says. */
export async function requestPasswordReset(email: string): Promise<string | null> {
  const { clientId } = await signInConfig();
  const answer = await cognito<CodeDeliveryAnswer>("ForgotPassword", { ClientId: clientId, Username: email });
  return answer.CodeDeliveryDetails?.Destination ?? null;
}

/** ConfirmForgotPassword: the emailed code sets the new password. */
export async function resetPassword(email: string, code: string, newPassword: string): Promise<void> {
  const { clientId } = await signInConfig();
  await cognito("ConfirmForgotPassword", { ClientId: clientId, Username: email, ConfirmationCode: code, Password: newPassword });
}

async function renew(): Promise<string | null> {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  if (!refreshToken) return null;
  try {
    const { clientId } = await signInConfig();
    const answer = await cognito<InitiateAuthAnswer>("InitiateAuth", {
      AuthFlow: "REFRESH_TOKEN_AUTH",
      ClientId: clientId,
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    });
    if (!answer.AuthenticationResult) throw new CognitoError("No tokens", "NoTokens");
    accept(answer.AuthenticationResult);
    return idToken;
  } catch (error) {
    if (error instanceof CognitoError && error.type === "NetworkError") return null;
    signOut();
    return null;
  }
}

/** The ID token to send, renewed first when it expires within five minutes; null when signed out. */
export async function validIdToken(): Promise<string | null> {
  const now = Date.now() / 1000;
  if (idToken && claims && claims.exp - now > RENEW_BEFORE_SECONDS) return idToken;
  if (!hasRefreshToken()) return idToken && claims && claims.exp > now ? idToken : null;
  renewing ??= renew().finally(() => {
    renewing = null;
  });
  return renewing;
}

export function signOut(): void {
  const token = accessToken;
  idToken = null;
  accessToken = null;
  claims = null;
  sessionStorage.removeItem(REFRESH_KEY);
  if (token) {
    // Revoke the refresh token too; best effort.
    cognito("GlobalSignOut", { AccessToken: token }).catch(() => undefined);
  }
  notify();
}
