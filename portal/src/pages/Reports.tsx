// /reports: an account's Open/Closed case report for a period (a cadence's period holding a day, or a range of
// days; US Eastern), as the emails carry it: the summary, the chart of the last 8 periods, the cases open at the end,
// opened and closed, and the CSV. The address names the period (`?period=weekly&periodStart=2026-11-30`, or
// `?periodStart=…&periodEnd=…` for a range), so an email's link opens its report. Staff name the account (?account=).
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, type ApiProblem, type Schemas } from "../api/client";
import { currentClaims, isStaff } from "../auth";
import { Alert, Field, FormErrors, useFocusInvalid } from "../components";
import { EasternTime } from "../EasternTime";
import { navigate } from "../router";
import { attempt } from "./directory";
import {
  CADENCE_LABELS,
  CADENCES,
  capitalized,
  daysBetween,
  duration,
  isCadence,
  ReportsHeader,
  reportsHref,
  saveCsv,
  shiftDay,
  type Cadence,
} from "./reportParts";

type CaseReport = Schemas["CaseReport"];
type ReportCase = Schemas["ReportCase"];
type ReportPeriod = Schemas["ReportPeriod"];
type PeriodCounts = Schemas["PeriodCounts"];

/** The period the address asks for: a cadence's (the one holding periodStart; none: the last complete one) or a range. */
type PeriodQuery = { cadence: Cadence | null; periodStart: string; periodEnd: string };

export function periodQuery(search: URLSearchParams): PeriodQuery {
  const periodStart = search.get("periodStart") ?? "";
  const periodEnd = search.get("periodEnd") ?? "";
  const period = search.get("period");
  if (periodEnd) return { cadence: null, periodStart, periodEnd };
  return { cadence: isCadence(period) ? period : "weekly", periodStart, periodEnd: "" };
}

function queryParams(query: PeriodQuery): Record<string, string> {
  if (!query.cadence) return { periodStart: query.periodStart, periodEnd: query.periodEnd };
  return query.periodStart ? { period: query.cadence, periodStart: query.periodStart } : { period: query.cadence };
}

export function ReportPage({ account, query }: { account: string; query: PeriodQuery }) {
  const staff = isStaff();
  const accountId = staff ? account : "";
  return (
    <ReportsHeader path="/reports" title="Case report" staff={staff} accountId={accountId} linked={account}>
      {staff && !accountId ? <p>Choose an account to see its case report.</p> : <Report staff={staff} accountId={accountId} query={query} />}
    </ReportsHeader>
  );
}

