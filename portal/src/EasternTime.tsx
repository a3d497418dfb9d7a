import { formatEastern } from "./format";

/** A time in US Eastern with its label, machine-readable in datetime; "—" when there is none. */
export function EasternTime({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <>—</>;
  return <time dateTime={iso}>{formatEastern(iso)}</time>;
}
