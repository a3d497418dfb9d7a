import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import {
  api,
  networkProblem,
  newIdempotencyKey,
  problem,
  type ApiProblem,
  type Case,
  type CaseUpdate,
} from "../api/client";
import { currentClaims, isStaff } from "../auth";
import { Alert, Field, FormErrors, PageHeading, Status, useFocusInvalid } from "../components";
import { EasternTime } from "../EasternTime";
import { formatEastern, isWaitingOnCustomer, waitingFor } from "../format";
import { personName } from "../people";
import { CaseFiles } from "./CaseFiles";
import { CaseHistory } from "./CaseHistory";
import { KIND_LABELS, label } from "./caseText";
import { MaintenanceDetails } from "./CaseMaintenance";
import { InstallationDetails } from "./CaseInstallation";
import { Escalate, type EscalationAnswer } from "./Escalate";
import { ownerName, SupportFields } from "./SupportFields";

type Outcome = { data?: unknown; error?: unknown; response: Response };
type Sent = { problem: ApiProblem | null; data?: unknown };

export function CasePage({ caseNumber }: { caseNumber: string }) {
  const staff = isStaff();
  const [theCase, setCase] = useState<Case | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [updates, setUpdates] = useState<CaseUpdate[]>([]);
  const [loadError, setLoadError] = useState<ApiProblem | null>(null);
  const [announcement, setAnnouncement] = useState<string | null>(null);

  async function reload() {
    try {
      const [one, list] = await Promise.all([
        api.GET("/cases/{caseNumber}", { params: { path: { caseNumber } } }),
        loadAllUpdates(caseNumber),
      ]);
      if (!one.data) {
        setLoadError(problem(one.error, one.response));
        return;
      }
      setLoadError(null);
      setCase(one.data);
      setEtag(one.response.headers.get("ETag"));
      setUpdates(list);
    } catch {
      setLoadError(networkProblem());
    }
  }

  useEffect(() => {
    void reload();
  }, [caseNumber]);

  /** Runs a change with If-Match (the version read) and an Idempotency-Key; reloads the case after it (and after a 412). */
  async function send(run: (headers: { "if-match"?: string; "idempotency-key": string }) => Promise<Outcome>, done: string | null): Promise<Sent> {
    const headers = { "idempotency-key": newIdempotencyKey(), ...(etag ? { "if-match": etag } : {}) };
    let outcome: Outcome;
    try {
      outcome = await run(headers);
    } catch {
      return { problem: networkProblem() };
    }
    if (outcome.response.ok) {
      setAnnouncement(done);
      await reload();
      return { problem: null, data: outcome.data };
    }
    if (outcome.response.status === 412) {
      await reload();
      return {
        problem: {
          message: "The case changed since you read it: it has been reloaded. Check it, then send again.",
          status: 412,
        },
      };
    }
    return { problem: problem(outcome.error, outcome.response) };
  }

  async function change(run: (headers: { "if-match"?: string; "idempotency-key": string }) => Promise<Outcome>, done: string) {
    return (await send(run, done)).problem;
  }

  if (loadError && !theCase) {
    return (
      <>
        <PageHeading>Case {caseNumber}</PageHeading>
        <Alert message={loadError.message} />
        <p>
          <a href="/">Back to your cases</a>
        </p>
      </>
    );
  }
  if (!theCase) {
    return (
      <>
        <PageHeading>Case {caseNumber}</PageHeading>
        <p role="status">Loading the case…</p>
      </>
    );
  }

  const c = theCase;
  const waiting = isWaitingOnCustomer(c.status);
  const closed = c.status === "Closed";
  const next = c.nextAutomatedAction;
  const path = { caseNumber };
  const me = currentClaims()?.sub;

  return (
    <>
      <p class="breadcrumb">
        <a href="/">Cases</a> › {c.caseNumber}
      </p>
      <PageHeading>
        Case {c.caseNumber}: {c.subject}
      </PageHeading>
      <Status message={announcement} />
      <Alert message={loadError?.message} />
      {waiting ? (
        <p class="waiting-note callout">
          <strong class="badge">{staff ? "Waiting on customer" : "Waiting on you"}</strong> {waitingFor(c.status)}
          {staff ? "." : ": answer below."}
        </p>
      ) : null}

      <section aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        <dl class="details">
          <Item term="Status">{c.status}</Item>
          <Item term="Sub status">{c.subStatus}</Item>
          <Item term="Priority">{c.priority}</Item>
          <Item term="Case type">{c.caseType}</Item>
          <Item term="Opened">
            <EasternTime iso={c.createdAt} /> {c.channel === "phone" ? "by phone" : "on the web"}
          </Item>
          <Item term="Last activity">
            <EasternTime iso={c.modifiedAt} />
          </Item>
          {staff ? <Item term="Owner">{ownerName(c.ownerId, me)}</Item> : null}
          <Item term="First response due">
            <EasternTime iso={c.responseDueAt} />
            {c.responseRule ? <span class="muted"> ({c.responseRule})</span> : null}
          </Item>
          <Item term="Response target">
            <ResponseTarget theCase={c} />
          </Item>
          <Item term="Next automated action">
            {next ? (
              <>
                {next.description} on <EasternTime iso={next.dueAt} />
                <span class="muted"> ({next.rule})</span>
              </>
            ) : (
              "None scheduled"
            )}
          </Item>
          {c.closedAt ? (
            <Item term="Closed">
              <EasternTime iso={c.closedAt} />
            </Item>
          ) : null}
          {c.maintenanceWindow ? <MaintenanceDetails window={c.maintenanceWindow} /> : null}
          {c.installation || c.resolvedByCase ? <InstallationDetails theCase={c} /> : null}
        </dl>
        <h3>Description</h3>
        <p class="prewrap">{c.description}</p>
      </section>

      <section aria-labelledby="updates-heading">
        <h2 id="updates-heading">Updates</h2>
        {updates.length === 0 ? <p>No updates yet.</p> : null}
        <ol class="updates">
          {updates.map((u) => (
            <li>
              <article aria-label={`${label(KIND_LABELS, u.kind)} on ${formatEastern(u.createdAt)}`}>
                <p class="update-meta">
                  <strong>{label(KIND_LABELS, u.kind)}</strong> by {personName(u.author)} · <EasternTime iso={u.createdAt} />
                </p>
                <p class="prewrap">{u.text}</p>
              </article>
            </li>
          ))}
        </ol>
      </section>

      <CaseFiles caseNumber={c.caseNumber} closed={closed} />

      {!closed ? (
        <TextAction
          id="add-update"
          heading="Add an update"
          label="Update"
          field="text"
          button="Post update"
          submit={(text) =>
            change(
              (header) => api.POST("/cases/{caseNumber}/updates", { params: { path, header }, body: { text } }),
              "Your update was posted.",
            )
          }
        />
      ) : null}

      {!staff && c.status === "Solution Proposed" ? (
        <section aria-labelledby="solution-heading">
          <h2 id="solution-heading">Proposed solution</h2>
          <AcceptSolution
            submit={() =>
              change(
                (header) => api.POST("/cases/{caseNumber}/solution/accept", { params: { path, header }, body: {} }),
                "You accepted the solution; the case is closed as Resolved.",
              )
            }
          />
          <TextAction
            id="reject-solution"
            heading="Reject the solution"
            headingLevel={3}
            label="Reason"
            field="reason"
            button="Reject solution"
            submit={(reason) =>
              change(
                (header) => api.POST("/cases/{caseNumber}/solution/reject", { params: { path, header }, body: { reason } }),
                "You rejected the solution; the case is open again.",
              )
            }
          />
        </section>
      ) : null}

      {!closed ? (
        <Escalate
          priority={c.priority}
          staff={staff}
          submit={async (body) => {
            const sent = await send(
              (header) => api.POST("/cases/{caseNumber}/escalations", { params: { path, header }, body }),
              null, // the section shows the desk's answer itself, with its phone numbers as links
            );
            return { problem: sent.problem, answer: sent.data as EscalationAnswer | undefined };
          }}
        />
      ) : null}

      {staff && !closed ? (
        <>
          <SupportFields
            theCase={c}
            me={me}
            submit={(body) =>
              change(
                (header) => api.PATCH("/cases/{caseNumber}", { params: { path, header }, body }),
                "The case is changed.",
              )
            }
          />
          <TextAction
            id="request-info"
            heading="Request information"
            label="Message"
            field="message"
            button="Request information"
            submit={(message) =>
              change(
                (header) => api.POST("/cases/{caseNumber}/request-info", { params: { path, header }, body: { message } }),
                "Information requested; the case is Awaiting Info.",
              )
            }
          />
          <TextAction
            id="propose-solution"
            heading="Propose solution"
            label="Solution"
            field="solution"
            button="Propose solution"
            submit={(solution) =>
              change(
                (header) =>
                  api.POST("/cases/{caseNumber}/propose-solution", { params: { path, header }, body: { solution } }),
                "Solution proposed; the case is Solution Proposed.",
              )
            }
          />
        </>
      ) : null}

      {!closed ? (
        <CloseCase
          staff={staff}
          submit={(body) =>
            change(
              (header) => api.POST("/cases/{caseNumber}/close", { params: { path, header }, body }),
              "The case is closed.",
            )
          }
        />
      ) : (
        <TextAction
          id="reopen"
          heading="Reopen case"
          label="New information"
          field="information"
          button="Reopen case"
          hint="Within 30 days of closing: what shows the issue is not resolved."
          submit={(information) =>
            change(
              (header) => api.POST("/cases/{caseNumber}/reopen", { params: { path, header }, body: { information } }),
              "The case is open again.",
            )
          }
        />
      )}

      <CaseHistory caseNumber={c.caseNumber} version={c.version} />
    </>
  );
}

