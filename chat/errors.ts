/** Error codes of the API's error shape, with their HTTP status. */
export const ERROR_STATUS = {
  validation_error: 400,
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  /** The assistant is not configured on this server (no `AI_BASE_URL`) or is turned off. */
  assistant_disabled: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** A failure the caller can act on. Routes turn it into `{"error": {code, message, details}}`. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** 404 for anything unknown *or not visible to the caller*: never reveal existence. */
export function notFound(what = "Resource"): AppError {
  return new AppError("not_found", `${what} not found`);
}

export function forbidden(
  message = "You are not allowed to do this",
): AppError {
  return new AppError("forbidden", message);
}

export function badRequest(message: string, details?: unknown): AppError {
  return new AppError("bad_request", message, details);
}

export function conflict(message: string): AppError {
  return new AppError("conflict", message);
}

export function rateLimited(retryAfterSeconds: number): AppError {
  return new AppError(
    "rate_limited",
    "Too many requests, try again later",
    undefined,
    retryAfterSeconds,
  );
}
