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

const EASTERN_ZONE = "America/New_York";
const easternParts = new Intl.DateTimeFormat("en-US", {
  timeZone: EASTERN_ZONE,
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** The US Eastern wall-clock time of an instant, as if it were UTC (milliseconds). */
function easternWall(instant: number): number {
  const part: Record<string, number> = {};
  for (const { type, value } of easternParts.formatToParts(new Date(instant))) part[type] = Number(value);
  return Date.UTC(part.year, part.month - 1, part.day, part.hour % 24, part.minute, part.second);
}

/** A datetime-local value ("2026-12-08T22:00") read as US Eastern wall-clock time, as a UTC ISO instant; null when it
 * is not one. A time the spring change skips comes out an hour earlier; one the autumn change repeats, the first. */
export function easternInputToIso(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const wall = Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5]);
  let instant = wall;
  for (let pass = 0; pass < 2; pass++) instant = wall - (easternWall(instant) - instant);
  return Number.isNaN(instant) ? null : new Date(instant).toISOString();
}

/** An instant as a datetime-local value in US Eastern wall-clock time. */
export function easternInputValue(instant: number): string {
  return new Date(easternWall(instant)).toISOString().slice(0, 16);
}

const calendarDay = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", year: "numeric", month: "short", day: "numeric" });

/** A calendar date ("2026-01-13", a US Eastern day as the API keeps it) for people: "Jan 13, 2026"; text that is not
 * one comes back as is. */
export function formatDay(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return day;
  return calendarDay.format(new Date(Date.UTC(+match[1], +match[2] - 1, +match[3])));
}
