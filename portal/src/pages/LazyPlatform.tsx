// The platform-updates pages load on demand: their chunk is fetched the first time one of them is shown.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Alert } from "../components";

type Pages = typeof import("./platform/index");

let loaded: Pages | null = null;

export function LazyPlatform({ render }: { render: (pages: Pages) => ComponentChildren }) {
  const [pages, setPages] = useState<Pages | null>(loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (pages) return;
    import("./platform/index").then(
      (module) => {
        loaded = module;
        setPages(module);
      },
      () => setFailed(true),
    );
  }, []);
  if (pages) return <>{render(pages)}</>;
  if (failed) return <Alert message="The page could not be loaded; check your connection and reload the page." />;
  return <p role="status">Loading the page…</p>;
}
