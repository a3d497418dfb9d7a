import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, type ApiProblem } from "../api/client";
import { isStaff } from "../auth";
import { Alert, Field, FormErrors, PageHeading, useFocusInvalid } from "../components";
import { when } from "../format";
import { personName } from "../people";
import { AddContactForm, ContactsSection } from "./AccountContacts";
import { monitoringHref } from "./monitoringParts";
import {
  attempt,
  ChangeOutcome,
  FIELD_LABELS,
  ownContactId,
  shownValue,
  yesNo,
  type Account,
  type Contact,
  type HistoryEntry,
} from "./directory";

const HISTORY_PAGE = 50;

async function loadAllContacts(accountId: string): Promise<{ contacts: Contact[] } | { problem: ApiProblem }> {
  const contacts: Contact[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < 20; page++) {
    const { data, problem } = await attempt(() =>
      api.GET("/accounts/{accountId}/contacts", { params: { path: { accountId }, query: { limit: 100, nextToken } } }),
    );
    if (!data) return { problem };
    contacts.push(...data.items);
    if (!data.nextToken) break;
    nextToken = data.nextToken;
  }
  const seen = await withSignInsSeen(accountId, contacts);
  return { contacts: seen.sort((a, b) => a.name.localeCompare(b.name)) };
}

/** The list keeps a contact "invited" after their first sign-in until the directory reads that contact
 * alone (which records them active), so each invited contact whose sign-in is ready is read alone. */
async function withSignInsSeen(accountId: string, contacts: Contact[]): Promise<Contact[]> {
  return Promise.all(
    contacts.map(async (contact) => {
      if (contact.status !== "invited" || contact.signInReady !== true) return contact;
      const { data } = await attempt(() =>
        api.GET("/accounts/{accountId}/contacts/{contactId}", { params: { path: { accountId, contactId: contact.contactId } } }),
      );
      return data ?? contact;
    }),
  );
}

/** One account: its details, its contacts (and what the caller may do to them), the caller's own PIN, and
 * for staff its history. Another customer's account is not found, as the API has it. */
