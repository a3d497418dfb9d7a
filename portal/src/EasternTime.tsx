import { formatDay, formatEastern } from "./format";

/** A time in US Eastern with its label, machine-readable in datetime; "—" when there is none. */
export function EasternTime({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <>—</>;
  return <time dateTime={iso}>{formatEastern(iso)}</time>;
}

/** A calendar date (an Eastern day, "2026-01-13") as "Jan 13, 2026", machine-readable in datetime; "—" when none. */
export function EasternDay({ day }: { day: string | null | undefined }) {
  if (!day) return <>—</>;
  return <time dateTime={day}>{formatDay(day)}</time>;
}