/** Whether support's first response came, or is due, within the target. */
function ResponseTarget({ theCase: c }: { theCase: Case }) {
  if (c.firstResponseAt) {
    return (
      <>
        {c.responseBreached ? "⚠ Missed" : "✓ Met"}: answered <EasternTime iso={c.firstResponseAt} />
      </>
    );
  }
  if (c.responseBreached) return <>⚠ Missed: not answered yet</>;
  if (!c.responseDueAt) return <>No target</>;
  return <>Not answered yet; within the target so far</>;
}

async function loadAllUpdates(caseNumber: string): Promise<CaseUpdate[]> {
  const all: CaseUpdate[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < 20; page++) {
    const { data, error, response } = await api.GET("/cases/{caseNumber}/updates", {
      params: { path: { caseNumber }, query: { limit: 100, nextToken } },
    });
    if (!data) throw new Error(problem(error, response).message);
    all.push(...data.items);
    if (!data.nextToken) break;
    nextToken = data.nextToken;
  }
  return all;
}

function Item({ term, children }: { term: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function TextAction({
  id,
  heading,
  headingLevel = 2,
  label,
  field,
  button,
  hint,
  submit,
}: {
  id: string;
  heading: string;
  headingLevel?: 2 | 3;
  label: string;
  field: string;
  button: string;
  hint?: string;
  submit: (text: string) => Promise<ApiProblem | null>;
}) {
  const [text, setText] = useState("");
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = new FormErrors(failure, [field]);
  useFocusInvalid(id, errors);
  const Heading = headingLevel === 2 ? "h2" : "h3";

  async function onSubmit(event: Event) {
    event.preventDefault();
    setBusy(true);
    const result = await submit(text);
    setFailure(result);
    if (!result) setText("");
    setBusy(false);
  }

  return (
    <section aria-labelledby={`${id}-heading`}>
      <Heading id={`${id}-heading`}>{heading}</Heading>
      <form onSubmit={onSubmit} noValidate>
        <Alert message={errors.top} />
        <Field form={id} name={field} label={label} errors={errors} hint={hint} required>
          {(attrs) => <textarea {...attrs} rows={4} value={text} onInput={(e) => setText(e.currentTarget.value)} />}
        </Field>
        <button type="submit" disabled={busy}>
          {button}
        </button>
      </form>
    </section>
  );
}

function AcceptSolution({ submit }: { submit: () => Promise<ApiProblem | null> }) {
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div class="accept">
      <Alert message={failure?.message} />
      <p>If the proposed solution resolves your problem, accept it: the case closes as Resolved.</p>
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setFailure(await submit());
          setBusy(false);
        }}
      >
        Accept solution
      </button>
    </div>
  );
}

