import { useEffect, useState } from "preact/hooks";
import {
  api,
  networkProblem,
  newIdempotencyKey,
  problem,
  type ApiProblem,
  type MacField,
  type MacType,
  type Schemas,
} from "../api/client";
import { isMacContact, isStaff } from "../auth";
import { Alert, CheckboxField, Field, FormErrors, PageHeading, useFocusInvalid } from "../components";
import { EasternTime } from "../EasternTime";
import { navigate } from "../router";
import { PRIORITIES, WEB_PRIORITIES } from "./caseText";
import { MAINTENANCE_FIELDS, maintenanceBody, MaintenanceFields, type MaintenanceValues } from "./CaseMaintenance";
import { OnBehalfOf } from "./OnBehalfOf";

type CaseType = "Support" | "Admin" | "Service Request" | "Proactive";
type Values = Record<string, string>;

const FORM = "new-case";
const MAX_ALERT_REFERENCES = 20;

const SUPPORT_FIELDS: { name: string; label: string; required: boolean; hint?: string; multiline?: boolean }[] = [
  { name: "productGroup", label: "Product group", required: true },
  { name: "product", label: "Product", required: true },
  { name: "majorVersion", label: "Major version", required: true },
  { name: "patchRelease", label: "Patch release", required: false },
  { name: "problemCategory", label: "Problem category", required: false },
  { name: "os", label: "Operating system", required: false },
  { name: "database", label: "Database", required: false },
  { name: "endUserAccount", label: "End user account", required: false },
  { name: "soldToAccount", label: "Sold-to account", required: false },
  {
    name: "businessImpact",
    label: "Business impact",
    required: false,
    hint: "For example, the number of agents or calls affected.",
    multiline: true,
  },
];

function inputType(type: MacField["type"]): "date" | "email" | "tel" | "number" | "text" {
  const types: Record<string, "date" | "email" | "tel" | "number"> = { date: "date", email: "email", "phone-number": "tel", integer: "number" };
  return types[type] ?? "text";
}

