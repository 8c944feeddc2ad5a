import { and, asc, eq, isNull, lt } from "drizzle-orm";
import type { DbOrTx } from "./client.ts";
import { type SsoSecret, ssoSecrets, ssoUsedTokens, type User, users } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";
import { isUniqueViolation } from "./errors.ts";

/** Stores a new SSO secret. */
export async function insertSsoSecret(db: DbOrTx, scope: TenantOnlyScope, secret: Omit<SsoSecret, "tenantId">) {
  await db.insert(ssoSecrets).values({ ...secret, tenantId: scope.tenantId });
}

/** The workspace's live (not retired) SSO secrets, oldest first. */
export async function listSsoSecrets(scope: TenantOnlyScope): Promise<SsoSecret[]> {
  return await scope.db.select().from(ssoSecrets)
    .where(and(eq(ssoSecrets.tenantId, scope.tenantId), isNull(ssoSecrets.retiredAt)))
    .orderBy(asc(ssoSecrets.createdAt), asc(ssoSecrets.id));
}

/** A live SSO secret of the workspace by key id. */
export async function findSsoSecret(scope: TenantOnlyScope, kid: string): Promise<SsoSecret | undefined> {
  const [row] = await scope.db.select().from(ssoSecrets).where(and(
    eq(ssoSecrets.tenantId, scope.tenantId),
    eq(ssoSecrets.kid, kid),
    isNull(ssoSecrets.retiredAt),
  )).limit(1);
  return row;
}

/** Retires a live secret; false when the workspace has no live secret by that kid. */
export async function retireSsoSecret(db: DbOrTx, scope: TenantOnlyScope, kid: string, at: Date): Promise<boolean> {
  const rows = await db.update(ssoSecrets).set({ retiredAt: at }).where(and(
    eq(ssoSecrets.tenantId, scope.tenantId),
    eq(ssoSecrets.kid, kid),
    isNull(ssoSecrets.retiredAt),
  )).returning({ id: ssoSecrets.id });
  return rows.length > 0;
}

/**
 * Records a sign-in token id as used until it expires; false when it was used already. The
 * primary key makes this one atomic step, so two concurrent uses cannot both pass. Ids whose
 * token has expired are dropped on the way: such a token fails on its expiry anyway.
 */
export async function useSsoTokenId(
  db: DbOrTx,
  scope: TenantOnlyScope,
  token: { jti: string; expiresAt: Date; now: Date },
): Promise<boolean> {
  await db.delete(ssoUsedTokens).where(
    and(eq(ssoUsedTokens.tenantId, scope.tenantId), lt(ssoUsedTokens.expiresAt, token.now)),
  );
  try {
    await db.insert(ssoUsedTokens).values({ tenantId: scope.tenantId, jti: token.jti, expiresAt: token.expiresAt });
    return true;
  } catch (e) {
    if (isUniqueViolation(e)) return false;
    throw e;
  }
}

/** A user of the workspace by the host's id for them (`external_id`). */
export async function findUserByExternalId(
  scope: TenantOnlyScope,
  externalId: string,
  db: DbOrTx = scope.db,
): Promise<User | undefined> {
  const [row] = await db.select().from(users)
    .where(and(eq(users.tenantId, scope.tenantId), eq(users.externalId, externalId))).limit(1);
  return row;
}

/** Sets what a host's sign-in token says about its user (name, email, role). */
export async function updateSsoUser(
  db: DbOrTx,
  scope: TenantOnlyScope,
  userId: string,
  changes: Partial<Pick<User, "name" | "email" | "role">> & { updatedAt: Date },
): Promise<User | undefined> {
  const [row] = await db.update(users).set(changes)
    .where(and(eq(users.tenantId, scope.tenantId), eq(users.id, userId))).returning();
  return row;
}
