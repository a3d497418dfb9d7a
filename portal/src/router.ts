// A tiny History API router: /, /new, /sign-in and /cases/<caseNumber>.
import { useEffect, useState } from "preact/hooks";

const listeners = new Set<() => void>();
let moved = false;

/** Whether the user has moved between pages in the app (page headings take focus then, not on first load). */
export function hasNavigated(): boolean {
  return moved;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, "", to);
  else {
    history.pushState(null, "", to);
    moved = true;
  }
  listeners.forEach((listener) => listener());
}

window.addEventListener("popstate", () => {
  moved = true;
  listeners.forEach((listener) => listener());
});

export function useLocation(): { path: string; search: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((tick) => tick + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return { path: location.pathname, search: new URLSearchParams(location.search) };
}

/** Links inside the app go through the router; modified clicks (new tab, ...) keep the browser's behaviour. */
export function onLinkClick(event: MouseEvent): void {
  const anchor = (event.target as Element | null)?.closest?.("a");
  if (!anchor || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  if (anchor.target || anchor.hasAttribute("download") || anchor.origin !== location.origin) return;
  if (anchor.pathname.startsWith("/api/")) return;
  event.preventDefault();
  navigate(anchor.pathname + anchor.search + anchor.hash);
}
