import { useEffect, useRef, useState } from "preact/hooks";
import { api, newIdempotencyKey, type ApiProblem, type Schemas } from "../api/client";
import { Alert, CheckboxField, Field, FormErrors, useFocusInvalid } from "../components";
import { attempt, ChangeOutcome, yesNo, type Contact, type ContactAnswer } from "./directory";

type Action = "disable" | "enable" | "resend" | "unlock";

const DONE: Record<Action, (name: string) => string> = {
  disable: (name) => `${name} is disabled: they can no longer sign in, and the API refuses them within a minute.`,
  enable: (name) => `${name} is enabled again.`,
  resend: (name) => `A new invitation with a temporary password was sent to ${name}.`,
  unlock: (name) => `${name}'s IVR PIN is unlocked.`,
};

const STATUS_LABELS: Record<string, string> = { invited: "Invited (not signed in yet)", active: "Active", disabled: "Disabled" };

type Roles = { macAuthorized: boolean; attendantAuthorized: boolean; reportRecipient: boolean; accountAdministrator: boolean };

const ROLE_HINTS: Record<keyof Roles, { label: string; hint: string }> = {
  macAuthorized: { label: "MAC authorized", hint: "May request Moves, Adds and Changes (Service Requests)." },
  attendantAuthorized: { label: "Attendant authorized", hint: "May request Interaction Attendant changes." },
  reportRecipient: { label: "Report recipient", hint: "Receives the account's case reports." },
  accountAdministrator: { label: "Account administrator", hint: "Manages the account's contacts. Only support staff grant or remove it." },
};

