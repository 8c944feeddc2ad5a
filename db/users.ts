import { and, asc, count, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "./client.ts";
import { tenants, type User, users } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";
import { uuidv7 } from "./ids.ts";

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

/** A user of the caller's tenant by username. */
export async function findUserByUsername(
  scope: TenantOnlyScope,
  username: string,
  db: DbOrTx = scope.db,
) {
  const [row] = await db.select().from(users)
    .where(and(eq(users.tenantId, scope.tenantId), eq(users.username, username.toLowerCase()))).limit(1);
  return row as User | undefined;
}

/** What a user may change about an account; undefined fields are left alone. */
export interface UserChanges {
  name?: string;
  username?: string;
  role?: User["role"];
  isActive?: boolean;
  locale?: string | null;
  passwordHash?: string;
}

/**
 * Updates a user of the caller's tenant and returns the new row (undefined when the id is
 * not in the tenant).
 */
export async function updateUser(
  scope: TenantOnlyScope,
  userId: string,
  changes: UserChanges,
  db: DbOrTx = scope.db,
) {
  const [row] = await db.update(users).set({ ...changes, updatedAt: new Date() })
    .where(and(eq(users.tenantId, scope.tenantId), eq(users.id, userId))).returning();
  return row as User | undefined;
}

/** How many active admins the tenant has. */
export async function countActiveAdmins(scope: TenantOnlyScope, db: DbOrTx = scope.db) {
  const [row] = await db.select({ n: count() }).from(users).where(and(
    eq(users.tenantId, scope.tenantId),
    eq(users.role, "admin"),
    eq(users.isActive, true),
  ));
  return row?.n ?? 0;
}

/** A user's own locale and the tenant's settings, for choosing a language. */
export async function findLocalePreferences(scope: TenantOnlyScope, userId: string) {
  const [row] = await scope.db.select({ locale: users.locale, settings: tenants.settings })
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(and(eq(users.tenantId, scope.tenantId), eq(users.id, userId))).limit(1);
  return row;
}

/**
 * Inserts a bot account: no password (it never signs in) and an address under `.invalid`
 * (RFC 2606), so no mail can ever reach anyone through it.
 */
export async function insertBotUser(
  scope: TenantOnlyScope,
  bot: { username: string; name: string; at: Date },
  db: DbOrTx = scope.db,
): Promise<User> {
  const [row] = await db.insert(users).values({
    id: uuidv7(bot.at.getTime()),
    tenantId: scope.tenantId,
    email: `${bot.username}@bots.invalid`,
    username: bot.username,
    name: bot.name,
    role: "member",
    isBot: true,
    createdAt: bot.at,
    updatedAt: bot.at,
  }).returning();
  return row;
}
