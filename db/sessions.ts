import { builtOncePer } from "./prepared.ts";
import { and, eq, isNull, sql } from "drizzle-orm";
import { type Db, type DbOrTx, selectRows } from "./client.ts";
import { sessions, type UserRole, users } from "./schema/mod.ts";
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
 * session or deactivating a user takes effect at once.
 */
export async function findSessionUser(
  scope: TenantOnlyScope,
  sessionId: string,
  userId: string,
) {
  const [row] = await sessionUserQuery(scope.db).execute({ sessionId, tenantId: scope.tenantId, userId });
  if (!row || row.expiresAt.getTime() <= Date.now()) return undefined;
  return row.user;
}

// Runs on every authenticated request: built once per database, since building a drizzle
// query costs more than SQLite takes to answer it.
const sessionUserQuery = builtOncePer(buildSessionUserQuery);

function buildSessionUserQuery(db: Db) {
  return db.select({ user: users, expiresAt: sessions.expiresAt }).from(sessions)
    .innerJoin(users, and(eq(users.id, sessions.userId), eq(users.tenantId, sessions.tenantId)))
    .where(and(
      eq(sessions.id, sql.placeholder("sessionId")),
      eq(sessions.tenantId, sql.placeholder("tenantId")),
      eq(sessions.userId, sql.placeholder("userId")),
      isNull(sessions.revokedAt),
      eq(users.isActive, true),
    )).limit(1).prepare();
}

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
