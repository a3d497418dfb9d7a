// The case page's lines for platform updates: an installation case's installation (what, why, the entitlement it uses,
// the cases it resolved) and a resolved case's installation case.
import type { Case } from "../api/client";

const WHY: Record<string, string> = {
  "known-scr": "A service problem from a known SCR",
  "new-scr": "A service problem from a new SCR",
  feature: "A feature the customer wants",
  "behind-ga": "Gateways 3 or more updates behind GA",
};

function caseLinks(numbers: string[]) {
  return numbers.map((number, index) => (
    <>
      {index ? ", " : ""}
      <a href={`/cases/${number}`}>Case {number}</a>
    </>
  ));
}

export function InstallationDetails({ theCase }: { theCase: Case }) {
  const { installation, resolvedByCase } = theCase;
  return (
    <>
      {resolvedByCase ? (
        <div>
          <dt>Resolved by</dt>
          <dd>
            <a href={`/cases/${resolvedByCase}`}>Resolved by installation case {resolvedByCase}</a>
          </dd>
        </div>
      ) : null}
      {installation ? (
        <>
          <div>
            <dt>Installation</dt>
            <dd>{installation.target}</dd>
          </div>
          <div>
            <dt>Why</dt>
            <dd>
              {WHY[installation.reason] ?? installation.reason}
              {installation.scrs?.length ? `: ${installation.scrs.join(", ")}` : installation.feature ? `: ${installation.feature}` : ""}
            </dd>
          </div>
          <div>
            <dt>Entitlement</dt>
            <dd>{installation.quota ?? "None used"}</dd>
          </div>
          <div>
            <dt>Cases it resolved</dt>
            <dd>{installation.resolvesCases?.length ? caseLinks(installation.resolvesCases) : "None"}</dd>
          </div>
        </>
      ) : null}
    </>
  );
}
