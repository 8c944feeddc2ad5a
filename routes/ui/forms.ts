import type { Context } from "hono";
import type { AppEnv } from "../../server/env.ts";

/**
 * What a form sent, to show it again: its text fields, never the password.
 * @param data the form's fields
 */
export function formValues(data: unknown): Record<string, string> {
  const entries = Object.entries(data && typeof data === "object" ? data : {});
  return Object.fromEntries(entries.filter(([k, v]) => k !== "password" && typeof v === "string"));
}

/**
 * The `zValidator` hook of a page's own form (sign-in, sign-up, invite): an invalid form
 * shows the page again with what was entered and an error, instead of an error page.
 * @param page the page, given the fields to fill in again
 */
export function showFormAgain(
  page: (c: Context<AppEnv>, values: Record<string, string>) => Response | Promise<Response>,
) {
  // the validator's context carries the app's variables, though its type does not say so
  return (result: { success: boolean; data: unknown }, c: Context) =>
    result.success ? undefined : page(c, formValues(result.data));
}
