// /reports/confirm?token= and /reports/unsubscribe?token=: the pages a case report's recipient opens from an email,
// without signing in. The page posts the link's token to the API as it loads (mail scanners that fetch the link only
// GET the page; nothing changes until this script posts) and says what was done, or the API's refusal.
import { useEffect, useState } from "preact/hooks";
import { api, type ApiProblem, type Schemas } from "../api/client";
import { Alert, PageHeading } from "../components";
import { attempt } from "./directory";
import { CADENCE_LABELS } from "./reportParts";

type RecipientAnswer = Schemas["RecipientAnswer"];
export type LinkPurpose = "confirm" | "unsubscribe";

const TOKEN = /^[A-Za-z0-9_.-]{16,1024}$/;

export function RecipientLinkPage({ purpose, token }: { purpose: LinkPurpose; token: string }) {
  const [answer, setAnswer] = useState<RecipientAnswer | null>(null);
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  useEffect(() => {
    if (!TOKEN.test(token)) {
      setFailure({ message: "This link is not complete; open the link from the email again.", status: 0 });
      return;
    }
    const params = { params: { query: { token } } };
    void attempt(() =>
      purpose === "confirm" ? api.POST("/report-subscriptions/confirm", params) : api.POST("/report-subscriptions/unsubscribe", params),
    ).then(({ data, problem }) => {
      setAnswer(data);
      setFailure(problem);
    });
  }, [purpose, token]);

  return (
    <div class="narrow-text">
      <PageHeading>{purpose === "confirm" ? "Confirm your case report subscription" : "Unsubscribe from the case report"}</PageHeading>
      <Alert message={failure?.message} />
      <div role="status">
        {answer ? <Outcome answer={answer} /> : failure ? null : <p>{purpose === "confirm" ? "Confirming your address…" : "Unsubscribing your address…"}</p>}
      </div>
    </div>
  );
}

function Outcome({ answer }: { answer: RecipientAnswer }) {
  const report = `${answer.accountName}'s ${CADENCE_LABELS[answer.cadence]} case report`;
  if (answer.status === "active") {
    return (
      <p class="callout">
        Confirmed: you will receive {report} at <strong>{answer.email}</strong>. Every report carries a link to unsubscribe.
      </p>
    );
  }
  if (answer.status === "unsubscribed") {
    return (
      <p class="callout">
        You are unsubscribed: <strong>{answer.email}</strong> will receive no more of {report}. To receive it again, ask your account's
        administrator or your support team to add the address; you will be asked to confirm.
      </p>
    );
  }
  return (
    <p class="callout">
      <strong>{answer.email}</strong> is still awaiting confirmation for {report}; open the confirmation link from the email again.
    </p>
  );
}