function Report({ staff, accountId, query }: { staff: boolean; accountId: string; query: PeriodQuery }) {
  const [report, setReport] = useState<CaseReport | null>(null);
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [loading, setLoading] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [saveFailure, setSaveFailure] = useState<string | null>(null);
  const key = JSON.stringify(query);

  function apiQuery(format?: "csv") {
    const base = { accountId: staff ? accountId : undefined, format };
    return query.cadence
      ? { ...base, period: query.cadence, periodStart: query.periodStart || undefined }
      : { ...base, from: query.periodStart || undefined, to: query.periodEnd || undefined };
  }

  useEffect(() => {
    let current = true;
    setLoading(true);
    setFailure(null);
    setSaved(null);
    setSaveFailure(null);
    void attempt(() => api.GET("/reports/cases", { params: { query: apiQuery() } })).then(({ data, problem }) => {
      if (!current) return;
      setLoading(false);
      setReport(data as CaseReport | null); // JSON: the CSV is asked for with format=csv
      setFailure(problem);
    });
    return () => {
      current = false;
    };
  }, [accountId, key]);

  async function download() {
    setSaving(true);
    setSaved(null);
    setSaveFailure(null);
    const outcome = await saveCsv(
      () => api.GET("/reports/cases", { params: { query: apiQuery("csv") }, parseAs: "blob", headers: { Accept: "text/csv" } }),
      "case-report.csv",
    );
    setSaving(false);
    if ("problem" in outcome) setSaveFailure(`The CSV was not downloaded: ${outcome.problem.message}`);
    else setSaved(`Downloaded ${outcome.fileName}.`);
  }

  const go = (params: Record<string, string>) => navigate(reportsHref("/reports", staff ? accountId : "", params));
  const whose = staff ? `account ${accountId}` : "your account";
  return (
    <>
      <PeriodForm query={query} shown={report?.period ?? null} problem={failure} onShow={(next) => go(queryParams(next))} />
      {failure ? null : <p class="status" role="status">{loading ? "Loading the report…" : ""}</p>}
      {report && !failure ? (
        <>
          <section aria-labelledby="report-heading" class="report-period">
            <h2 id="report-heading">
              {report.accountName}: {report.period.label}
            </h2>
            <p>
              {isCadence(report.period.cadence) ? `${capitalized(CADENCE_LABELS[report.period.cadence])} report` : "A range of dates"}, in US
              Eastern time; generated <EasternTime iso={report.generatedAt} />.
            </p>
            <div class="report-actions">
              <a class="button secondary" href={reportsHref("/reports", staff ? accountId : "", neighbour(report.period, -1))}>
                <span aria-hidden="true">← </span>Previous period
              </a>
              {Date.parse(report.period.end) <= Date.parse(report.generatedAt) ? (
                <>
                  <a class="button secondary" href={reportsHref("/reports", staff ? accountId : "", neighbour(report.period, 1))}>
                    Next period<span aria-hidden="true"> →</span>
                  </a>
                  {report.period.cadence ? (
                    <a
                      class="button secondary"
                      href={reportsHref("/reports", staff ? accountId : "", { period: report.period.cadence, periodStart: easternDay(report.generatedAt) })}
                    >
                      Current period
                    </a>
                  ) : null}
                </>
              ) : null}
              <button type="button" disabled={saving} onClick={() => void download()}>
                Download CSV
              </button>
            </div>
            <Alert message={saveFailure} />
            <p class="status" role="status">
              {saving ? "Preparing the CSV…" : (saved ?? "")}
            </p>
          </section>
          <Summary report={report} />
          <Chart chart={report.chart} />
          <CasesSection id="open-at-end" title="Open at the end of the period" empty="No case was open at the end of the period." order="the oldest first" whose={whose} cases={report.openAtEnd} columns={openColumns(staff)} />
          <CasesSection id="opened" title="Opened in the period" empty="No case was opened in the period." order="in order of opening" whose={whose} cases={report.opened} columns={OPENED_COLUMNS} />
          <CasesSection id="closed" title="Closed in the period" empty="No case was closed in the period." order="in order of closure" whose={whose} cases={report.closed} columns={CLOSED_COLUMNS} />
        </>
      ) : null}
    </>
  );
}

/** The previous or the next period of the same kind, as the address names it (a cadence's by its first day). */
function neighbour(period: ReportPeriod, step: -1 | 1): Record<string, string> {
  const { firstDay, lastDay } = period;
  if (!isCadence(period.cadence)) {
    const length = daysBetween(firstDay, lastDay) + 1;
    return { periodStart: shiftDay(firstDay, { days: step * length }), periodEnd: shiftDay(lastDay, { days: step * length }) };
  }
  if (step === 1) return { period: period.cadence, periodStart: shiftDay(lastDay, { days: 1 }) };
  const back = { weekly: { days: -7 }, biweekly: { days: -14 }, monthly: { months: -1 }, quarterly: { months: -3 } }[period.cadence];
  return { period: period.cadence, periodStart: shiftDay(firstDay, back) };
}

const easternDate = new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York", year: "numeric", month: "2-digit", day: "2-digit" });

/** The US Eastern day of an instant, YYYY-MM-DD. */
function easternDay(iso: string): string {
  return easternDate.format(new Date(iso));
}

const FORM = "report-period";