function rowActionsId(contactId: string): string {
  return `contact-actions-${contactId.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

type SectionProps = {
  accountId: string;
  contacts: Contact[];
  staff: boolean;
  manages: boolean;
  myContactId: string | null;
  loadError: ApiProblem | null;
  onChanged: () => Promise<void>;
};

/** The account's contacts, and the actions the caller may take on each (staff, or the account's administrators). */
export function ContactsSection({ accountId, contacts, staff, manages, myContactId, loadError, onChanged }: SectionProps) {
  const [busyId, setBusyId] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [editing, setEditing] = useState<Contact | null>(null);
  // After a change the row's buttons change (Disable becomes Enable): keep the keyboard in that row.
  const refocus = useRef<{ contactId: string; button: "first" | "last" } | null>(null);

  useEffect(() => {
    if (!refocus.current) return;
    const { contactId, button } = refocus.current;
    document.querySelector<HTMLElement>(`#${rowActionsId(contactId)} button:${button}-child`)?.focus();
    refocus.current = null;
  }, [contacts, editing]);

  function announce(text: string | null, answerWarnings: string[] = []) {
    setMessage(text);
    setWarnings(answerWarnings);
  }

  async function act(contact: Contact, action: Action) {
    setBusyId(contact.contactId);
    setFailure(null);
    announce(null);
    const path = { accountId, contactId: contact.contactId };
    const calls = {
      disable: () => api.POST("/accounts/{accountId}/contacts/{contactId}/disable", { params: { path } }),
      enable: () => api.POST("/accounts/{accountId}/contacts/{contactId}/enable", { params: { path } }),
      resend: () => api.POST("/accounts/{accountId}/contacts/{contactId}/resend-invitation", { params: { path } }),
      unlock: () => api.POST("/accounts/{accountId}/contacts/{contactId}/pin/unlock", { params: { path } }),
    };
    const { data, problem } = await attempt<ContactAnswer>(calls[action]);
    setBusyId(null);
    if (!data) {
      setFailure(problem);
      return;
    }
    announce(DONE[action](contact.name), data.warnings ?? []);
    refocus.current = { contactId: contact.contactId, button: "last" };
    await onChanged();
  }

  const columns = manages ? 9 : 8;
  return (
    <section aria-labelledby="contacts-heading">
      <h2 id="contacts-heading">Contacts</h2>
      <Alert message={loadError?.message ?? failure?.message} />
      <ChangeOutcome message={message} warnings={warnings} />
      <div class="table-wrap" role="region" aria-labelledby="contacts-caption" tabIndex={0}>
        <table>
          <caption id="contacts-caption">
            Authorized contacts — {contacts.filter((c) => c.status !== "disabled").length} not disabled of {contacts.length}
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Status</th>
              <th scope="col">MAC authorized</th>
              <th scope="col">Administrator</th>
              <th scope="col">Other roles</th>
              <th scope="col">Sign-in ready</th>
              <th scope="col">IVR PIN</th>
              {manages ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {contacts.map((contact) => {
              const others = [contact.attendantAuthorized ? "Attendant authorized" : null, contact.reportRecipient ? "Report recipient" : null]
                .filter(Boolean)
                .join(", ");
              const isMe = contact.contactId === myContactId;
              return (
                <tr>
                  <th scope="row">
                    {contact.name}
                    {isMe ? " (you)" : ""}
                  </th>
                  <td>{contact.email ?? "—"}</td>
                  <td>{contact.status ? (STATUS_LABELS[contact.status] ?? contact.status) : "—"}</td>
                  <td>{yesNo(contact.macAuthorized)}</td>
                  <td>{yesNo(contact.accountAdministrator)}</td>
                  <td>{others || "None"}</td>
                  <td>{yesNo(contact.signInReady)}</td>
                  <td>{contact.pinLocked ? "Locked" : contact.pinSet === true ? "Set" : contact.pinSet === false ? "Not set" : "—"}</td>
                  {manages ? (
                    <td>
                      <div class="row-actions contact-actions" id={rowActionsId(contact.contactId)}>
                        <ActionButton label="Edit" name={contact.name} busy={false} onClick={() => setEditing(contact)} />
                        {contact.status !== "disabled" && (staff || !isMe) ? (
                          <ActionButton label="Disable" name={contact.name} busy={busyId === contact.contactId} onClick={() => act(contact, "disable")} />
                        ) : null}
                        {contact.status === "disabled" ? (
                          <ActionButton label="Enable" name={contact.name} busy={busyId === contact.contactId} onClick={() => act(contact, "enable")} />
                        ) : null}
                        {contact.status === "invited" ? (
                          <ActionButton
                            label="Resend invitation"
                            name={contact.name}
                            busy={busyId === contact.contactId}
                            onClick={() => act(contact, "resend")}
                          />
                        ) : null}
                        {staff && contact.pinLocked ? (
                          <ActionButton label="Unlock PIN" name={contact.name} busy={busyId === contact.contactId} onClick={() => act(contact, "unlock")} />
                        ) : null}
                      </div>
                    </td>
                  ) : null}
                </tr>
              );
            })}
            {contacts.length === 0 ? (
              <tr>
                <td colSpan={columns}>No contacts yet.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {!manages ? (
        <p class="hint">Your account's administrators and Dedicated Support manage the contacts.</p>
      ) : null}
      {editing ? (
        <EditContactForm
          key={editing.contactId}
          accountId={accountId}
          contact={editing}
          staff={staff}
          onDone={async (answer) => {
            refocus.current = { contactId: editing.contactId, button: "first" };
            if (answer) announce(`${answer.name}'s details are saved.`, answer.warnings ?? []);
            setEditing(null);
            if (answer) await onChanged();
          }}
        />
      ) : null}
    </section>
  );
}

/** A row's button: its visible verb, and the contact's name for whoever hears or searches it. */
function ActionButton({ label, name, busy, onClick }: { label: string; name: string; busy: boolean; onClick: () => void }) {
  return (
    <button type="button" class="secondary" disabled={busy} onClick={onClick}>
      {label}
      <span class="visually-hidden"> {name}</span>
    </button>
  );
}

function rolesOf(contact: Contact): Roles {
  return {
    macAuthorized: contact.macAuthorized,
    attendantAuthorized: contact.attendantAuthorized,
    reportRecipient: contact.reportRecipient,
    accountAdministrator: contact.accountAdministrator,
  };
}

function RoleBoxes({ form, roles, staff, errors, onChange }: { form: string; roles: Roles; staff: boolean; errors: FormErrors; onChange: (roles: Roles) => void }) {
  // Only support staff grant or remove the administrator role.
  const names = (Object.keys(ROLE_HINTS) as (keyof Roles)[]).filter((name) => staff || name !== "accountAdministrator");
  return (
    <fieldset>
      <legend>Roles</legend>
      {names.map((name) => (
        <CheckboxField
          form={form}
          name={name}
          label={ROLE_HINTS[name].label}
          hint={ROLE_HINTS[name].hint}
          checked={roles[name]}
          errors={errors}
          onChange={(checked) => onChange({ ...roles, [name]: checked })}
        />
      ))}
    </fieldset>
  );
}

const PHONE_HINT = "Digits, with spaces, dots, dashes or brackets if you like; + and the country code for outside the US.";
const CONTACT_FIELDS = ["contactId", "name", "email", "phone", ...Object.keys(ROLE_HINTS)];

function EditContactForm({
  accountId,
  contact,
  staff,
  onDone,
}: {
  accountId: string;
  contact: Contact;
  staff: boolean;
  onDone: (answer: ContactAnswer | null) => Promise<void>;
}) {
  const form = "edit-contact";
  const [name, setName] = useState(contact.name);
  const [email, setEmail] = useState(contact.email ?? "");
  const [phone, setPhone] = useState(contact.phone ?? "");
  const [roles, setRoles] = useState<Roles>(rolesOf(contact));
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = new FormErrors(failure, CONTACT_FIELDS);
  useFocusInvalid(form, errors);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  async function onSubmit(event: Event) {
    event.preventDefault();
    // Only what changed is sent: the API changes only the fields it is sent.
    const changes: Schemas["ContactChanges"] = {};
    if (name.trim() !== contact.name) changes.name = name.trim();
    if (contact.email !== null && contact.email !== undefined && email.trim() !== contact.email) changes.email = email.trim();
    if (phone.trim() !== (contact.phone ?? "")) changes.phone = phone.trim() || null;
    for (const [role, value] of Object.entries(roles) as [keyof Roles, boolean][]) {
      if (value !== contact[role]) changes[role] = value;
    }
    setBusy(true);
    setFailure(null);
    const { data, problem } = await attempt(() =>
      api.PATCH("/accounts/{accountId}/contacts/{contactId}", {
        params: { path: { accountId, contactId: contact.contactId }, header: { "idempotency-key": newIdempotencyKey() } },
        body: changes,
      }),
    );
    setBusy(false);
    if (data) await onDone(data);
    else setFailure(problem);
  }

  return (
    <form onSubmit={onSubmit} noValidate class="contact-edit" aria-labelledby="edit-contact-heading">
      <h3 id="edit-contact-heading" tabIndex={-1} ref={heading}>
        Change {contact.name}
      </h3>
      <Alert message={errors.top} />
      <Field form={form} name="name" label="Name" errors={errors} required>
        {(attrs) => <input {...attrs} maxLength={255} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
      </Field>
      {contact.email !== null && contact.email !== undefined ? (
        <Field form={form} name="email" label="Email" errors={errors} required hint="They sign in with it.">
          {(attrs) => <input {...attrs} type="email" autoComplete="off" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
        </Field>
      ) : null}
      <Field form={form} name="phone" label="Phone" errors={errors} hint={PHONE_HINT}>
        {(attrs) => <input {...attrs} type="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />}
      </Field>
      <RoleBoxes form={form} roles={roles} staff={staff} errors={errors} onChange={setRoles} />
      <div class="row-actions">
        <button type="submit" disabled={busy}>
          Save changes
        </button>
        <button type="button" class="secondary" onClick={() => void onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const ADD_FORM = "add-contact";
const NO_ROLES: Roles = { macAuthorized: false, attendantAuthorized: false, reportRecipient: false, accountAdministrator: false };

/** A new authorized contact: they get a sign-in and an invitation by email. */
export function AddContactForm({ accountId, staff, onAdded }: { accountId: string; staff: boolean; onAdded: () => Promise<void> }) {
  const [contactId, setContactId] = useState("");
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [phone, setPhone] = useState("");
  const [roles, setRoles] = useState<Roles>(NO_ROLES);
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const errors = new FormErrors(failure, CONTACT_FIELDS);
  useFocusInvalid(ADD_FORM, errors);

  async function onSubmit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    setMessage(null);
    setWarnings([]);
    const body: Schemas["NewContact"] = {
      contactId: contactId.trim() || undefined,
      name: name.trim(),
      email: email.trim(),
      phone: phone.trim() || undefined,
      macAuthorized: roles.macAuthorized,
      attendantAuthorized: roles.attendantAuthorized,
      reportRecipient: roles.reportRecipient,
      ...(staff ? { accountAdministrator: roles.accountAdministrator } : {}),
    };
    const { data, problem } = await attempt(() =>
      api.POST("/accounts/{accountId}/contacts", {
        params: { path: { accountId }, header: { "idempotency-key": newIdempotencyKey() } },
        body,
      }),
    );
    setBusy(false);
    if (!data) {
      setFailure(problem);
      return;
    }
    setContactId("");
    setName("");
    setEmail("");
    setPhone("");
    setRoles(NO_ROLES);
    setMessage(`${data.name} is added${data.signInReady ? " and invited by email" : ""}.`);
    setWarnings(data.warnings ?? []);
    await onAdded();
  }

  return (
    <section aria-labelledby="add-contact-heading">
      <h2 id="add-contact-heading">Add contact</h2>
      <form onSubmit={onSubmit} class="case-form" noValidate>
        <Alert message={errors.top} />
        {failure && !errors.top ? (
          <p class="alert" role="alert">
            The contact was not added: check the field marked “Error”.
          </p>
        ) : null}
        <Field form={ADD_FORM} name="name" label="Name" errors={errors} required>
          {(attrs) => <input {...attrs} maxLength={255} autoComplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <Field form={ADD_FORM} name="email" label="Email" errors={errors} required hint="Their own address: they sign in with it, and the invitation goes there.">
          {(attrs) => <input {...attrs} type="email" autoComplete="off" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
        </Field>
        <Field form={ADD_FORM} name="phone" label="Phone" errors={errors} hint={PHONE_HINT}>
          {(attrs) => <input {...attrs} type="tel" autoComplete="off" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />}
        </Field>
        <Field form={ADD_FORM} name="contactId" label="Contact id" errors={errors} hint="Leave it empty to have one made up (c-…).">
          {(attrs) => <input {...attrs} maxLength={64} value={contactId} onInput={(e) => setContactId(e.currentTarget.value)} />}
        </Field>
        <RoleBoxes form={ADD_FORM} roles={roles} staff={staff} errors={errors} onChange={setRoles} />
        <button type="submit" disabled={busy}>
          Add contact
        </button>
        <ChangeOutcome message={message} warnings={warnings} />
      </form>
    </section>
  );
}
