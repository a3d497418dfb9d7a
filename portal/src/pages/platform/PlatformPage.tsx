// /accounts/<id>/platform: an account's platform (Release, patches, gateways with how far behind their type's GA each
// is, and the contract fields its entitlements come from). Staff read any account's and record it (the whole platform
// in one PUT); a customer reads their own.
import { useEffect, useState } from "preact/hooks";
import { api, type ApiProblem, type Schemas } from "../../api/client";
import { isStaff } from "../../auth";
import { Alert, Field, FieldNotes, fieldDescription, fieldId, FormErrors, PageHeading, useFocusInvalid } from "../../components";
import { EasternTime } from "../../EasternTime";
import { attempt } from "../directory";
import { atListField, linesOf, MONTHS } from "./parts";

type Platform = Schemas["PlatformAnswer"];
type GatewayStatus = Schemas["GatewayStatus"];
type GatewayRow = { gatewayId: string; gatewayType: string; installedUpdate: string };

export function PlatformPage({ accountId }: { accountId: string }) {
  const staff = isStaff();
  const [platform, setPlatform] = useState<Platform | null>(null);
  const [name, setName] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<ApiProblem | null>(null);
  const [announcement, setAnnouncement] = useState<string | null>(null);

  async function reload() {
    const [one, account] = await Promise.all([
      attempt(() => api.GET("/accounts/{accountId}/platform", { params: { path: { accountId } } })),
      attempt(() => api.GET("/accounts/{accountId}", { params: { path: { accountId } } })),
    ]);
    if (account.data) setName(account.data.name);
    if (!one.data) {
      setLoadError(one.problem);
      return;
    }
    setLoadError(null);
    setPlatform(one.data);
  }

  useEffect(() => {
    void reload();
  }, [accountId]);

  const accountHref = `/accounts/${encodeURIComponent(accountId)}`;
  const heading = `Platform of ${name ?? accountId}`;
  return (
    <>
      <p class="breadcrumb">
        {staff ? (
          <>
            <a href="/accounts">Accounts</a> › <a href={accountHref}>{accountId}</a> › Platform
          </>
        ) : (
          <>
            <a href={accountHref}>Your account</a> › Platform
          </>
        )}
      </p>
      <PageHeading>{heading}</PageHeading>
      <Alert message={loadError?.message} />
      <p class="status" role="status">
        {announcement ?? ""}
      </p>
      {!platform ? (
        loadError ? null : <p role="status">Loading the platform…</p>
      ) : (
        <>
          <PlatformDetails platform={platform} staff={staff} />
          {staff ? (
            <PlatformForm
              key={platform.version}
              platform={platform}
              onSaved={(saved) => {
                setPlatform(saved);
                setAnnouncement(`The platform of ${name ?? accountId} is recorded.`);
              }}
            />
          ) : null}
        </>
      )}
    </>
  );
}

function behind(gateway: GatewayStatus) {
  if (gateway.updatesBehind === null || gateway.updatesBehind === undefined) return <span class="muted">No GA catalog for its type</span>;
  if (gateway.updatesBehind === 0) return <>At the current GA</>;
  const text = `${gateway.updatesBehind} update${gateway.updatesBehind === 1 ? "" : "s"} behind GA`;
  return gateway.behindGa ? <strong class="badge behind-ga">{text}</strong> : <>{text}</>;
}