function CloseCase({
  staff,
  submit,
}: {
  staff: boolean;
  submit: (body: { subStatus: "Resolved" | "Cancelled"; comment: string; reason?: "solution-accepted" | "customer-asked" }) => Promise<ApiProblem | null>;
}) {
  const [subStatus, setSubStatus] = useState<"Resolved" | "Cancelled">("Resolved");
  const [comment, setComment] = useState("");
  const [reason, setReason] = useState<"solution-accepted" | "customer-asked">("customer-asked");
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const form = "close";
  const errors = new FormErrors(failure, ["subStatus", "comment", ...(staff ? ["reason"] : [])]);
  useFocusInvalid(form, errors);

  async function onSubmit(event: Event) {
    event.preventDefault();
    setBusy(true);
    const result = await submit({ subStatus, comment, ...(staff ? { reason } : {}) });
    setFailure(result);
    setBusy(false);
  }

  return (
    <section aria-labelledby="close-heading">
      <h2 id="close-heading">Close case</h2>
      <form onSubmit={onSubmit} noValidate>
        <Alert message={errors.top} />
        <Field form={form} name="subStatus" label="Sub status" errors={errors} required>
          {(attrs) => (
            <select {...attrs} value={subStatus} onChange={(e) => setSubStatus(e.currentTarget.value as "Resolved" | "Cancelled")}>
              <option value="Resolved">Resolved</option>
              <option value="Cancelled">Cancelled</option>
            </select>
          )}
        </Field>
        {staff ? (
          <Field form={form} name="reason" label="Reason" errors={errors} required>
            {(attrs) => (
              <select
                {...attrs}
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value as "solution-accepted" | "customer-asked")}
              >
                <option value="customer-asked">The customer asked</option>
                <option value="solution-accepted">The solution was accepted</option>
              </select>
            )}
          </Field>
        ) : null}
        <Field form={form} name="comment" label="Comment" errors={errors} required>
          {(attrs) => <textarea {...attrs} rows={3} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />}
        </Field>
        <button type="submit" disabled={busy}>
          Close case
        </button>
      </form>
    </section>
  );
}
