// The paged lists' loading status and "Load more" button (usePages).
import type { Pages } from "./usePages";

export function LoadMore<T>({ pages, loading, label = "Load more" }: { pages: Pages<T>; loading: string; label?: string }) {
  return (
    <>
      <p role="status" class="status">
        {pages.loading ? loading : ""}
      </p>
      {pages.nextToken ? (
        <button type="button" disabled={pages.loading} onClick={() => void pages.load(pages.nextToken)}>
          {label}
        </button>
      ) : null}
    </>
  );
}
