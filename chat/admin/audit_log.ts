import {
  audit,
  type AuditCursor,
  type AuditFilter,
  type AuditRow,
  findAuditCursor,
  listAudit,
} from "../../db/audit.ts";
import { forbidden, notFound } from "../errors.ts";
import type { TenantScope } from "../tenancy.ts";

/** An audit entry as the API shows it. */
export interface AuditObject {
  id: string;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/** The columns of the CSV download, in order: the fields of `AuditObject`. */
export const AUDIT_COLUMNS = [
  "id",
  "at",
  "actor_id",
  "actor_name",
  "action",
  "target_type",
  "target_id",
  "ip",
  "details",
] as const satisfies readonly (keyof AuditObject)[];

/** Entries read per query while a download streams. */
const STREAM_PAGE = 500;

export function requireAdmin(scope: TenantScope) {
  // routes check the role too; the domain re-checks so no other caller can skip it
  if (scope.role !== "admin") throw forbidden("Admin role required");
}

function toAuditObject(row: AuditRow): AuditObject {
  return {
    id: row.id,
    at: row.createdAt.toISOString(),
    actor_id: row.actorId,
    actor_name: row.actorName,
    action: row.action,
    target_type: row.targetType,
    target_id: row.targetId,
    ip: row.ip,
    details: row.data,
  };
}

/** The cursor named by `before_id`; 404 when the workspace has no such entry. */
async function cursorOf(scope: TenantScope, beforeId: string | undefined): Promise<AuditCursor | undefined> {
  if (beforeId === undefined) return undefined;
  const cursor = await findAuditCursor(scope, beforeId);
  if (!cursor) throw notFound("Audit entry");
  return cursor;
}

/**
 * A page of the workspace's audit log, newest first (admins only).
 * @param scope an admin's scope
 * @param query the filter, `beforeId` to continue a previous page and `limit`
 */
export async function listAuditEntries(
  scope: TenantScope,
  query: AuditFilter & { beforeId?: string; limit: number },
): Promise<AuditObject[]> {
  requireAdmin(scope);
  const rows = await listAudit(scope, query, { before: await cursorOf(scope, query.beforeId), limit: query.limit });
  return rows.map(toAuditObject);
}

/**
 * Every entry the filter selects, newest first, in pages read as the consumer pulls for
 * them, so a download of the whole log never sits in memory. The download itself is
 * audited (`export`), before its first entry is read.
 * @param scope an admin's scope
 * @param query the filter, and `beforeId` to start below an entry
 * @param meta the client's address for the audit entry
 */
export async function streamAuditEntries(
  scope: TenantScope,
  query: AuditFilter & { beforeId?: string; format: string },
  meta: { ip?: string | null } = {},
): Promise<AsyncGenerator<AuditObject[]>> {
  requireAdmin(scope);
  let before = await cursorOf(scope, query.beforeId);
  await audit(scope.db, scope, {
    actorId: scope.userId,
    action: "export",
    targetType: "audit_log",
    data: { format: query.format, filter: describe(query) },
    ip: meta.ip,
  });
  return (async function* () {
    while (true) {
      const rows = await listAudit(scope, query, { before, limit: STREAM_PAGE });
      if (rows.length > 0) yield rows.map(toAuditObject);
      if (rows.length < STREAM_PAGE) return;
      const last = rows[rows.length - 1];
      before = { at: last.createdAt, id: last.id };
    }
  })();
}

function describe(query: AuditFilter & { beforeId?: string }) {
  return {
    actor_id: query.actorId ?? null,
    action: query.action ?? null,
    from: query.from?.toISOString() ?? null,
    to: query.to?.toISOString() ?? null,
    before_id: query.beforeId ?? null,
  };
}
