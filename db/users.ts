import { and, asc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "./client.ts";
import { type User, users } from "./schema/mod.ts";
import type { TenantOnlyScope } from "../chat/tenancy.ts";

/** A user of the caller's tenant, or undefined (also for another tenant's id). */
export async function findUser(
  scope: TenantOnlyScope,
  userId: string,
  db: DbOrTx = scope.db,
) {
  const [row] = await db.select().from(users)
    .where(and(eq(users.tenantId, scope.tenantId), eq(users.id, userId))).limit(
      1,
    );
  return row as User | undefined;
}

/** A user of the caller's tenant by email (case-insensitive; emails are stored lowercased). */
export async function findUserByEmail(
  scope: TenantOnlyScope,
  email: string,
  db: DbOrTx = scope.db,
) {
  const [row] = await db.select().from(users)
    .where(
      and(
        eq(users.tenantId, scope.tenantId),
        eq(users.email, email.toLowerCase()),
      ),
    ).limit(1);
  return row as User | undefined;
}

/** Several users of the caller's tenant; ids of other tenants are silently absent. */
export async function findUsers(
  scope: TenantOnlyScope,
  userIds: string[],
  db: DbOrTx = scope.db,
) {
  if (userIds.length === 0) return [] as User[];
  return await db.select().from(users)
    .where(and(eq(users.tenantId, scope.tenantId), inArray(users.id, userIds)));
}

/** Every user of the tenant, by name. */
export async function listUsers(scope: TenantOnlyScope, db: DbOrTx = scope.db) {
  return await db.select().from(users).where(eq(users.tenantId, scope.tenantId))
    .orderBy(asc(users.name));
}
