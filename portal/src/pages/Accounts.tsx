import { useEffect, useState } from "preact/hooks";
import { api, newIdempotencyKey, type ApiProblem, type Schemas } from "../api/client";
import { isStaff } from "../auth";
import { Alert, CheckboxField, Field, FormErrors, PageHeading, useFocusInvalid } from "../components";
import { navigate } from "../router";
import { attempt } from "./directory";
import { LoadMore } from "./LoadMore";
import { usePages } from "./usePages";

const PAGE_SIZE = 25;

/** Staff: every account, a page at a time, and a new account. A customer: their own account. */
export function AccountsPage() {
  const staff = isStaff();
  const pages = usePages((token) => api.GET("/accounts", { params: { query: { limit: PAGE_SIZE, nextToken: token ?? undefined } } }));
  const { items, nextToken, loading, error, load } = pages;

  useEffect(() => {
    void load(null);
  }, []);

  return (
    <>
      <PageHeading>Accounts</PageHeading>
      <Alert message={error?.message} />
      <div class="table-wrap" role="region" aria-labelledby="accounts-caption" tabIndex={0}>
        <table>
          <caption id="accounts-caption">
            {staff ? "Customer accounts, by id" : "Your account"} — {items.length} shown
            {nextToken ? "; more to load" : ""}
          </caption>
          <thead>
            <tr>
              <th scope="col">Account id</th>
              <th scope="col">Name</th>
              <th scope="col">Region</th>
            </tr>
          </thead>
          <tbody>
            {items.map((account) => (
              <tr>
                <td>
                  <a href={`/accounts/${encodeURIComponent(account.accountId)}`}>{account.accountId}</a>
                </td>
                <td>{account.name}</td>
                <td>{account.region}</td>
              </tr>
            ))}
            {!loading && !error && items.length === 0 ? (
              <tr>
                <td colSpan={3}>No accounts yet.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <LoadMore pages={pages} loading="Loading accounts…" />
      {staff ? <NewAccountForm /> : null}
    </>
  );
}

const FORM = "new-account";
const FIELDS = [
  "accountId",
  "name",
  "region",
  "recommendedMaxContacts",
  "hardMaxContacts",
  "entitlements",
  "entitlements.monitoringAroundTheClock",
  "entitlements.releaseUpgradesPerQuarter",
  "entitlements.gatewayUpdatesPerYear",
];

type NumberName = "recommendedMaxContacts" | "hardMaxContacts" | "releaseUpgradesPerQuarter" | "gatewayUpdatesPerYear";

/** An empty box leaves the field to the API's default; anything else goes as typed, for the API to judge. */
function optionalNumber(text: string): number | undefined {
  return text.trim() === "" ? undefined : Number(text);
}

function NewAccountForm() {
  const [accountId, setAccountId] = useState("");
  const [name, setName] = useState("");
  const [region, setRegion] = useState("");
  const [numbers, setNumbers] = useState<Record<NumberName, string>>({
    recommendedMaxContacts: "",
    hardMaxContacts: "",
    releaseUpgradesPerQuarter: "1",
    gatewayUpdatesPerYear: "1",
  });
  const [monitoring, setMonitoring] = useState(false);
  const [regions, setRegions] = useState<string[] | null>(null);
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = new FormErrors(failure, FIELDS);
  useFocusInvalid(FORM, errors);

  useEffect(() => {
    // Without the regions (refused or unreachable) the region is typed instead of chosen.
    void attempt(() => api.GET("/regions")).then(({ data }) => setRegions(data ? data.items.map((r) => r.region) : []));
  }, []);

  const numberInput = (field: NumberName, min: number, max: number) => (attrs: Record<string, unknown>) => (
    <input
      {...attrs}
      type="number"
      inputMode="numeric"
      min={min}
      max={max}
      step={1}
      value={numbers[field]}
      onInput={(e) => {
        const value = e.currentTarget.value;
        setNumbers((known) => ({ ...known, [field]: value }));
      }}
    />
  );

  async function onSubmit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    const body: Schemas["NewAccount"] = {
      accountId: accountId.trim(),
      name: name.trim(),
      region: region.trim(),
      recommendedMaxContacts: optionalNumber(numbers.recommendedMaxContacts),
      hardMaxContacts: optionalNumber(numbers.hardMaxContacts),
      // The generated type calls defaulted fields required; the API fills in an empty box's default.
      entitlements: {
        monitoringAroundTheClock: monitoring,
        releaseUpgradesPerQuarter: optionalNumber(numbers.releaseUpgradesPerQuarter),
        gatewayUpdatesPerYear: optionalNumber(numbers.gatewayUpdatesPerYear),
      } as Schemas["Entitlements"],
    };
    const { data, problem } = await attempt(() =>
      api.POST("/accounts", { params: { header: { "idempotency-key": newIdempotencyKey() } }, body }),
    );
    setBusy(false);
    if (data) navigate(`/accounts/${encodeURIComponent(data.accountId)}`);
    else setFailure(problem);
  }

  return (
    <section aria-labelledby="new-account-heading">
      <h2 id="new-account-heading">New account</h2>
      <form onSubmit={onSubmit} class="case-form" noValidate>
        <Alert message={errors.top} />
        {failure && !errors.top ? (
          <p class="alert" role="alert">
            The account was not created: check the field marked “Error”.
          </p>
        ) : null}
        <Field
          form={FORM}
          name="accountId"
          label="Account id"
          errors={errors}
          required
          hint="Letters, digits and . _ : - (up to 64). The customers' sign-ins carry it; it cannot be changed later."
        >
          {(attrs) => <input {...attrs} maxLength={64} value={accountId} onInput={(e) => setAccountId(e.currentTarget.value)} />}
        </Field>
        <Field form={FORM} name="name" label="Name" errors={errors} required>
          {(attrs) => <input {...attrs} maxLength={255} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <Field form={FORM} name="region" label="Region" errors={errors} required hint="The support region whose managers and queue serve the account.">
          {(attrs) =>
            regions && regions.length ? (
              <select {...attrs} value={region} onChange={(e) => setRegion(e.currentTarget.value)}>
                <option value="">Choose a region</option>
                {regions.map((r) => (
                  <option value={r}>{r}</option>
                ))}
              </select>
            ) : (
              <input {...attrs} value={region} onInput={(e) => setRegion(e.currentTarget.value)} />
            )
          }
        </Field>
        <Field
          form={FORM}
          name="recommendedMaxContacts"
          label="Recommended max contacts"
          errors={errors}
          hint="Adding more active contacts than this warns and tells the region's managers. Empty: 5, as the guide recommends."
        >
          {numberInput("recommendedMaxContacts", 1, 100)}
        </Field>
        <Field
          form={FORM}
          name="hardMaxContacts"
          label="Hard max contacts"
          errors={errors}
          hint="Active contacts beyond this are refused. Empty: no cap."
        >
          {numberInput("hardMaxContacts", 1, 1000)}
        </Field>
        <fieldset>
          <legend>Entitlements (the contract)</legend>
          {errors.at("entitlements") ? (
            <p class="field-error" id={`${FORM}-entitlements`} tabIndex={-1}>
              Error: {errors.at("entitlements")}
            </p>
          ) : null}
          <CheckboxField
            form={FORM}
            name="entitlements.monitoringAroundTheClock"
            label="Monitoring around the clock"
            hint="Monitoring alerts answered around the clock, not only in business hours."
            checked={monitoring}
            onChange={setMonitoring}
            errors={errors}
          />
          <Field form={FORM} name="entitlements.releaseUpgradesPerQuarter" label="Release upgrades per quarter" errors={errors} required>
            {numberInput("releaseUpgradesPerQuarter", 0, 12)}
          </Field>
          <Field form={FORM} name="entitlements.gatewayUpdatesPerYear" label="Gateway updates per year" errors={errors} required>
            {numberInput("gatewayUpdatesPerYear", 0, 52)}
          </Field>
        </fieldset>
        <button type="submit" disabled={busy}>
          Create account
        </button>
      </form>
    </section>
  );
}
