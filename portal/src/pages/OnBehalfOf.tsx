import { useEffect, useState } from "preact/hooks";
import { api, networkProblem, problem, type Schemas } from "../api/client";
import { Field, type FormErrors } from "../components";

type Contact = Schemas["Contact"];
type Lookup =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "found"; accountName: string; contacts: Contact[] }
  | { state: "failed"; message: string };

const LOOKUP_DELAY_MS = 400; // wait for the engineer to stop typing before asking
const MAX_CONTACT_PAGES = 10;

/** Staff taking a call: the caller's account (typed) and contact (picked from the account's contacts). */
export function OnBehalfOf({
  form,
  errors,
  accountId,
  contactId,
  onAccount,
  onContact,
}: {
  form: string;
  errors: FormErrors;
  accountId: string;
  contactId: string;
  onAccount: (accountId: string) => void;
  onContact: (contactId: string) => void;
}) {
  const [lookup, setLookup] = useState<Lookup>({ state: "idle" });
  const typed = accountId.trim();

  useEffect(() => {
    if (!typed) {
      setLookup({ state: "idle" });
      return;
    }
    let cancelled = false;
    setLookup({ state: "loading" });
    const timer = setTimeout(() => {
      void findContacts(typed).then((found) => {
        if (!cancelled) setLookup(found);
      });
    }, LOOKUP_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [typed]);

  const contacts = lookup.state === "found" ? lookup.contacts : [];
  return (
    <fieldset>
      <legend>On behalf of (a phone case)</legend>
      <Field form={form} name="onBehalfOf.accountId" label="Account id" errors={errors} required hint="For example acme.">
        {(attrs) => (
          <input
            {...attrs}
            autocomplete="off"
            value={accountId}
            onInput={(e) => {
              onAccount(e.currentTarget.value);
              onContact("");
            }}
          />
        )}
      </Field>
      <p class="hint" role="status">
        {lookup.state === "loading"
          ? "Looking up the account…"
          : lookup.state === "found"
            ? `${lookup.accountName}: ${contacts.length} ${contacts.length === 1 ? "contact" : "contacts"} who may open cases.`
            : lookup.state === "failed"
              ? lookup.message
              : ""}
      </p>
      <Field form={form} name="onBehalfOf.contactId" label="Contact" errors={errors} required>
        {(attrs) => (
          <select {...attrs} value={contactId} disabled={contacts.length === 0} onChange={(e) => onContact(e.currentTarget.value)}>
            <option value="">{contacts.length ? "Choose the caller" : "Type the account id first"}</option>
            {contacts.map((contact) => (
              <option value={contact.contactId}>
                {contact.name}
                {contact.email ? ` (${contact.email})` : ""}
              </option>
            ))}
          </select>
        )}
      </Field>
      {errors.at("onBehalfOf") ? (
        <p class="field-error" id={`${form}-onBehalfOf`} tabIndex={-1}>
          Error: {errors.at("onBehalfOf")}
        </p>
      ) : null}
    </fieldset>
  );
}

async function findContacts(accountId: string): Promise<Lookup> {
  const path = { accountId };
  try {
    const account = await api.GET("/accounts/{accountId}", { params: { path } });
    if (!account.data) return { state: "failed", message: problem(account.error, account.response).message };
    const contacts: Contact[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_CONTACT_PAGES; page++) {
      const { data, error, response } = await api.GET("/accounts/{accountId}/contacts", {
        params: { path, query: { limit: 100, nextToken } },
      });
      if (!data) return { state: "failed", message: problem(error, response).message };
      contacts.push(...data.items.filter((contact) => contact.status !== "disabled"));
      if (!data.nextToken) break;
      nextToken = data.nextToken;
    }
    return { state: "found", accountName: account.data.name, contacts };
  } catch {
    return { state: "failed", message: networkProblem().message };
  }
}
