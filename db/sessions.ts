import { and, eq, isNull } from "drizzle-orm";
import { type Db, type DbOrTx, selectRows } from "./client.ts";
import { sessions, type User, type UserRole } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";

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
 * session or deactivating a user takes effect at once. Every authenticated request runs
 * it: one narrow statement whose row comes back as one JSON value (see `selectRows`).
 */
export async function findSessionUser(
  scope: TenantOnlyScope,
  sessionId: string,
  userId: string,
): Promise<User | undefined> {
  const [r] = await selectRows(scope.db, {
    sql: `SELECT u.id, u.tenant_id, u.email, u.username, u.name, u.role, u.locale, u.time_zone, u.password_hash,
        u.is_bot, u.external_id, u.last_seen_at, u.created_at, u.updated_at
      FROM sessions s JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id
      WHERE s.id = ? AND s.tenant_id = ? AND s.user_id = ? AND s.revoked_at IS NULL AND s.expires_at > ?
        AND u.is_active = 1
      LIMIT 1`,
    args: [sessionId, scope.tenantId, userId, Date.now()],
  }, SESSION_USER_COLUMNS);
  if (!r) return undefined;
  return {
    id: r[0] as string,
    tenantId: r[1] as string,
    email: r[2] as string,
    username: r[3] as string,
    name: r[4] as string,
    role: r[5] as UserRole,
    locale: r[6] as string | null,
    timeZone: r[7] as string | null,
    passwordHash: r[8] as string | null,
    isActive: true,
    isBot: r[9] === 1,
    externalId: r[10] as string | null,
    lastSeenAt: r[11] === null ? null : new Date(r[11] as number),
    createdAt: new Date(r[12] as number),
    updatedAt: new Date(r[13] as number),
  };
}

const SESSION_USER_COLUMNS = [
  "id",
  "tenant_id",
  "email",
  "username",
  "name",
  "role",
  "locale",
  "time_zone",
  "password_hash",
  "is_bot",
  "external_id",
  "last_seen_at",
  "created_at",
  "updated_at",
];

/** Revokes one session. */
export async function revokeSession(
  scope: TenantOnlyScope,
  sessionId: string,
  db: DbOrTx = scope.db,
): Promise<void> {
  await db.update(sessions).set({ revokedAt: new Date() })
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

/** A session that still stands, with whom it belongs to now. */
export interface LiveSession {
  tenantId: string;
  userId: string;
  role: UserRole;
}

/**
 * Which of these sessions still stand (neither revoked nor expired, their user active), with
 * the tenant, user and current role of each. It serves the re-check of open streams, which
 * covers every tenant at once; the caller compares tenant and user with what it holds. The
 * ids go in as one JSON array, so the statement's text never changes and stays prepared.
 * @param db the database
 * @param sessionIds the sessions to look up
 * @param now the current time in milliseconds
 */
export async function liveSessions(db: Db, sessionIds: string[], now: number): Promise<Map<string, LiveSession>> {
  const rows = await selectRows(db, {
    sql: `SELECT s.id, s.tenant_id, s.user_id, u.role FROM sessions s
      JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id
      WHERE s.id IN (SELECT value FROM json_each(?)) AND s.revoked_at IS NULL AND s.expires_at > ? AND u.is_active = 1`,
    args: [JSON.stringify(sessionIds), now],
  }, ["id", "tenant_id", "user_id", "role"]) as [string, string, string, UserRole][];
  return new Map(rows.map(([id, tenantId, userId, role]) => [id, { tenantId, userId, role }]));
}
