import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import { AppError } from "../chat/errors.ts";

type Issues = readonly { path: PropertyKey[]; message: string }[];

/**
 * The hook every `zValidator` gets: input its schema rejects is a 400 `validation_error`
 * with each issue's field and message in `details`. It is thrown, so each surface answers
 * it in its own way: the error shape from the API, a toast or an error page from the pages.
 * @param result what the schema said
 */
export function invalidInput(result: { success: boolean; error?: { issues: Issues }; target: string }): void {
  if (!result.success && result.error) throw validationError(result.target, result.error.issues);
}

function validationError(target: string, issues: Issues): AppError {
  const details = issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  const first = `${details[0]?.path || "value"} ${details[0]?.message ?? ""}`.trim();
  return new AppError("validation_error", `Invalid ${target}: ${first}`, details);
}

/**
 * The schema for a form or query string: a field sent empty counts as absent, as an HTML
 * form sends every input whether it was filled in or not.
 * @param schema the schema of the JSON body that takes the same input
 */
export function withoutEmpty<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (value) =>
      value && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== ""))
        : value,
    schema,
  );
}

/**
 * A list field of a form: one checked box arrives as a single value, several as a list.
 * @param schema the list's schema in the JSON body
 */
export function formList<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => value === undefined ? value : [value].flat(), schema);
}

/**
 * Runs `middleware` only for requests `test` picks; the others pass on untouched. A route
 * that takes its body in two forms validates each with its own validator this way.
 * @param test which requests the middleware is for
 * @param middleware a validator, typically
 */
export function when<M extends MiddlewareHandler>(test: (c: Context) => boolean, middleware: M): M {
  return ((c, next) => test(c) ? middleware(c, next) : next()) as M;
}

/** True for a body posted as an HTML form (urlencoded or multipart). */
export function isFormPost(c: Context): boolean {
  const type = c.req.header("content-type")?.toLowerCase() ?? "";
  return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
}
