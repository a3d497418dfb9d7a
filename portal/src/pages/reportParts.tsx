// What the case report pages (/reports, /reports/subscriptions) share: whose reports they are (staff choose an
// account, a customer sees their own), the pages' tabs, the cadences' names, periods' days, and saving a CSV the
// API answers (fetched with the token, saved as a file).
import type { ComponentChildren } from "preact";
import { networkProblem, problem, type ApiProblem, type Schemas } from "../api/client";
import { PageHeading } from "../components";
import { AccountChooser } from "./AccountChooser";
import { ownAccountId } from "./directory";

export type Cadence = Schemas["Cadence"];

export const CADENCES: Cadence[] = ["weekly", "biweekly", "monthly", "quarterly"];

/** As a sentence says it: "weekly", "bi-weekly"… */
export const CADENCE_LABELS: Record<Cadence, string> = {
  weekly: "weekly",
  biweekly: "bi-weekly",
  monthly: "monthly",
  quarterly: "quarterly",
};

export function isCadence(value: string | null | undefined): value is Cadence {
  return CADENCES.includes(value as Cadence);
}

export function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const TABS = [
  { path: "/reports", label: "Case report" },
  { path: "/reports/subscriptions", label: "Subscriptions" },
];

/** A page's address for an account: staff's pages name it (`?account=`), a customer's are their own. */
export function reportsHref(path: string, accountId: string, query: Record<string, string> = {}): string {
  const search = new URLSearchParams(accountId ? { account: accountId, ...query } : query).toString();
  return search ? `${path}?${search}` : path;
}

/** The heading, the tabs and, for staff, the account chooser. `accountId` empty: staff have not chosen yet. A
 * customer who opens a link naming another account (`linked`) is told the page shows their own. */
export function ReportsHeader(props: { path: string; title: string; staff: boolean; accountId: string; linked: string; children?: ComponentChildren }) {
  const { path, title, staff, accountId, linked } = props;
  const own = ownAccountId();
  return (
    <>
      <PageHeading>
        {title}
        {staff && accountId ? ` of ${accountId}` : ""}
      </PageHeading>
      {staff ? <AccountChooser idPrefix="reports" accountId={accountId} hrefFor={(id) => reportsHref(path, id)} submitLabel="Show reports" /> : null}
      {!staff && linked && own && linked !== own ? (
        <p class="callout">This link is for account {linked}; you see your own account's reports.</p>
      ) : null}
      {!staff || accountId ? (
        <nav aria-label="Case reports" class="tabs">
          {TABS.map((tab) => (
            <a href={reportsHref(tab.path, staff ? accountId : "")} aria-current={tab.path === path ? "page" : undefined}>
              {tab.label}
            </a>
          ))}
        </nav>
      ) : null}
      {props.children}
    </>
  );
}

/** A day (YYYY-MM-DD) moved by days and months, in calendar arithmetic (no time zone: days are the desk's). */
export function shiftDay(day: string, { days = 0, months = 0 }: { days?: number; months?: number }): string {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1 + months, date + days)).toISOString().slice(0, 10);
}

export function daysBetween(first: string, last: string): number {
  return Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000);
}

/** Hours as the report's email says them: "5.5 hours", or "3.2 days" from 48 hours on. */
export function duration(hours: number | null | undefined): string {
  if (hours === null || hours === undefined) return "—";
  return hours < 48 ? `${hours.toFixed(1)} hours` : `${(hours / 24).toFixed(1)} days`;
}

type CsvAnswer = { data?: Blob; error?: unknown; response: Response };

/** A CSV the API answers, fetched with the token (a plain link could not send it) and saved under the name its
 * Content-Disposition gives: the file's name, or the API's refusal. */
export async function saveCsv(fetchCsv: () => Promise<CsvAnswer>, fallbackName: string): Promise<{ fileName: string } | { problem: ApiProblem }> {
  let answer: CsvAnswer;
  try {
    answer = await fetchCsv();
  } catch {
    return { problem: networkProblem() };
  }
  const { data, error, response } = answer;
  if (!response.ok || !data) return { problem: problem(error, response) };
  const fileName = /filename="?([^";]+)"?/i.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? fallbackName;
  const url = URL.createObjectURL(data);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { fileName };
}
