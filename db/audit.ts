import type { InStatement } from "@libsql/client";
import { and, desc, eq, getTableColumns, gte, lt, or } from "drizzle-orm";
import type { DbOrTx } from "./client.ts";
import { type AuditEntry, auditLog, users } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";
import { uuidv7 } from "./ids.ts";

/** One audit entry. Call it inside the transaction of the change it describes. */
export interface AuditInput {
  actorId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  data?: Record<string, unknown>;
  ip?: string | null;
}

/**
 * Appends to the tenant's audit log.
 * @param tx the open transaction (or the database)
 * @param scope the tenant
 * @param entry who did what to which target
 */
export async function audit(
  tx: DbOrTx,
  scope: TenantOnlyScope,
  entry: AuditInput,
): Promise<void> {
  await tx.insert(auditLog).values({
    id: uuidv7(),
    tenantId: scope.tenantId,
    actorId: entry.actorId,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    data: entry.data ?? {},
    ip: entry.ip ?? null,
    createdAt: new Date(),
  });
}

/**
 * `audit` as a statement, for a change committed as one batch of statements.
 * @param scope the tenant
 * @param entry who did what to which target
 */
export function auditStatement(scope: TenantOnlyScope, entry: AuditInput): InStatement {
  return {
    sql: `INSERT INTO audit_log (id, tenant_id, actor_id, action, target_type, target_id, data, ip, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      uuidv7(),
      scope.tenantId,
      entry.actorId,
      entry.action,
      entry.targetType ?? null,
      entry.targetId ?? null,
      JSON.stringify(entry.data ?? {}),
      entry.ip ?? null,
      Date.now(),
    ],
  };
}

/** Which audit entries to read: every field narrows the selection. */
export interface AuditFilter {
  actorId?: string;
  action?: string;
  /** Entries at or after this time. */
  from?: Date;
  /** Entries before this time. */
  to?: Date;
}

/** Where a page of the newest-first log continues: strictly older than this entry. */
export interface AuditCursor {
  at: Date;
  id: string;
}

/** An audit entry with its actor's current name (null for no actor or one since removed). */
export type AuditRow = AuditEntry & { actorName: string | null };

/** The time and id of one of the tenant's audit entries, or undefined (also for another tenant's id). */
export async function findAuditCursor(scope: TenantOnlyScope, id: string): Promise<AuditCursor | undefined> {
  const [row] = await scope.db.select({ at: auditLog.createdAt, id: auditLog.id }).from(auditLog)
    .where(and(eq(auditLog.tenantId, scope.tenantId), eq(auditLog.id, id))).limit(1);
  return row;
}

/**
 * One page of the tenant's audit log, newest first (by time, then id), read through the
 * `(tenant_id, created_at)` index.
 * @param scope the tenant
 * @param filter actor, action and time range
 * @param page `before`: continue after this entry; `limit`: entries at most
 */
export async function listAudit(
  scope: TenantOnlyScope,
  filter: AuditFilter,
  page: { before?: AuditCursor; limit: number },
): Promise<AuditRow[]> {
  const { before } = page;
  return await scope.db.select({ ...getTableColumns(auditLog), actorName: users.name }).from(auditLog)
    .leftJoin(users, and(eq(users.tenantId, auditLog.tenantId), eq(users.id, auditLog.actorId)))
    .where(and(
      eq(auditLog.tenantId, scope.tenantId),
      filter.actorId === undefined ? undefined : eq(auditLog.actorId, filter.actorId),
      filter.action === undefined ? undefined : eq(auditLog.action, filter.action),
      filter.from === undefined ? undefined : gte(auditLog.createdAt, filter.from),
      filter.to === undefined ? undefined : lt(auditLog.createdAt, filter.to),
      before === undefined
        ? undefined
        : or(lt(auditLog.createdAt, before.at), and(eq(auditLog.createdAt, before.at), lt(auditLog.id, before.id))),
    ))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(page.limit);
}