function PeriodForm(props: { query: PeriodQuery; shown: ReportPeriod | null; problem: ApiProblem | null; onShow: (query: PeriodQuery) => void }) {
  const { query, shown } = props;
  const [kind, setKind] = useState<Cadence | "range">(query.cadence ?? "range");
  const [day, setDay] = useState(query.periodStart);
  const [from, setFrom] = useState(query.periodStart);
  const [to, setTo] = useState(query.periodEnd);
  // The address fills the form; when it named no day, the period the API gave does, unless one was typed meanwhile.
  useEffect(() => {
    setKind(query.cadence ?? "range");
    setDay(query.cadence ? query.periodStart : "");
    setFrom(query.cadence ? "" : query.periodStart);
    setTo(query.cadence ? "" : query.periodEnd);
  }, [JSON.stringify(query)]);
  useEffect(() => {
    if (shown && query.cadence) setDay((typed) => typed || shown.firstDay);
  }, [shown?.firstDay]);

  function choose(next: Cadence | "range") {
    setKind(next);
    // A range starts as the period shown.
    if (next === "range" && shown && !from && !to) {
      setFrom(shown.firstDay);
      setTo(shown.lastDay);
    }
  }
  // The range's own refusals, and the API's at the field it names.
  const errors = new FormErrors(props.problem, kind === "range" ? ["period", "from", "to"] : ["period", "periodStart"]);
  useFocusInvalid(FORM, errors);

  return (
    <form
      class="period-form"
      aria-label="Choose the period"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        props.onShow(kind === "range" ? { cadence: null, periodStart: from, periodEnd: to } : { cadence: kind, periodStart: day, periodEnd: "" });
      }}
    >
      <Alert message={errors.top} />
      {props.problem && !errors.top ? (
        <p class="alert" role="alert">
          The report was not shown: check the field marked “Error”.
        </p>
      ) : null}
      <div class="filters">
        <Field form={FORM} name="period" label="Period" errors={errors} required>
          {(attrs) => (
            <select {...attrs} value={kind} onChange={(e) => choose(e.currentTarget.value as Cadence | "range")}>
              {CADENCES.map((cadence) => (
                <option value={cadence}>{capitalized(CADENCE_LABELS[cadence])}</option>
              ))}
              <option value="range">Range of dates</option>
            </select>
          )}
        </Field>
        {kind === "range" ? (
          <>
            <Field form={FORM} name="from" label="From" errors={errors} required hint="The first day, US Eastern.">
              {(attrs) => <input {...attrs} type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />}
            </Field>
            <Field form={FORM} name="to" label="To" errors={errors} required hint="The last day, included; at most 366 days.">
              {(attrs) => <input {...attrs} type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />}
            </Field>
          </>
        ) : (
          <Field
            form={FORM}
            name="periodStart"
            label="A day in the period"
            errors={errors}
            hint={kind === "biweekly" ? "Its week's Monday starts the two weeks. Empty: the last complete period." : "Empty: the last complete period."}
          >
            {(attrs) => <input {...attrs} type="date" value={day} onInput={(e) => setDay(e.currentTarget.value)} />}
          </Field>
        )}
        <button type="submit">Show period</button>
      </div>
    </form>
  );
}

function change(now: number, before: number | undefined): string {
  if (before === undefined) return "no previous period to compare";
  const delta = now - before;
  if (delta === 0) return "same as the previous period";
  return `${delta > 0 ? "+" : "−"}${Math.abs(delta)} vs the previous period (${before})`;
}