export function AccountPage({ accountId }: { accountId: string }) {
  const staff = isStaff();
  const myContactId = ownContactId();
  const [account, setAccount] = useState<Account | null>(null);
  const [notFound, setNotFound] = useState(false);
  const [loadError, setLoadError] = useState<ApiProblem | null>(null);
  const [contacts, setContacts] = useState<Contact[]>([]);
  const [contactsError, setContactsError] = useState<ApiProblem | null>(null);
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [historyNext, setHistoryNext] = useState<string | null>(null);
  const [historyError, setHistoryError] = useState<ApiProblem | null>(null);
  const [historyLoading, setHistoryLoading] = useState(false);

  async function loadHistory(token: string | null) {
    setHistoryLoading(true);
    const { data, problem } = await attempt(() =>
      api.GET("/accounts/{accountId}/history", {
        params: { path: { accountId }, query: { limit: HISTORY_PAGE, nextToken: token ?? undefined } },
      }),
    );
    setHistoryLoading(false);
    setHistoryError(problem);
    if (!data) return;
    setHistory((known) => (token ? [...known, ...data.items] : data.items));
    setHistoryNext(data.nextToken ?? null);
  }

  async function reload() {
    const [one, all] = await Promise.all([
      attempt(() => api.GET("/accounts/{accountId}", { params: { path: { accountId } } })),
      loadAllContacts(accountId),
      staff ? loadHistory(null) : Promise.resolve(),
    ]);
    if (!one.data) {
      if (one.problem.status === 404) setNotFound(true);
      else setLoadError(one.problem);
      return;
    }
    setLoadError(null);
    setAccount(one.data);
    if ("contacts" in all) {
      setContacts(all.contacts);
      setContactsError(null);
    } else setContactsError(all.problem);
  }

  useEffect(() => {
    void reload();
  }, [accountId]);
  useEffect(() => {
    if (notFound) document.title = "Page not found · Case desk";
  }, [notFound]);

  if (notFound) {
    return (
      <>
        <PageHeading>Page not found</PageHeading>
        <p>
          There is no page at this address: no account {accountId} that you can see.{" "}
          {staff ? <a href="/accounts">Go to the accounts</a> : <a href="/">Go to your cases</a>}.
        </p>
      </>
    );
  }
  if (!account) {
    return (
      <>
        <PageHeading>Account {accountId}</PageHeading>
        {loadError ? <Alert message={loadError.message} /> : <p role="status">Loading the account…</p>}
      </>
    );
  }

  const me = contacts.find((c) => c.contactId === myContactId);
  // Staff, or an administrator of this account as the directory has it now.
  const manages = staff || me?.accountAdministrator === true;
  const nameOf = (contactId: string) => contacts.find((c) => c.contactId === contactId)?.name ?? contactId;
  const entitlements = account.entitlements;

  return (
    <>
      {staff ? (
        <p class="breadcrumb">
          <a href="/accounts">Accounts</a> › {account.accountId}
        </p>
      ) : null}
      <PageHeading>
        {staff ? "" : "Your account: "}
        {account.name}
      </PageHeading>
      <Alert message={loadError?.message} />
      <p>
        Monitoring:{" "}
        <a href={monitoringHref("/alerts", staff ? account.accountId : "")}>the account's incidents, alerts and maintenance windows</a>.
      </p>
      <p>
        Platform:{" "}
        <a href={`/accounts/${encodeURIComponent(account.accountId)}/platform`}>the Release, patches and gateways, and how far behind GA they are</a>.
      </p>

      <section aria-labelledby="account-details-heading">
        <h2 id="account-details-heading">Details</h2>
        <dl class="details">
          <Item term="Account id">{account.accountId}</Item>
          <Item term="Name">{account.name}</Item>
          <Item term="Region">{account.region}</Item>
          <Item term="Recommended max contacts">{account.recommendedMaxContacts}</Item>
          <Item term="Hard max contacts">{account.hardMaxContacts ?? "No cap"}</Item>
          <Item term="Monitoring around the clock">{yesNo(entitlements.monitoringAroundTheClock)}</Item>
          <Item term="Release upgrades per quarter">{entitlements.releaseUpgradesPerQuarter}</Item>
          <Item term="Gateway updates per year">{entitlements.gatewayUpdatesPerYear}</Item>
          <Item term="Emergency contacts">
            {account.emergencyContactIds.length ? account.emergencyContactIds.map(nameOf).join(", ") : "None named"}
          </Item>
          <Item term="Created">{when(account.createdAt)}</Item>
          <Item term="Last changed">{when(account.modifiedAt)}</Item>
        </dl>
      </section>

      <ContactsSection
        accountId={accountId}
        contacts={contacts}
        staff={staff}
        manages={manages}
        myContactId={myContactId}
        loadError={contactsError}
        onChanged={reload}
      />

      {manages ? <AddContactForm accountId={accountId} staff={staff} onAdded={reload} /> : null}

      {!staff && me ? <SetPinForm accountId={accountId} me={me} onSet={reload} /> : null}

      {staff ? (
        <section aria-labelledby="history-heading">
          <h2 id="history-heading">History</h2>
          <Alert message={historyError?.message} />
          <div class="table-wrap" role="region" aria-labelledby="history-caption" tabIndex={0}>
            <table>
              <caption id="history-caption">
                Every change to the account, oldest first — {history.length} shown{historyNext ? "; more to load" : ""}
              </caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Who</th>
                  <th scope="col">Changes</th>
                </tr>
              </thead>
              <tbody>
                {history.map((entry) => (
                  <tr>
                    <td>
                      <time dateTime={entry.at}>{when(entry.at)}</time>
                    </td>
                    <td>
                      {entry.action}
                      {entry.contactId ? `: ${nameOf(entry.contactId)}` : ""}
                    </td>
                    <td>{personName(entry.actor)}</td>
                    <td>
                      {entry.changes.length ? (
                        <ul class="changes">
                          {entry.changes.map((change) => (
                            <li>
                              {FIELD_LABELS[change.field] ?? change.field}: {shownValue(change.from)} → {shownValue(change.to)}
                            </li>
                          ))}
                        </ul>
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                ))}
                {!historyLoading && history.length === 0 ? (
                  <tr>
                    <td colSpan={4}>No history yet.</td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
          {historyNext ? (
            <button type="button" disabled={historyLoading} onClick={() => void loadHistory(historyNext)}>
              Load more history
            </button>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

function Item({ term, children }: { term: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

const PIN_FORM = "set-pin";

/** The contact's own IVR PIN, which they type on the phone to support; never shown back. */
function SetPinForm({ accountId, me, onSet }: { accountId: string; me: Contact; onSet: () => Promise<void> }) {
  const [pin, setPin] = useState("");
  const [failure, setFailure] = useState<ApiProblem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = new FormErrors(failure, ["pin"]);
  useFocusInvalid(PIN_FORM, errors);

  async function onSubmit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    setDone(null);
    const { problem } = await attempt(() =>
      api.PUT("/accounts/{accountId}/contacts/{contactId}/pin", {
        params: { path: { accountId, contactId: me.contactId } },
        body: { pin },
      }),
    );
    setBusy(false);
    if (problem) {
      setFailure(problem);
      return;
    }
    setPin("");
    setDone("Your IVR PIN is set. Type it on the phone when support asks for it.");
    await onSet();
  }

  return (
    <section aria-labelledby="pin-heading">
      <h2 id="pin-heading">Your IVR PIN</h2>
      <p>
        {me.pinLocked
          ? "Your PIN is locked after 5 wrong tries; support unlocks it once they have verified you another way."
          : me.pinSet
            ? "You have set a PIN. Set a new one here to change it."
            : "You have not set a PIN yet. Support asks for it when you call."}
      </p>
      <form onSubmit={onSubmit} noValidate>
        <Alert message={errors.top} />
        <Field
          form={PIN_FORM}
          name="pin"
          label="New PIN"
          errors={errors}
          required
          hint="4 to 8 digits; not one digit repeated and not a run like 1234."
        >
          {(attrs) => (
            <input
              {...attrs}
              type="password"
              inputMode="numeric"
              autoComplete="new-password"
              maxLength={8}
              value={pin}
              onInput={(e) => setPin(e.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit" disabled={busy}>
          Set PIN
        </button>
        <ChangeOutcome message={done} warnings={[]} />
      </form>
    </section>
  );
}
