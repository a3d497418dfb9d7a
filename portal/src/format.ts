const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function when(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
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
