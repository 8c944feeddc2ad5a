import { and, eq } from "drizzle-orm";
import { users } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";

/**
 * Persists when a user was last seen.
 * @param scope the tenant
 * @param userId who
 * @param at when
 */
export async function recordLastSeen(scope: TenantOnlyScope, userId: string, at: Date): Promise<void> {
  await scope.db.update(users).set({ lastSeenAt: at })
    .where(and(eq(users.tenantId, scope.tenantId), eq(users.id, userId)));
}