function Summary({ report }: { report: CaseReport }) {
  const { counts, previous, firstResponses, medianHoursToClose } = report.summary;
  const figures: [string, keyof PeriodCounts][] = [
    ["Opened", "opened"],
    ["Closed", "closed"],
    ["Open at the end", "openAtEnd"],
  ];
  const share = firstResponses.measured && firstResponses.share !== null ? Math.round(firstResponses.share * 100) : null;
  return (
    <section aria-labelledby="summary-heading">
      <h2 id="summary-heading">Summary</h2>
      <dl class="report-figures">
        {figures.map(([label, name]) => (
          <div>
            <dt>{label}</dt>
            <dd>
              <span class="figure">{counts[name]}</span>
              <span class="figure-change">{change(counts[name], previous?.[name])}</span>
            </dd>
          </div>
        ))}
        <div>
          <dt>First responses within target</dt>
          <dd>
            {share === null ? (
              <span class="figure-change">No first response was due</span>
            ) : (
              <>
                <span class="figure">{share}%</span>
                <span class="figure-change">
                  {firstResponses.withinTarget} of {firstResponses.measured}
                </span>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>Median time to close</dt>
          <dd>{medianHoursToClose === null ? <span class="figure-change">None closed</span> : <span class="figure">{duration(medianHoursToClose)}</span>}</dd>
        </div>
      </dl>
    </section>
  );
}

/** The 8 periods as a table whose cells are bars: the numbers are the cells' text, the bars only draw them. */
function Chart({ chart }: { chart: Schemas["ChartBar"][] }) {
  const peak = Math.max(1, ...chart.map((bar) => Math.max(bar.opened, bar.closed)));
  const opened = chart.reduce((sum, bar) => sum + bar.opened, 0);
  const closed = chart.reduce((sum, bar) => sum + bar.closed, 0);
  const bar = (count: number, kind: string) => (
    <td>
      <span class="bar-cell">
        {count ? <span class={`bar ${kind}`} style={{ width: `${(count / peak) * 90}%` }} /> : null}
        <span class="bar-count">{count}</span>
      </span>
    </td>
  );
  return (
    <section aria-labelledby="chart-heading">
      <h2 id="chart-heading">Opened and closed per period</h2>
      {chart.length ? (
        <div class="table-wrap" role="region" aria-labelledby="chart-caption" tabIndex={0}>
          <table class="report-chart">
            <caption id="chart-caption">
              Cases opened and closed per period, from {chart[0].label} to this period ({chart[chart.length - 1].label}): {opened} opened and{" "}
              {closed} closed in all
            </caption>
            <thead>
              <tr>
                <th scope="col">Period</th>
                <th scope="col">Opened</th>
                <th scope="col">Closed</th>
              </tr>
            </thead>
            <tbody>
              {chart.map((one, index) => (
                <tr class={index === chart.length - 1 ? "this-period" : undefined}>
                  <th scope="row">
                    {one.label}
                    {index === chart.length - 1 ? <span class="visually-hidden"> (this report)</span> : null}
                  </th>
                  {bar(one.opened, "opened")}
                  {bar(one.closed, "closed")}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>No periods to chart.</p>
      )}
    </section>
  );
}

type Column = { header: string; cell: (c: ReportCase) => ComponentChildren };

function status(c: ReportCase): string {
  return c.subStatus ? `${c.status} (${c.subStatus})` : c.status;
}

function nextAction(c: ReportCase): ComponentChildren {
  const action = c.nextAutomatedAction;
  if (!action) return "None";
  const description = String(action.description ?? action.action ?? "");
  const due = action.dueAt ?? action.due_at;
  return typeof due === "string" && due ? (
    <>
      {description}, due <EasternTime iso={due} />
    </>
  ) : (
    description
  );
}

function owner(ownerId: string | null | undefined, staff: boolean): string {
  if (!ownerId) return "Unassigned";
  if (ownerId === currentClaims()?.sub) return "You";
  return staff ? ownerId : "Assigned";
}

function openColumns(staff: boolean): Column[] {
  return [
    { header: "Priority", cell: (c) => c.priority },
    { header: "Status", cell: status },
    { header: "Opened at", cell: (c) => <EasternTime iso={c.createdAt} /> },
    { header: "Age (business days)", cell: (c) => c.ageBusinessDays ?? "—" },
    { header: "Owner", cell: (c) => owner(c.ownerId, staff) },
    { header: "Next automated action", cell: nextAction },
  ];
}

const OPENED_COLUMNS: Column[] = [
  { header: "Type", cell: (c) => c.caseType },
  { header: "Priority", cell: (c) => c.priority },
  { header: "Status now", cell: status },
  { header: "Opened at", cell: (c) => <EasternTime iso={c.createdAt} /> },
];

const CLOSED_COLUMNS: Column[] = [
  { header: "Sub status", cell: (c) => c.subStatus ?? "—" },
  { header: "Opened at", cell: (c) => <EasternTime iso={c.createdAt} /> },
  { header: "Closed at", cell: (c) => <EasternTime iso={c.closedAt} /> },
  { header: "Time to close", cell: (c) => duration(c.hoursToClose) },
];

function CasesSection(props: { id: string; title: string; empty: string; order: string; whose: string; cases: ReportCase[]; columns: Column[] }) {
  const { id, title, cases, columns } = props;
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>
        {title} ({cases.length})
      </h2>
      {cases.length ? (
        <div class="table-wrap" role="region" aria-labelledby={`${id}-caption`} tabIndex={0}>
          <table>
            <caption id={`${id}-caption`}>
              {title}: cases of {props.whose}, {props.order}
            </caption>
            <thead>
              <tr>
                <th scope="col">Case</th>
                <th scope="col">Subject</th>
                {columns.map((column) => (
                  <th scope="col">{column.header}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {cases.map((c) => (
                <tr>
                  <th scope="row">
                    <a href={`/cases/${c.caseNumber}`}>{c.caseNumber}</a>
                  </th>
                  <td>{c.subject}</td>
                  {columns.map((column) => (
                    <td>{column.cell(c)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{props.empty}</p>
      )}
    </section>
  );
}
