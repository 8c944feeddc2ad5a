import type { DbOrTx } from "./client.ts";
import { auditLog } from "./schema/mod.ts";
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
