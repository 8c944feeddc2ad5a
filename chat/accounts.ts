import type { Db, DbOrTx } from "../db/client.ts";
import { tenants, type User, type UserRole, users } from "../db/schema/mod.ts";
import { insertSession } from "../db/sessions.ts";
import { audit } from "../db/audit.ts";
import { uuidv7 } from "./ids.ts";
import { hashPassword } from "./passwords.ts";
import { SESSION_TTL_SECONDS, type SessionKeys, signSession } from "./auth.ts";
import type { TenantId, TenantOnlyScope } from "./tenancy.ts";

/** Derives a username from an email's local part: lowercase letters, digits, dot, dash, underscore. */
export function usernameFrom(email: string): string {
  return email.split("@")[0].toLowerCase().replace(/[^a-z0-9._-]/g, "").slice(
    0,
    32,
  ) || "user";
}

export interface NewAccount {
  name: string;
  email: string;
  username?: string;
  role: UserRole;
  password?: string | null;
  /** Already hashed password (hash outside a transaction: hashing is slow). */
  passwordHash?: string | null;
  locale?: string | null;
  externalId?: string | null;
}

/**
 * Creates a user in the scope's tenant (email lowercased; username derived when absent).
 * @param db the database or an open transaction
 */
export async function createUser(
  db: DbOrTx,
  scope: TenantOnlyScope,
  account: NewAccount,
): Promise<User> {
  const now = new Date();
  const [user] = await db.insert(users).values({
    id: uuidv7(),
    tenantId: scope.tenantId,
    email: account.email.toLowerCase(),
    username: account.username ?? usernameFrom(account.email),
    name: account.name,
    role: account.role,
    locale: account.locale ?? null,
    passwordHash: account.passwordHash ??
      (account.password ? await hashPassword(account.password) : null),
    externalId: account.externalId ?? null,
    createdAt: now,
    updatedAt: now,
  }).returning();
  return user;
}

/** Creates a workspace and its first admin in one transaction. */
export async function createWorkspace(
  db: Db,
  input: { name: string; slug: string; admin: Omit<NewAccount, "role"> },
) {
  const passwordHash = input.admin.password ? await hashPassword(input.admin.password) : null;
  return await db.transaction(async (tx) => {
    const tenantId = uuidv7() as TenantId;
    const [tenant] = await tx.insert(tenants).values({
      id: tenantId,
      slug: input.slug,
      name: input.name,
      settings: {},
      createdAt: new Date(),
    }).returning();
    const scope = { tenantId, db };
    const user = await createUser(tx, scope, {
      ...input.admin,
      password: null,
      passwordHash,
      role: "admin",
    });
    await audit(tx, scope, {
      actorId: user.id,
      action: "tenant.created",
      targetType: "tenant",
      targetId: tenantId,
    });
    return { tenant, user };
  });
}

/** Opens a session for a user and returns its signed token. */
export async function openSession(
  db: Db,
  keys: SessionKeys,
  user: User,
  meta: { userAgent?: string | null; ip?: string | null } = {},
): Promise<string> {
  const sessionId = uuidv7();
  await insertSession(db, { tenantId: user.tenantId as TenantId, db }, {
    id: sessionId,
    userId: user.id,
    expiresAt: new Date(Date.now() + SESSION_TTL_SECONDS * 1000),
    ...meta,
  });
  return await signSession(keys, {
    sessionId,
    userId: user.id,
    tenantId: user.tenantId,
    role: user.role,
  });
}
