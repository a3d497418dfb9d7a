// One paged list (the views, the queues, the accounts, monitoring): its rows so far, the next page's token, loading
// and the API's refusal. pages/LoadMore.tsx is its "Load more" button and loading status.
import { useState } from "preact/hooks";
import { networkProblem, problem, type ApiProblem } from "../api/client";

type Page<T> = { items: T[]; nextToken?: string | null };
type Answer<T> = { data?: Page<T>; error?: unknown; response: Response };

export type Pages<T> = ReturnType<typeof usePages<T>>;

export function usePages<T>(fetchPage: (token: string | null) => Promise<Answer<T>>) {
  const [items, setItems] = useState<T[]>([]);
  const [nextToken, setNextToken] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiProblem | null>(null);

  /** The first page (token null) replaces the rows; a next page adds to them. */
  async function load(token: string | null) {
    setLoading(true);
    setError(null);
    if (!token) {
      setItems([]);
      setNextToken(null);
    }
    try {
      const { data, error: failure, response } = await fetchPage(token);
      if (!data) {
        setError(problem(failure, response));
        return;
      }
      setItems((previous) => (token ? [...previous, ...data.items] : data.items));
      setNextToken(data.nextToken ?? null);
    } catch {
      setError(networkProblem());
    } finally {
      setLoading(false);
    }
  }

  return { items, setItems, nextToken, loading, error, setError, load };
}

/** A listing whose pages are filtered after the query (they may come back empty with a next page): follows the
 * next token past empty pages, at most `maxCalls` calls, so "Load more" is not pressed for nothing. */
export function skippingEmptyPages<T>(
  fetchPage: (token: string | null) => Promise<Answer<T>>,
  maxCalls = 5,
): (token: string | null) => Promise<Answer<T>> {
  return async (token) => {
    let answer = await fetchPage(token);
    for (let call = 1; call < maxCalls && answer.data && answer.data.items.length === 0 && answer.data.nextToken; call++) {
      answer = await fetchPage(answer.data.nextToken);
    }
    return answer;
  };
}
