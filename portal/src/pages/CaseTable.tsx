// One table of case rows for the customers' views and the staff's queues: what waits on the customer, with the
// desk's next automated action, and for staff the account, the owner and the first-response target.
import type { CaseSummary } from "../api/client";
import { currentClaims } from "../auth";
import { isWaitingOnCustomer, waitingFor, when } from "../format";

export function CaseTable(props: {
  caption: string;
  captionId: string;
  items: CaseSummary[];
  staff: boolean;
  empty: string;
  loading: boolean;
}) {
  const { staff } = props;
  const columns = staff ? 8 : 5;
  return (
    <div class="table-wrap" role="region" aria-labelledby={props.captionId} tabIndex={0}>
      <table>
        <caption id={props.captionId}>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Case</th>
            {staff ? <th scope="col">Account</th> : null}
            <th scope="col">Subject</th>
            <th scope="col">Status</th>
            <th scope="col">Priority</th>
            {staff ? <th scope="col">Owner</th> : null}
            {staff ? <th scope="col">First response</th> : null}
            <th scope="col">Last activity</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((c) => (
            <CaseRow summary={c} staff={staff} />
          ))}
          {!props.loading && props.items.length === 0 ? (
            <tr>
              <td colSpan={columns}>{props.empty}</td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

function CaseRow({ summary: c, staff }: { summary: CaseSummary; staff: boolean }) {
  const waiting = isWaitingOnCustomer(c.status);
  const next = c.nextAutomatedAction;
  return (
    <tr class={waiting ? "waiting" : undefined}>
      <td>
        <a href={`/cases/${c.caseNumber}`}>{c.caseNumber}</a>
      </td>
      {staff ? <td>{c.accountId}</td> : null}
      <td>{c.subject}</td>
      <td>
        {c.status}
        {c.subStatus ? ` / ${c.subStatus}` : ""}
        {waiting ? (
          <div class="waiting-note">
            <strong class="badge">{staff ? "Waiting on customer" : "Waiting on you"}</strong> {waitingFor(c.status)}.
            {next ? (
              <>
                {" "}
                Next: {next.description} on <time dateTime={next.dueAt}>{when(next.dueAt)}</time>.
              </>
            ) : null}
          </div>
        ) : null}
      </td>
      <td>{c.priority}</td>
      {staff ? <td>{ownerLabel(c.ownerId)}</td> : null}
      {staff ? (
        <td>
          <FirstResponse summary={c} />
        </td>
      ) : null}
      <td>
        <time dateTime={c.modifiedAt}>{when(c.modifiedAt)}</time>
      </td>
    </tr>
  );
}

function ownerLabel(ownerId: string | null | undefined): string {
  if (!ownerId) return "Unassigned";
  return ownerId === currentClaims()?.sub ? "You" : ownerId;
}

function FirstResponse({ summary: c }: { summary: CaseSummary }) {
  if (c.firstResponseAt) {
    return (
      <>
        {c.responseBreached ? "Late" : "Met"}: <time dateTime={c.firstResponseAt}>{when(c.firstResponseAt)}</time>
      </>
    );
  }
  if (!c.responseDueAt) return <>—</>;
  return (
    <>
      {c.responseBreached ? <strong class="badge breached">Breached</strong> : "Due"}{" "}
      <time dateTime={c.responseDueAt}>{when(c.responseDueAt)}</time>
    </>
  );
}
