// The typed API client: every call goes to /api on this origin with the ID token.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";
import { signOut, validIdToken } from "../auth";

export type Schemas = components["schemas"];
export type Case = Schemas["Case"];
export type CaseSummary = Schemas["CaseSummary"];
export type CaseUpdate = Schemas["CaseUpdate"];
export type CaseView = Schemas["CaseView"];
export type MacType = Schemas["MacType"];
export type MacField = Schemas["MacField"];

export const api = createClient<paths>({ baseUrl: "/api", headers: { Accept: "application/json" } });

const withToken: Middleware = {
  async onRequest({ request }) {
    const token = await validIdToken();
    if (token) request.headers.set("Authorization", token);
    return request;
  },
  async onResponse({ response }) {
    if (response.status === 401) signOut();
    return response;
  },
};
api.use(withToken);

export type ApiProblem = { message: string; field?: string | null; status: number };

/** The API's error model ({error, message, field}) or a generic message for anything else. */
export function problem(error: unknown, response: Response | undefined): ApiProblem {
  const status = response?.status ?? 0;
  if (error && typeof error === "object" && "message" in error && typeof error.message === "string") {
    const field = "field" in error && typeof error.field === "string" ? error.field : null;
    return { message: error.message, field, status };
  }
  if (status === 0) return { message: "Could not reach the case desk; check your connection and try again.", status };
  return { message: `The case desk answered ${status}; try again.`, status };
}

/** Turns a thrown fetch failure (network down) into a problem. */
export function networkProblem(): ApiProblem {
  return { message: "Could not reach the case desk; check your connection and try again.", status: 0 };
}

export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // randomUUID needs a secure context; plain HTTP on a LAN address does not have one.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}
