// The desk keeps business hours in US Eastern time, so every time the portal shows is Eastern, labelled.
const eastern = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/New_York",
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
  timeZoneName: "short",
});

/** A UTC ISO time in US Eastern with its label: "Dec 7, 2026, 9:15 AM EST" (EDT in summer); text that is not a time comes back as is. */
export function formatEastern(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return eastern
    .formatToParts(date)
    .map((part) => (part.type === "timeZoneName" && !/^E[SD]T$/.test(part.value) ? "ET" : part.value))
    .join("");
}

/** A time as the portal shows it (US Eastern), or "—" when there is none. */
export function when(iso: string | null | undefined): string {
  return iso ? formatEastern(iso) : "—";
}

export function isWaitingOnCustomer(status: string): boolean {
  return status === "Awaiting Info" || status === "Solution Proposed";
}

export function waitingFor(status: string): string {
  return status === "Awaiting Info" ? "Support asked for information" : "Support proposed a solution";
}

/** A size for people: "512 bytes", "1.5 MiB", "12 GiB". */
export function bytes(size: number): string {
  if (size < 1024) return `${size} ${size === 1 ? "byte" : "bytes"}`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
