// Staff's choice of whose pages they see (the monitoring and the case report pages): an account id, with the first
// page of the accounts listing to pick from.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api/client";
import { navigate } from "../router";
import { attempt, type AccountSummary } from "./directory";

type Props = {
  /** The ids' prefix: `${idPrefix}-account`, `${idPrefix}-account-hint`, `${idPrefix}-accounts`. */
  idPrefix: string;
  /** The account shown now; empty: staff have not chosen yet. */
  accountId: string;
  /** Where the chosen account's page is. */
  hrefFor: (accountId: string) => string;
  submitLabel: string;
};

/** Staff: which account's pages; the accounts they can pick from are the first page of the accounts listing. */
export function AccountChooser({ idPrefix, accountId, hrefFor, submitLabel }: Props) {
  const [input, setInput] = useState(accountId);
  const [known, setKnown] = useState<AccountSummary[]>([]);
  useEffect(() => {
    void attempt(() => api.GET("/accounts", { params: { query: { limit: 100 } } })).then(({ data }) => setKnown(data?.items ?? []));
  }, []);
  const name = known.find((account) => account.accountId === accountId)?.name;
  return (
    <form
      class="filters"
      role="search"
      aria-label="Choose an account"
      onSubmit={(event) => {
        event.preventDefault();
        navigate(hrefFor(input.trim()));
      }}
    >
      <div class="field">
        <label for={`${idPrefix}-account`}>Account</label>
        <input
          id={`${idPrefix}-account`}
          list={`${idPrefix}-accounts`}
          autoComplete="off"
          value={input}
          aria-describedby={`${idPrefix}-account-hint`}
          onInput={(event) => setInput(event.currentTarget.value)}
        />
        <p class="hint" id={`${idPrefix}-account-hint`}>
          {accountId && name ? `${accountId}: ${name}. ` : ""}An account id, e.g. acme; the accounts page lists them.
        </p>
        <datalist id={`${idPrefix}-accounts`}>
          {known.map((account) => (
            <option value={account.accountId}>{account.name}</option>
          ))}
        </datalist>
      </div>
      <button type="submit">{submitLabel}</button>
    </form>
  );
}