function PlatformDetails({ platform, staff }: { platform: Platform; staff: boolean }) {
  const lagging = platform.gateways.filter((gateway) => gateway.behindGa).length;
  return (
    <>
      <section aria-labelledby="platform-software-heading">
        <h2 id="platform-software-heading">Release and patches</h2>
        <dl class="details">
          <div>
            <dt>Release</dt>
            <dd>{platform.release ?? "Not recorded"}</dd>
          </div>
          <div>
            <dt>Patches</dt>
            <dd>{platform.patches.length ? platform.patches.join(", ") : "None recorded"}</dd>
          </div>
          <div>
            <dt>Last recorded</dt>
            <dd>{platform.version ? <EasternTime iso={platform.modifiedAt} /> : "Never: these are the contract's defaults"}</dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="platform-gateways-heading">
        <h2 id="platform-gateways-heading">Gateways</h2>
        {lagging ? (
          <p class="callout">
            {lagging} gateway{lagging === 1 ? " is" : "s are"} 3 or more updates behind the current GA
            {staff ? ": a gateway update may be requested for that reason." : "."}
          </p>
        ) : null}
        <div class="table-wrap" role="region" aria-labelledby="gateways-caption" tabIndex={0}>
          <table>
            <caption id="gateways-caption">Gateways and their updates — {platform.gateways.length} recorded</caption>
            <thead>
              <tr>
                <th scope="col">Gateway</th>
                <th scope="col">Type</th>
                <th scope="col">Installed update</th>
                <th scope="col">Current GA</th>
                <th scope="col">Behind GA</th>
              </tr>
            </thead>
            <tbody>
              {platform.gateways.map((gateway) => (
                <tr class={gateway.behindGa ? "behind-ga" : undefined}>
                  <th scope="row">{gateway.gatewayId}</th>
                  <td>{gateway.gatewayType}</td>
                  <td>{gateway.installedUpdate ?? "Not recorded"}</td>
                  <td>{gateway.currentGa ?? "—"}</td>
                  <td>{behind(gateway)}</td>
                </tr>
              ))}
              {platform.gateways.length === 0 ? (
                <tr>
                  <td colSpan={5}>No gateways recorded.</td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="platform-contract-heading">
        <h2 id="platform-contract-heading">Contract</h2>
        <dl class="details">
          <div>
            <dt>Contract year starts in</dt>
            <dd>{MONTHS[platform.fiscalYearStartMonth - 1] ?? platform.fiscalYearStartMonth}</dd>
          </div>
          <div>
            <dt>Release upgrades per quarter</dt>
            <dd>{platform.releaseUpgradesPerQuarter}</dd>
          </div>
          <div>
            <dt>Gateway updates per contract year</dt>
            <dd>{platform.gatewayUpdatesPerContractYear}</dd>
          </div>
        </dl>
      </section>
    </>
  );
}

const FORM = "platform";
const LISTS = ["patches"];

function PlatformForm({ platform, onSaved }: { platform: Platform; onSaved: (saved: Platform) => void }) {
  const [release, setRelease] = useState(platform.release ?? "");
  const [patches, setPatches] = useState(platform.patches.join("\n"));
  const [gateways, setGateways] = useState<GatewayRow[]>(() =>
    platform.gateways.map((gateway) => ({
      gatewayId: gateway.gatewayId,
      gatewayType: gateway.gatewayType,
      installedUpdate: gateway.installedUpdate ?? "",
    })),
  );
  const [month, setMonth] = useState(String(platform.fiscalYearStartMonth));
  const [releases, setReleases] = useState(String(platform.releaseUpgradesPerQuarter));
  const [gatewayUpdates, setGatewayUpdates] = useState(String(platform.gatewayUpdatesPerContractYear));
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const fields = [
    "release",
    "patches",
    "fiscalYearStartMonth",
    "releaseUpgradesPerQuarter",
    "gatewayUpdatesPerContractYear",
    ...gateways.flatMap((_, index) => ["gatewayId", "gatewayType", "installedUpdate"].map((name) => `gateways.${index}.${name}`)),
  ];
  const errors = new FormErrors(failure, fields);
  useFocusInvalid(FORM, errors);

  function setRow(index: number, change: Partial<GatewayRow>) {
    setGateways((rows) => rows.map((row, at) => (at === index ? { ...row, ...change } : row)));
  }

  async function onSubmit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    // Numbers that are not numbers go as typed, for the API to name the field.
    const number = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : text);
    const body = {
      release: release.trim() || null,
      patches: linesOf(patches),
      gateways: gateways.map((row) => ({
        gatewayId: row.gatewayId.trim(),
        gatewayType: row.gatewayType.trim(),
        installedUpdate: row.installedUpdate.trim() || null,
      })),
      fiscalYearStartMonth: Number(month),
      releaseUpgradesPerQuarter: number(releases),
      gatewayUpdatesPerContractYear: number(gatewayUpdates),
    } as Schemas["PlatformRequest"];
    const { data, problem } = await attempt(() =>
      api.PUT("/accounts/{accountId}/platform", {
        params: { path: { accountId: platform.accountId }, header: { "if-match": `"${platform.version}"` } },
        body,
      }),
    );
    setBusy(false);
    if (!data) {
      setFailure(
        problem.status === 412
          ? { ...problem, message: "The platform changed since you read it; reload the page to see it, then make your change again." }
          : atListField(problem, LISTS),
      );
      return;
    }
    onSaved(data);
  }

  return (
    <section aria-labelledby="platform-form-heading">
      <h2 id="platform-form-heading">Record the platform</h2>
      <p>The whole platform is recorded at once: what this form holds replaces what is recorded.</p>
      <form onSubmit={onSubmit} noValidate class="window-form">
        <Alert message={errors.top} />
        {failure && !errors.top ? (
          <p class="alert" role="alert">
            The platform was not recorded: check the field marked “Error”.
          </p>
        ) : null}
        <Field form={FORM} name="release" label="Release" errors={errors} hint="The Release it runs, e.g. 2024 R1; empty: not recorded.">
          {(attrs) => <input {...attrs} autoComplete="off" value={release} onInput={(e) => setRelease(e.currentTarget.value)} />}
        </Field>
        <Field form={FORM} name="patches" label="Patches" errors={errors} hint="The patches applied, one per line.">
          {(attrs) => <textarea {...attrs} rows={3} value={patches} onInput={(e) => setPatches(e.currentTarget.value)} />}
        </Field>
        <fieldset>
          <legend>Gateways</legend>
          {gateways.length === 0 ? <p class="hint">No gateways: add one for each of the account's gateways.</p> : null}
          {gateways.map((row, index) => (
            <div class="gateway-row" role="group" aria-label={`Gateway ${index + 1}${row.gatewayId ? `: ${row.gatewayId}` : ""}`}>
              <RowField index={index} name="gatewayId" label="Gateway id" hint="e.g. gw-east-1" errors={errors} value={row.gatewayId} onInput={(value) => setRow(index, { gatewayId: value })} />
              <RowField index={index} name="gatewayType" label="Type" hint="Its GA catalog's type, e.g. audiocodes" errors={errors} value={row.gatewayType} onInput={(value) => setRow(index, { gatewayType: value })} />
              <RowField index={index} name="installedUpdate" label="Installed update" hint="Empty: not recorded" optional errors={errors} value={row.installedUpdate} onInput={(value) => setRow(index, { installedUpdate: value })} />
              <button type="button" class="secondary row-action" onClick={() => setGateways((rows) => rows.filter((_, at) => at !== index))}>
                Remove gateway {index + 1}
                <span class="visually-hidden">{row.gatewayId ? ` (${row.gatewayId})` : ""}</span>
              </button>
            </div>
          ))}
          <p>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setGateways((rows) => [...rows, { gatewayId: "", gatewayType: "", installedUpdate: "" }]);
                const next = gateways.length;
                setTimeout(() => document.getElementById(fieldId(FORM, `gateways.${next}.gatewayId`))?.focus(), 0);
              }}
            >
              Add a gateway
            </button>
          </p>
        </fieldset>
        <Field form={FORM} name="fiscalYearStartMonth" label="Contract year starts in" errors={errors} required hint="January: calendar quarters.">
          {(attrs) => (
            <select {...attrs} value={month} onChange={(e) => setMonth(e.currentTarget.value)}>
              {MONTHS.map((label, index) => (
                <option value={String(index + 1)}>{label}</option>
              ))}
            </select>
          )}
        </Field>
        <Field form={FORM} name="releaseUpgradesPerQuarter" label="Release upgrades per quarter" errors={errors} required hint="0 to 12.">
          {(attrs) => <input {...attrs} inputMode="numeric" value={releases} onInput={(e) => setReleases(e.currentTarget.value)} />}
        </Field>
        <Field form={FORM} name="gatewayUpdatesPerContractYear" label="Gateway updates per contract year" errors={errors} required hint="0 to 52.">
          {(attrs) => <input {...attrs} inputMode="numeric" value={gatewayUpdates} onInput={(e) => setGatewayUpdates(e.currentTarget.value)} />}
        </Field>
        <button type="submit" disabled={busy}>
          Record platform
        </button>
      </form>
    </section>
  );
}

function RowField(props: {
  index: number;
  name: string;
  label: string;
  hint: string;
  optional?: boolean;
  errors: FormErrors;
  value: string;
  onInput: (value: string) => void;
}) {
  const field = `gateways.${props.index}.${props.name}`;
  const id = fieldId(FORM, field);
  const error = props.errors.at(field);
  return (
    <div class={error ? "field invalid" : "field"}>
      <label for={id}>
        {props.label}
        {props.optional ? <span class="optional"> (optional)</span> : null}
      </label>
      <FieldNotes id={id} hint={props.hint} error={error} />
      <input
        id={id}
        autoComplete="off"
        value={props.value}
        required={!props.optional}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={fieldDescription(id, props.hint, error)}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </div>
  );
}
