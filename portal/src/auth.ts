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

/** What the sign-in form must ask next, or null when signed in. */
export type Challenge = { name: string; session: string; username: string } | null;

export type Claims = { sub: string; email?: string; exp: number; "cognito:groups"?: string[]; [key: string]: unknown };

const REFRESH_KEY = "dss.refreshToken";
const RENEW_BEFORE_SECONDS = 5 * 60;

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
  return { name, session: answer.Session ?? "", username: challengeUser };
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
