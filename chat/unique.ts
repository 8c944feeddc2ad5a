/** True when a database error (or its cause) is a UNIQUE constraint violation. */
export function isUniqueViolation(e: unknown): boolean {
  for (let err = e, depth = 0; err instanceof Error && depth < 5; err = err.cause, depth++) {
    if (
      /UNIQUE constraint failed|SQLITE_CONSTRAINT_UNIQUE/i.test(`${err.message} ${(err as { code?: string }).code}`)
    ) {
      return true;
    }
  }
  return false;
}
