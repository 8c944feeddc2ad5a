/** True when a database error (possibly wrapped by the query builder) is a UNIQUE constraint violation. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const text = `${(e as { code?: string }).code ?? ""} ${(e as Error).message ?? ""}`;
    if (/UNIQUE constraint failed|SQLITE_CONSTRAINT_UNIQUE/.test(text)) return true;
  }
  return false;
}
