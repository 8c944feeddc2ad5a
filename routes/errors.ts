import type { Context, ErrorHandler, ValidationTargets } from "hono";
import { HTTPException } from "hono/http-exception";
import { zValidator } from "@hono/zod-validator";
import type { z } from "zod";
import { AppError, type ErrorCode } from "../chat/errors.ts";
import type { AppEnv } from "../server/env.ts";

/** Writes the SPEC's error shape. */
export function errorResponse(
  c: Context,
  status: number,
  code: ErrorCode | string,
  message: string,
  details?: unknown,
) {
  return c.json({
    error: { code, message, ...(details === undefined ? {} : { details }) },
  }, status as 400);
}

/** Maps every thrown error to the error shape; unknown errors are logged and answered 500 without detail. */
export const onError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof AppError) {
    if (err.retryAfterSeconds !== undefined) {
      c.header("Retry-After", String(Math.ceil(err.retryAfterSeconds)));
    }
    return errorResponse(c, err.status, err.code, err.message, err.details);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 413 ? "payload_too_large" : status === 401 ? "unauthenticated" : "bad_request";
    return errorResponse(c, status, code, err.message || "Bad request");
  }
  console.error(JSON.stringify({
    level: "error",
    msg: "unhandled error",
    request_id: c.get("requestId"),
    path: c.req.path,
    error: String(err instanceof Error ? err.stack : err),
  }));
  return errorResponse(c, 500, "internal_error", "Internal server error");
};

/**
 * zod validation for a request part, answering 400 with the issues in the error shape.
 * @param target json, form, query, param or header
 * @param schema the zod schema
 */
export function validate<
  T extends z.ZodType,
  Target extends keyof ValidationTargets,
>(target: Target, schema: T) {
  return zValidator(target, schema, (result, c) => {
    if (!result.success) {
      const error = validationError(target, result.error);
      return errorResponse(c, 400, error.code, error.message, error.details);
    }
  });
}

/**
 * Parses a body read by hand (a form or multipart post) with a zod schema; bad input throws
 * the same 400 as `validate`.
 * @param schema the zod schema
 * @param value the raw fields
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError("body", result.error);
  return result.data;
}

function validationError(target: string, error: { issues: { path: PropertyKey[]; message: string }[] }): AppError {
  const details = error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  const first = `${details[0]?.path || "value"} ${details[0]?.message ?? ""}`.trim();
  return new AppError("validation_error", `Invalid ${target}: ${first}`, details);
}
