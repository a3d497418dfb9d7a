// What the platform-updates pages share: their tabs, the labels of the API's values, and the API's refusals at the
// form's own fields. These pages load on demand (app.tsx imports ./index lazily), so they stay out of the main bundle.
import type { ComponentChildren } from "preact";
import type { ApiProblem, Schemas } from "../../api/client";
import { isStaff } from "../../auth";
import { PageHeading } from "../../components";

export type WindowsUpdate = Schemas["WindowsUpdate"];
export type KbStatus = Schemas["KbStatus"];
export type Classification = Schemas["Classification"];
export type MsrcSeverity = Schemas["MsrcSeverity"];
export type UpdateKind = Schemas["UpdateKind-Input"];
export type UpdateReason = Schemas["UpdateReason"];

export const KB_STATUS: Record<KbStatus, string> = {
  "pending-validation": "Pending validation",
  validated: "Validated",
  rejected: "Rejected",
  superseded: "Superseded",
};

export const CLASSIFICATIONS: Classification[] = [
  "Critical",
  "Security",
  "Definition",
  "Update",
  "Feature Pack",
  "Service Pack",
  "Update Rollup",
  "Driver",
  "Tool",
  "Upgrade",
];

export const SEVERITIES: MsrcSeverity[] = ["Critical", "Important", "Moderate", "Low"];

export const KIND_LABELS: Record<UpdateKind, string> = {
  "windows-update": "Windows updates (Microsoft KBs)",
  release: "Release upgrade",
  patch: "Patch",
  "gateway-update": "Gateway Service Update or firmware",
};

export const REASON_LABELS: Record<UpdateReason, string> = {
  "known-scr": "A service problem from a known SCR",
  "new-scr": "A service problem from a new SCR",
  feature: "A feature the customer wants",
  "behind-ga": "Gateways 3 or more updates behind GA",
};

export const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const TABS = [
  { path: "/maintenance", label: "Overview" },
  { path: "/maintenance/windows-updates", label: "Windows updates" },
  { path: "/maintenance/requests/new", label: "Request an installation" },
  { path: "/maintenance/gateway-catalog", label: "Gateway GA catalog" },
];

/** The page's heading and, for staff, the platform-updates pages' tabs. */
export function PlatformHeader({ path, title, children }: { path: string; title: string; children?: ComponentChildren }) {
  return (
    <>
      <PageHeading>{title}</PageHeading>
      {isStaff() ? (
        <nav aria-label="Platform updates" class="tabs">
          {TABS.map((tab) => (
            <a href={tab.path} aria-current={tab.path === path ? "page" : undefined}>
              {tab.label}
            </a>
          ))}
        </nav>
      ) : null}
      {children}
    </>
  );
}

/** The API's refusal at the form's own field: a list's item (`products.2`, `target.kbs.0`) at its list. */
export function atListField(problem: ApiProblem, lists: readonly string[]): ApiProblem {
  const field = problem.field ?? null;
  const list = field ? lists.find((name) => field.startsWith(`${name}.`) && /^\d+$/.test(field.slice(name.length + 1).split(".")[0])) : undefined;
  return list ? { ...problem, field: list } : problem;
}

/** Text with one item a line or separated by commas, as a list (empty items dropped). */
export function listOf(text: string): string[] {
  return text
    .split(/[\n,]+/)
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Text with one item a line (items may hold commas and spaces: products, updates, patches). */
export function linesOf(text: string): string[] {
  return text
    .split("\n")
    .map((item) => item.trim())
    .filter(Boolean);
}
