import { and, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "./client.ts";
import { sessions, users } from "./schema/mod.ts";
import type { TenantOnlyScope } from "../chat/tenancy.ts";

/** Stores a new session row. */
export async function insertSession(
  db: DbOrTx,
  scope: TenantOnlyScope,
  session: {
    id: string;
    userId: string;
    expiresAt: Date;
    userAgent?: string | null;
    ip?: string | null;
  },
): Promise<void> {
  await db.insert(sessions).values({
    id: session.id,
    tenantId: scope.tenantId,
    userId: session.userId,
    createdAt: new Date(),
    expiresAt: session.expiresAt,
    userAgent: session.userAgent ?? null,
    ip: session.ip ?? null,
  });
}

/**
 * The live session's user: the session exists in this tenant, is not revoked or
 * expired, and its user is still active. Checked on every request, so revoking a
 * session or deactivating a user takes effect at once.
 */
export async function findSessionUser(
  scope: TenantOnlyScope,
  sessionId: string,
  userId: string,
) {
  const [row] = await scope.db.select({
    user: users,
    expiresAt: sessions.expiresAt,
  }).from(sessions)
    .innerJoin(
      users,
      and(eq(users.id, sessions.userId), eq(users.tenantId, sessions.tenantId)),
    )
    .where(and(
      eq(sessions.id, sessionId),
      eq(sessions.tenantId, scope.tenantId),
      eq(sessions.userId, userId),
      isNull(sessions.revokedAt),
      eq(users.isActive, true),
    )).limit(1);
  if (!row || row.expiresAt.getTime() <= Date.now()) return undefined;
  return row.user;
}

/** Revokes one session. */
export async function revokeSession(
  scope: TenantOnlyScope,
  sessionId: string,
): Promise<void> {
  await scope.db.update(sessions).set({ revokedAt: new Date() })
    .where(
      and(eq(sessions.tenantId, scope.tenantId), eq(sessions.id, sessionId)),
    );
}

/** Revokes every open session of a user (deactivation, password change). */
export async function revokeUserSessions(
  scope: TenantOnlyScope,
  userId: string,
  db: DbOrTx = scope.db,
): Promise<void> {
  await db.update(sessions).set({ revokedAt: new Date() })
    .where(and(eq(sessions.tenantId, scope.tenantId), eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}
