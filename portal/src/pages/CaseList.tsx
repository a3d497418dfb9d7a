import { useEffect, useMemo, useState } from "preact/hooks";
import { api, type CaseView } from "../api/client";
import { isStaff } from "../auth";
import { Alert, PageHeading } from "../components";
import { navigate } from "../router";
import { CaseTable } from "./CaseTable";
import { LoadMore } from "./LoadMore";
import { usePages } from "./usePages";

const STATUSES: { key: string; label: string }[] = [
  { key: "non-closed", label: "not closed" },
  { key: "open", label: "open" },
  { key: "awaiting-info", label: "awaiting info" },
  { key: "solution-proposed", label: "solution proposed" },
  { key: "closed", label: "closed" },
];

function viewLabel(view: string): string {
  const [scope, ...rest] = view.split("-");
  const status = STATUSES.find((s) => s.key === rest.join("-"))?.label ?? rest.join(" ");
  return scope === "my" ? `My cases: ${status}` : `All account cases: ${status}`;
}

const ALL_VIEWS = (["my", "all"] as const).flatMap((scope) => STATUSES.map((s) => `${scope}-${s.key}` as CaseView));
const PAGE_SIZE = 25;

export function CaseListPage() {
  const staff = isStaff();
  // Staff see every account: the all-* views of one account they name.
  const views = staff ? ALL_VIEWS.filter((v) => v.startsWith("all-")) : ALL_VIEWS;
  const params = new URLSearchParams(location.search);
  const initialView = (views as string[]).includes(params.get("view") ?? "") ? (params.get("view") as CaseView) : views[0];
  const [view, setView] = useState<CaseView>(initialView);
  const [accountInput, setAccountInput] = useState(params.get("accountId") ?? "");
  const [accountId, setAccountId] = useState(params.get("accountId") ?? "");
  const [query, setQuery] = useState("");
  const [statusFilter, setStatusFilter] = useState("");

  const ready = !staff || accountId !== "";

  const pages = usePages((token) =>
    api.GET("/cases", {
      params: { query: { view, limit: PAGE_SIZE, nextToken: token ?? undefined, accountId: staff ? accountId : undefined } },
    }),
  );
  const { items, nextToken, loading, error, load } = pages;

  useEffect(() => {
    const query = new URLSearchParams({ view });
    if (staff && accountId) query.set("accountId", accountId);
    navigate(`/?${query}`, { replace: true });
    if (ready) void load(null);
  }, [view, accountId]);

  const shown = useMemo(() => {
    const needle = query.trim().toLowerCase();
    return items.filter(
      (c) =>
        (!statusFilter || c.status === statusFilter) &&
        (!needle || c.caseNumber.includes(needle) || c.subject.toLowerCase().includes(needle)),
    );
  }, [items, query, statusFilter]);

  const statusesInView: string[] = [...new Set(items.map((c) => c.status))];

  return (
    <>
      <div class="page-title">
        <PageHeading>Cases</PageHeading>
        <a class="button" href="/new">
          New case
        </a>
      </div>

      <form
        class="filters"
        role="search"
        aria-label="Choose cases"
        onSubmit={(e) => {
          e.preventDefault();
          setAccountId(accountInput.trim());
        }}
      >
        {staff ? (
          <div class="field">
            <label for="account">Account</label>
            <input id="account" value={accountInput} onInput={(e) => setAccountInput(e.currentTarget.value)} />
          </div>
        ) : null}
        <div class="field">
          <label for="view">View</label>
          <select id="view" value={view} onChange={(e) => setView(e.currentTarget.value as CaseView)}>
            {views.map((v) => (
              <option value={v}>{viewLabel(v)}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="status-filter">Status</label>
          <select id="status-filter" value={statusFilter} onChange={(e) => setStatusFilter(e.currentTarget.value)}>
            <option value="">Any status</option>
            {["Open", "Awaiting Info", "Solution Proposed", "Closed"].map((s) => (
              <option value={s} disabled={!statusesInView.includes(s) && s !== statusFilter}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="search">Search</label>
          <input
            id="search"
            type="search"
            value={query}
            aria-describedby="search-hint"
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
          <p class="hint" id="search-hint">
            Case number or subject, among the cases loaded.
          </p>
        </div>
        {staff ? <button type="submit">Show cases</button> : null}
      </form>

      <Alert message={error?.message} />
      {!ready ? <p>Enter an account id to list its cases.</p> : null}

      {ready ? (
        <CaseTable
          caption={`${viewLabel(view)}${staff && accountId ? ` (account ${accountId})` : ""} — showing ${shown.length} of ${items.length} loaded${nextToken ? "; more to load" : ""}`}
          captionId="cases-caption"
          items={shown}
          staff={staff}
          loading={loading}
          empty={items.length ? "No loaded case matches the search." : "No cases in this view."}
        />
      ) : null}
      <LoadMore pages={pages} loading="Loading cases…" />
    </>
  );
}
