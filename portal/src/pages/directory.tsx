// What the directory pages share: the types, who the caller is in the directory, and a checkbox field.
import { networkProblem, problem, type ApiProblem, type Schemas } from "../api/client";
import { currentClaims } from "../auth";

export type Account = Schemas["Account"];
export type AccountSummary = Schemas["AccountSummary"];
export type Contact = Schemas["Contact"];
export type ContactAnswer = Schemas["ContactAnswer"];
export type HistoryEntry = Schemas["AccountHistoryEntry"];

/** The account a customer's sign-in belongs to (the token's tenant claims); null for staff. */
export function ownAccountId(): string | null {
  const value = currentClaims()?.["custom:account_id"];
  return typeof value === "string" && value ? value : null;
}

export function ownContactId(): string | null {
  const value = currentClaims()?.["custom:contact_id"];
  return typeof value === "string" && value ? value : null;
}

type ApiOutcome<T> = { data?: T; error?: unknown; response: Response };

/** Runs one API call: its data, or the refusal as a problem (a network failure included). */
export async function attempt<T>(run: () => Promise<ApiOutcome<T>>): Promise<{ data: T; problem: null } | { data: null; problem: ApiProblem }> {
  try {
    const { data, error, response } = await run();
    if (response.ok) return { data: data as T, problem: null };
    return { data: null, problem: problem(error, response) };
  } catch {
    return { data: null, problem: networkProblem() };
  }
}

/** The fields of accounts and contacts as a person reads them (the history names them as the API does). */
export const FIELD_LABELS: Record<string, string> = {
  accountId: "Account id",
  name: "Name",
  region: "Region",
  entitlements: "Entitlements",
  recommendedMaxContacts: "Recommended max contacts",
  hardMaxContacts: "Hard max contacts",
  emergencyContactIds: "Emergency contacts",
  contactId: "Contact id",
  email: "Email",
  phone: "Phone",
  status: "Status",
  macAuthorized: "MAC authorized",
  attendantAuthorized: "Attendant authorized",
  accountAdministrator: "Account administrator",
  reportRecipient: "Report recipient",
  pin: "IVR PIN",
  pinLocked: "IVR PIN locked",
  monitoringAroundTheClock: "Monitoring around the clock",
  releaseUpgradesPerQuarter: "Release upgrades per quarter",
  gatewayUpdatesPerYear: "Gateway updates per year",
};

export function yesNo(value: boolean | null | undefined): string {
  return value === true ? "Yes" : value === false ? "No" : "—";
}

/** A value of the history as text: yes/no, "none", lists and entitlements spelled out. */
export function shownValue(value: unknown): string {
  if (value === null || value === undefined) return "none";
  if (typeof value === "boolean") return yesNo(value);
  if (Array.isArray(value)) return value.length ? value.map(shownValue).join(", ") : "none";
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => `${FIELD_LABELS[key] ?? key}: ${shownValue(inner)}`)
      .join("; ");
  }
  return String(value);
}

/** Where the answer to a change is announced: what was done, and the API's warnings. */
export function ChangeOutcome({ message, warnings }: { message: string | null; warnings: string[] }) {
  return (
    <div class="status" role="status">
      {message ? <p>{message}</p> : null}
      {warnings.length ? (
        <ul class="warnings">
          {warnings.map((warning) => (
            <li class="callout">
              <strong>Warning:</strong> {warning}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