export function NewCasePage() {
  const staff = isStaff();
  const macAllowed = isMacContact();
  const [caseType, setCaseType] = useState<CaseType>("Support");
  const [values, setValues] = useState<Values>({ priority: "4-Low", caseSubType: "Problem", environmentType: "Production" });
  const [securityThreat, setSecurityThreat] = useState(false);
  const [announcesMaintenance, setAnnouncesMaintenance] = useState(false);
  const [maintenance, setMaintenance] = useState<MaintenanceValues>({ startsAt: "", endsAt: "", devices: "" });
  const [catalog, setCatalog] = useState<MacType[] | null>(null);
  const [catalogError, setCatalogError] = useState<string | null>(null);
  const [macType, setMacType] = useState("");
  const [macValues, setMacValues] = useState<Record<string, string | boolean>>({});
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [openedAt] = useState(() => new Date().toISOString());

  useEffect(() => {
    if (caseType !== "Service Request" || catalog) return;
    api
      .GET("/catalog/service-requests")
      .then(({ data, error, response }) => {
        if (data) setCatalog(data.macTypes);
        else setCatalogError(problem(error, response).message);
      })
      .catch(() => setCatalogError(networkProblem().message));
  }, [caseType]);

  const mac = catalog?.find((m) => m.id === macType);
  const fields = [
    "caseType",
    "subject",
    "description",
    "priority",
    ...(staff ? ["onBehalfOf", "onBehalfOf.accountId", "onBehalfOf.contactId"] : []),
    ...(caseType === "Support" ? ["caseSubType", "environmentType", "securityThreat", ...SUPPORT_FIELDS.map((f) => f.name)] : []),
    ...(caseType === "Support" ? MAINTENANCE_FIELDS : []),
    ...(caseType === "Service Request" ? ["macType", "fields", ...(mac?.fields ?? []).map((f) => `fields.${f.name}`)] : []),
    ...(caseType === "Proactive" ? ["alertReferences"] : []),
  ];
  // A proactive case is 4-Low or 3-Medium, whoever opens it; staff open any other case at any priority (by phone).
  const priorities = staff && caseType !== "Proactive" ? PRIORITIES : WEB_PRIORITIES;
  // A device the API refuses (maintenanceWindow.devices.<n>) is shown at the list of devices.
  const shown = failure?.field?.startsWith("maintenanceWindow.devices.") ? { ...failure, field: "maintenanceWindow.devices" } : failure;
  const errors = new FormErrors(shown, fields);
  useFocusInvalid(FORM, errors);

  const set = (name: string) => (event: Event) =>
    setValues((v) => ({ ...v, [name]: (event.currentTarget as HTMLInputElement).value }));
  const text = (name: string) => values[name]?.trim() || undefined;

  function alertReferences(): string[] | undefined {
    const keys = (values.alertReferences ?? "")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "");
    return keys.length ? keys : undefined;
  }

  function chooseCaseType(next: CaseType) {
    setCaseType(next);
    if (next === "Proactive" && !WEB_PRIORITIES.includes(values.priority as Schemas["Priority"])) {
      setValues((v) => ({ ...v, priority: "4-Low" }));
    }
  }

  function body():
    | Schemas["NewSupportCase"]
    | Schemas["NewAdminCase"]
    | Schemas["NewServiceRequest"]
    | Schemas["NewProactiveCase"] {
    const common = {
      subject: values.subject?.trim() ?? "",
      description: values.description ?? "",
      priority: values.priority as Schemas["Priority"],
      ...(staff ? { onBehalfOf: { accountId: text("accountId") ?? "", contactId: text("contactId") ?? "" } } : {}),
    };
    if (caseType === "Admin") return { ...common, caseType: "Admin" };
    if (caseType === "Proactive") return { ...common, caseType: "Proactive", alertReferences: alertReferences() };
    if (caseType === "Service Request") {
      const form: Record<string, unknown> = {};
      for (const field of mac?.fields ?? []) {
        const value = macValues[field.name];
        if (field.type === "boolean") form[field.name] = value === true;
        else if (typeof value === "string" && value.trim() !== "") {
          form[field.name] = field.type === "integer" ? Number(value) : value;
        }
      }
      return { ...common, caseType: "Service Request", macType: macType as Schemas["NewServiceRequest"]["macType"], fields: form };
    }
    return {
      ...common,
      caseType: "Support",
      caseSubType: values.caseSubType as Schemas["CaseSubType"],
      environmentType: values.environmentType as Schemas["EnvironmentType"],
      productGroup: values.productGroup?.trim() ?? "",
      product: values.product?.trim() ?? "",
      majorVersion: values.majorVersion?.trim() ?? "",
      patchRelease: text("patchRelease"),
      problemCategory: text("problemCategory"),
      os: text("os"),
      database: text("database"),
      endUserAccount: text("endUserAccount"),
      soldToAccount: text("soldToAccount"),
      businessImpact: text("businessImpact"),
      securityThreat,
      maintenanceWindow: announcesMaintenance ? maintenanceBody(maintenance) : undefined,
    };
  }

  async function onSubmit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const { data, error, response } = await api.POST("/cases", {
        params: { header: { "idempotency-key": newIdempotencyKey() } },
        body: body(),
      });
      if (data) navigate(`/cases/${data.caseNumber}`);
      else setFailure(problem(error, response));
    } catch {
      setFailure(networkProblem());
    } finally {
      setBusy(false);
    }
  }

  const textInput = (name: string) => (attrs: Record<string, unknown>) => (
    <input {...attrs} value={values[name] ?? ""} onInput={set(name)} />
  );

  return (
    <>
      <PageHeading>New case</PageHeading>
      <p class="hint page-note">
        Support's first-response targets count business hours: Monday to Friday, 7 AM to 9 PM US Eastern (1-Prod Down around
        the clock). You opened this page at <EasternTime iso={openedAt} />.
      </p>
      <form onSubmit={onSubmit} class="case-form" noValidate>
        <Alert message={errors.top} />
        {failure && !errors.top ? (
          <p class="alert" role="alert">
            The case was not opened: check the field marked “Error”.
          </p>
        ) : null}

        <Field form={FORM} name="caseType" label="Case type" errors={errors} required>
          {(attrs) => (
            <select {...attrs} value={caseType} onChange={(e) => chooseCaseType(e.currentTarget.value as CaseType)}>
              <option value="Support">Support</option>
              <option value="Admin">Admin (portal account problems)</option>
              {macAllowed ? <option value="Service Request">Service Request (Move, Add or Change)</option> : null}
              {staff ? <option value="Proactive">Proactive (from monitoring)</option> : null}
            </select>
          )}
        </Field>

        {staff ? (
          <OnBehalfOf
            form={FORM}
            errors={errors}
            accountId={values.accountId ?? ""}
            contactId={values.contactId ?? ""}
            onAccount={(accountId) => setValues((v) => ({ ...v, accountId }))}
            onContact={(contactId) => setValues((v) => ({ ...v, contactId }))}
          />
        ) : null}

        {caseType === "Service Request" ? (
          <fieldset>
            <legend>Service request</legend>
            <Alert message={catalogError} />
            {catalog ? (
              <Field
                form={FORM}
                name="macType"
                label="Request type"
                errors={errors}
                required
                hint={mac ? `${mac.description}${mac.timeAndMaterial ? " Handled on a Time & Material basis." : ""}` : null}
              >
                {(attrs) => (
                  <select
                    {...attrs}
                    value={macType}
                    onChange={(e) => {
                      setMacType(e.currentTarget.value);
                      setMacValues({});
                    }}
                  >
                    <option value="">Choose a request type</option>
                    {catalog.map((m) => (
                      <option value={m.id}>
                        {m.name}
                        {m.timeAndMaterial ? " (Time & Material)" : ""}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            ) : !catalogError ? (
              <p role="status">Loading the request types…</p>
            ) : null}
            {mac?.fields.map((f) => (
              <MacInput
                field={f}
                errors={errors}
                value={macValues[f.name]}
                onChange={(value) => setMacValues((v) => ({ ...v, [f.name]: value }))}
              />
            ))}
          </fieldset>
        ) : null}

        <Field form={FORM} name="subject" label="Subject" errors={errors} required>
          {(attrs) => <input {...attrs} maxLength={255} value={values.subject ?? ""} onInput={set("subject")} />}
        </Field>
        <Field
          form={FORM}
          name="description"
          label="Description"
          errors={errors}
          required
          hint="Be as descriptive as possible, including any recent changes."
        >
          {(attrs) => <textarea {...attrs} rows={6} value={values.description ?? ""} onInput={set("description")} />}
        </Field>
        <Field
          form={FORM}
          name="priority"
          label="Priority"
          errors={errors}
          required
          hint={
            caseType === "Proactive"
              ? "A proactive case is 4-Low or 3-Medium."
              : staff
                ? "Any priority: a phone case is opened at the priority the caller needs."
                : "For 2-High or 1-Prod Down, call support: 1-866-794-3423 or 1-317-715-8686."
          }
        >
          {(attrs) => (
            <select {...attrs} value={values.priority} onChange={set("priority")}>
              {priorities.map((p) => (
                <option value={p}>{p}</option>
              ))}
            </select>
          )}
        </Field>

        {caseType === "Proactive" ? (
          <Field
            form={FORM}
            name="alertReferences"
            label="Alert references"
            errors={errors}
            hint={`The alerts this case is about, by their dedup keys, one per line (at most ${MAX_ALERT_REFERENCES}).`}
          >
            {(attrs) => <textarea {...attrs} rows={4} value={values.alertReferences ?? ""} onInput={set("alertReferences")} />}
          </Field>
        ) : null}

        {caseType === "Support" ? (
          <fieldset>
            <legend>Product and environment</legend>
            <Field form={FORM} name="caseSubType" label="Case sub type" errors={errors} required>
              {(attrs) => (
                <select {...attrs} value={values.caseSubType} onChange={set("caseSubType")}>
                  <option value="Problem">Problem</option>
                  <option value="Inquiry">Inquiry</option>
                </select>
              )}
            </Field>
            <Field form={FORM} name="environmentType" label="Environment" errors={errors} required>
              {(attrs) => (
                <select {...attrs} value={values.environmentType} onChange={set("environmentType")}>
                  <option value="Production">Production</option>
                  <option value="Development">Development</option>
                </select>
              )}
            </Field>
            {SUPPORT_FIELDS.map((f) => (
              <Field form={FORM} name={f.name} label={f.label} errors={errors} required={f.required} hint={f.hint}>
                {f.multiline
                  ? (attrs) => <textarea {...attrs} rows={3} value={values[f.name] ?? ""} onInput={set(f.name)} />
                  : textInput(f.name)}
              </Field>
            ))}
            <div class="field checkbox">
              <input
                type="checkbox"
                id={`${FORM}-securityThreat`}
                checked={securityThreat}
                onChange={(e) => setSecurityThreat(e.currentTarget.checked)}
              />
              <label for={`${FORM}-securityThreat`}>This is a security threat</label>
            </div>
          </fieldset>
        ) : null}

        {caseType === "Support" ? (
          <MaintenanceFields
            form={FORM}
            errors={errors}
            announces={announcesMaintenance}
            onAnnounces={setAnnouncesMaintenance}
            values={maintenance}
            onChange={setMaintenance}
          />
        ) : null}

        <button type="submit" disabled={busy}>
          Open case
        </button>
      </form>
    </>
  );
}

function MacInput({
  field,
  errors,
  value,
  onChange,
}: {
  field: MacField;
  errors: FormErrors;
  value: string | boolean | undefined;
  onChange: (value: string | boolean) => void;
}) {
  const name = `fields.${field.name}`;
  const required = field.required ?? false;
  if (field.type === "boolean") {
    return (
      <CheckboxField
        form={FORM}
        name={name}
        label={field.label}
        checked={value === true}
        onChange={onChange}
        errors={errors}
        hint={field.help ?? undefined}
      />
    );
  }
  const current = typeof value === "string" ? value : "";
  return (
    <Field form={FORM} name={name} label={field.label} errors={errors} required={required} hint={field.help}>
      {(attrs) =>
        field.type === "choice" ? (
          <select {...attrs} value={current} onChange={(e) => onChange(e.currentTarget.value)}>
            <option value="">{required ? "Choose one" : "None"}</option>
            {(field.choices ?? []).map((c) => (
              <option value={c}>{c}</option>
            ))}
          </select>
        ) : field.type === "text" ? (
          <textarea
            {...attrs}
            rows={4}
            maxLength={field.maxLength ?? undefined}
            value={current}
            onInput={(e) => onChange(e.currentTarget.value)}
          />
        ) : (
          <input
            {...attrs}
            {...({ type: inputType(field.type) } as Record<string, unknown>)}
            maxLength={field.maxLength ?? undefined}
            min={field.minimum ?? undefined}
            max={field.maximum ?? undefined}
            step={field.type === "integer" ? 1 : undefined}
            value={current}
            onInput={(e) => onChange(e.currentTarget.value)}
          />
        )
      }
    </Field>
  );
}
