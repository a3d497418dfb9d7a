import { currentClaims } from "./auth";

/** Who did something, as the portal says it: "you", or by role (user ids mean nothing to a reader). */
export function personName(person: { userId: string; role: string }): string {
  if (person.userId === currentClaims()?.sub) return "you";
  const role: Record<string, string> = {
    "customer-contacts": "the customer",
    "mac-contacts": "the customer",
    engineers: "support",
    "support-managers": "a support manager",
  };
  return role[person.role] ?? (person.role === "system" || person.role === "automation" ? "the case desk" : person.role);
}
