import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
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

/** Paths no route takes. */
export const notFound: NotFoundHandler<AppEnv> = (c) => errorResponse(c, 404, "not_found", "Not found");
