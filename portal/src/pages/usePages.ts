// One paged list (the views, the queues): its rows so far, the next page's token, loading and the API's refusal.
import { useState } from "preact/hooks";
import { networkProblem, problem, type ApiProblem } from "../api/client";

type Page<T> = { items: T[]; nextToken?: string | null };
type Answer<T> = { data?: Page<T>; error?: unknown; response: Response };

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

  return { items, nextToken, loading, error, setError, load };
}
