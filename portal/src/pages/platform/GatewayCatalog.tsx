// /maintenance/gateway-catalog (staff): each gateway type's GA Service Updates or firmware in release order (the last
// is the current GA, which the accounts' gateways are measured against), and setting one type's whole list.
import { useEffect, useState } from "preact/hooks";
import { api, type ApiProblem, type Schemas } from "../../api/client";
import { Alert, Field, FormErrors, useFocusInvalid } from "../../components";
import { EasternTime } from "../../EasternTime";
import { attempt } from "../directory";
import { atListField, linesOf, PlatformHeader } from "./parts";

type Catalog = Schemas["GatewayCatalog"];

export function GatewayCatalogPage() {
  const [catalogs, setCatalogs] = useState<Catalog[] | null>(null);
  const [loadError, setLoadError] = useState<ApiProblem | null>(null);
  const [editing, setEditing] = useState<Catalog | null>(null);
  const [announcement, setAnnouncement] = useState<string | null>(null);

  async function reload() {
    const { data, problem } = await attempt(() => api.GET("/maintenance/gateway-catalog"));
    setLoadError(problem);
    if (data) setCatalogs(data.items);
  }

  useEffect(() => {
    void reload();
  }, []);

  return (
    <PlatformHeader path="/maintenance/gateway-catalog" title="Gateway GA catalog">
      <p>
        Each gateway type's GA Service Updates or firmware, oldest first: the last is the current GA. A gateway 3 or more updates
        behind it may be updated for that reason.
      </p>
      <Alert message={loadError?.message} />
      <p class="status" role="status">
        {announcement ?? ""}
      </p>
      {catalogs === null ? (
        loadError ? null : <p role="status">Loading the catalog…</p>
      ) : catalogs.length === 0 ? (
        <p>No gateway type has a catalog yet.</p>
      ) : (
        catalogs.map((catalog) => (
          <article class="subscription" aria-labelledby={`catalog-${catalog.gatewayType}`}>
            <h2 id={`catalog-${catalog.gatewayType}`}>
              {catalog.name ? `${catalog.name} (${catalog.gatewayType})` : catalog.gatewayType}
            </h2>
            <p>
              Current GA: <strong>{catalog.currentGa ?? "none listed"}</strong>. Last set <EasternTime iso={catalog.modifiedAt} />.
            </p>
            {catalog.updates.length ? (
              <ol aria-label={`${catalog.gatewayType} updates in release order`}>
                {catalog.updates.map((update) => (
                  <li>{update}</li>
                ))}
              </ol>
            ) : null}
            <button type="button" class="secondary" onClick={() => setEditing(catalog)}>
              Edit {catalog.gatewayType}
            </button>
          </article>
        ))
      )}
      <CatalogForm
        key={editing ? `${editing.gatewayType}-${editing.version}` : "new"}
        catalog={editing}
        onCancel={() => setEditing(null)}
        onSaved={(saved) => {
          setEditing(null);
          setAnnouncement(`The ${saved.gatewayType} catalog is set: current GA ${saved.currentGa ?? "none"}.`);
          void reload();
        }}
      />
    </PlatformHeader>
  );
}

const FORM = "catalog";
const FIELDS = ["gatewayType", "name", "updates"];

function CatalogForm(props: { catalog: Catalog | null; onCancel: () => void; onSaved: (saved: Catalog) => void }) {
  const { catalog, onCancel, onSaved } = props;
  const [gatewayType, setGatewayType] = useState(catalog?.gatewayType ?? "");
  const [name, setName] = useState(catalog?.name ?? "");
  const [updates, setUpdates] = useState(catalog?.updates.join("\n") ?? "");
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = new FormErrors(failure, FIELDS);
  useFocusInvalid(FORM, errors);
  useEffect(() => {
    if (catalog) document.getElementById("catalog-form-heading")?.focus();
  }, []);

  async function onSubmit(event: Event) {
    event.preventDefault();
    const type = gatewayType.trim();
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(type)) {
      setFailure({ message: "A type is lower-case letters, digits and hyphens, e.g. audiocodes.", field: "gatewayType", status: 0 });
      return;
    }
    setBusy(true);
    setFailure(null);
    const { data, problem } = await attempt(() =>
      api.PUT("/maintenance/gateway-catalog/{gatewayType}", {
        params: { path: { gatewayType: type }, header: catalog ? { "if-match": `"${catalog.version}"` } : {} },
        body: { updates: linesOf(updates), name: name.trim() || null },
      }),
    );
    setBusy(false);
    if (!data) {
      setFailure(
        problem.status === 412
          ? { ...problem, message: "The catalog changed since you read it; cancel and edit it again." }
          : atListField(problem, ["updates"]),
      );
      return;
    }
    onSaved(data);
  }

  return (
    <section aria-labelledby="catalog-form-heading">
      <h2 id="catalog-form-heading" tabIndex={-1}>
        {catalog ? `Edit ${catalog.gatewayType}` : "Set a gateway type's catalog"}
      </h2>
      <form onSubmit={onSubmit} noValidate class="window-form">
        <Alert message={errors.top} />
        <Field form={FORM} name="gatewayType" label="Gateway type" errors={errors} required hint="e.g. interaction-gateway, audiocodes. A type with a catalog is replaced.">
          {(attrs) => (
            <input {...attrs} autoComplete="off" readOnly={!!catalog} value={gatewayType} onInput={(e) => setGatewayType(e.currentTarget.value)} />
          )}
        </Field>
        <Field form={FORM} name="name" label="Display name" errors={errors} hint="e.g. Interaction Gateway.">
          {(attrs) => <input {...attrs} autoComplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <Field form={FORM} name="updates" label="GA updates in release order" errors={errors} required hint="One per line, oldest first: the last is the current GA.">
          {(attrs) => <textarea {...attrs} rows={6} value={updates} onInput={(e) => setUpdates(e.currentTarget.value)} />}
        </Field>
        <div class="row-actions">
          <button type="submit" disabled={busy}>
            Set catalog
          </button>
          {catalog ? (
            <button type="button" class="secondary" onClick={onCancel}>
              Cancel
            </button>
          ) : null}
        </div>
      </form>
    </section>
  );
}
