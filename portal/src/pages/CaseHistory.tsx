import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, networkProblem, problem, type Schemas } from "../api/client";
import { currentClaims } from "../auth";
import { Alert } from "../components";
import { EasternTime } from "../EasternTime";
import { personName } from "../people";
import { ACTION_LABELS, FIELD_LABELS, KIND_LABELS, label } from "./caseText";

type HistoryEntry = Schemas["HistoryEntry"];
type FieldChange = Schemas["FieldChange"];

const PAGE_SIZE = 25;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** The case's history, oldest first, a page at a time; read again whenever the case's version changes. */
export function CaseHistory({ caseNumber, version }: { caseNumber: string; version: number }) {
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [nextToken, setNextToken] = useState<string | null>(null);
  const [pages, setPages] = useState(1);
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function loadPage(token: string | null): Promise<Schemas["HistoryList"] | null> {
    try {
      const { data, error: refusal, response } = await api.GET("/cases/{caseNumber}/history", {
        params: { path: { caseNumber }, query: { limit: PAGE_SIZE, nextToken: token ?? undefined } },
      });
      if (data) return data;
      setError(problem(refusal, response).message);
    } catch {
      setError(networkProblem().message);
    }
    return null;
  }

  // After a change, read again as many pages as were shown, so the newest entries appear where they belong.
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const all: HistoryEntry[] = [];
      let token: string | null = null;
      for (let page = 0; page < pages; page++) {
        const data = await loadPage(token);
        if (!data || cancelled) return;
        all.push(...data.items);
        token = data.nextToken ?? null;
        if (!token) break;
      }
      setError(null);
      setEntries(all);
      setNextToken(token);
      setLoaded(true);
    })();
    return () => {
      cancelled = true;
    };
  }, [caseNumber, version]);

  async function showMore() {
    setBusy(true);
    const data = await loadPage(nextToken);
    if (data) {
      setError(null);
      setEntries((shown) => [...shown, ...data.items]);
      setNextToken(data.nextToken ?? null);
      setPages((count) => count + 1);
    }
    setBusy(false);
  }

  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <p class="hint">Every change to the case, oldest first; times in US Eastern.</p>
      <Alert message={error} />
      {!loaded && !error ? <p role="status">Loading the history…</p> : null}
      {loaded && entries.length === 0 ? <p>No history yet.</p> : null}
      <ol class="history">
        {entries.map((entry) => (
          <li key={entry.entryId}>
            <p class="update-meta">
              <strong>{label(ACTION_LABELS, entry.action)}</strong> by {personName(entry.actor)} · <EasternTime iso={entry.at} />
            </p>
            {entry.changes.length ? (
              <ul class="history-changes">
                {entry.changes.map((change) => (
                  <li>{describeChange(change)}</li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ol>
      {nextToken ? (
        <button type="button" class="secondary" disabled={busy} onClick={() => void showMore()}>
          Show more history
        </button>
      ) : null}
    </section>
  );
}

function describeChange(change: FieldChange): ComponentChildren {
  const name = label(FIELD_LABELS, change.field);
  if (change.field === "updates") {
    // The history names a posted update "<kind> #<id>".
    const kind = (change.to ?? "").split(" #")[0];
    return `${name} posted: ${label(KIND_LABELS, kind)}`;
  }
  const from = shown(change.field, change.from);
  const to = shown(change.field, change.to);
  if (from === null) return <>{name} set to {to ?? "nothing"}</>;
  if (to === null) return <>{name} cleared (was {from})</>;
  return (
    <>
      {name} changed from {from} to {to}
    </>
  );
}

function shown(field: string, value: string | null | undefined): ComponentChildren | null {
  if (value === null || value === undefined) return null;
  if (field === "ownerId" && value === currentClaims()?.sub) return "you";
  return ISO_TIME.test(value) ? <EasternTime iso={value} /> : value;
}
