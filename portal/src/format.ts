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
