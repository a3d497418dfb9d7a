// The engineer's console: the support queues across accounts (GET /queues/{queue}), one page at a time.
import { useEffect, useState } from "preact/hooks";
import { api, networkProblem, type Schemas } from "../api/client";
import { Alert, PageHeading } from "../components";
import { navigate } from "../router";
import { CaseTable } from "./CaseTable";
import { LoadMore } from "./LoadMore";
import { usePages } from "./usePages";

type Queue = Schemas["CaseQueue"];

const QUEUES: { queue: Queue; label: string; about: string }[] = [
  { queue: "unassigned", label: "Unassigned", about: "Cases nobody owns yet, newest activity first." },
  { queue: "mine", label: "Mine", about: "The cases you own, newest activity first." },
  {
    queue: "response-due",
    label: "First response due",
    about: "Cases still waiting for support's first response, the soonest due first: breached targets lead.",
  },
  {
    queue: "waiting-on-customer",
    label: "Waiting on customer",
    about: "Cases in Awaiting Info or Solution Proposed, with the desk's next automated follow-up.",
  },
  { queue: "region", label: "By region", about: "A region's cases that are not closed, newest activity first." },
];
const PAGE_SIZE = 25;

export function QueuesPage({ queue }: { queue: Queue }) {
  const about = QUEUES.find((q) => q.queue === queue)!;
  const [region, setRegion] = useState(new URLSearchParams(location.search).get("region") ?? "");
  const [regions, setRegions] = useState<string[]>([]);
  const ready = queue !== "region" || region !== "";

  useEffect(() => {
    if (queue !== "region") return;
    api
      .GET("/regions")
      .then(({ data }) => {
        const names = data?.items.map((r) => r.region) ?? [];
        setRegions(names);
        if (!region && names.length) setRegion(names[0]);
      })
      .catch(() => setError(networkProblem()));
  }, [queue]);

  const pages = usePages((token) =>
    api.GET("/queues/{queue}", {
      params: {
        path: { queue },
        query: { limit: PAGE_SIZE, nextToken: token ?? undefined, region: queue === "region" ? region : undefined },
      },
    }),
  );
  const { items, nextToken, loading, error, setError, load } = pages;

  useEffect(() => {
    if (queue === "region" && region) navigate(`/queues/region?${new URLSearchParams({ region })}`, { replace: true });
    if (ready) void load(null);
  }, [queue, region]);

  return (
    <>
      <div class="page-title">
        <PageHeading>Queues</PageHeading>
        <a class="button" href="/new">
          New case
        </a>
      </div>
      <nav aria-label="Queues" class="tabs">
        {QUEUES.map((q) => (
          <a href={`/queues/${q.queue}`} aria-current={q.queue === queue ? "page" : undefined}>
            {q.label}
          </a>
        ))}
      </nav>
      <p>{about.about}</p>
      {queue === "region" ? (
        <div class="filters">
          <div class="field">
            <label for="region">Region</label>
            <select id="region" value={region} onChange={(e) => setRegion(e.currentTarget.value)}>
              {regions.map((name) => (
                <option value={name}>{name}</option>
              ))}
            </select>
          </div>
        </div>
      ) : null}
      <Alert message={error?.message} />
      {ready ? (
        <CaseTable
          caption={`${about.label}${queue === "region" ? ` (${region})` : ""} — ${items.length} shown${nextToken ? "; more to load" : ""}`}
          captionId="queue-caption"
          items={items}
          staff
          loading={loading}
          empty="No cases in this queue."
        />
      ) : null}
      <LoadMore pages={pages} loading="Loading cases…" />
    </>
  );
}

export function isQueue(name: string): name is Queue {
  return QUEUES.some((q) => q.queue === name);
}
