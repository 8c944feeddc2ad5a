import type { InStatement } from "@libsql/client";
import { and, eq } from "drizzle-orm";
import { type DbOrTx, selectRows } from "./client.ts";
import { messages } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";

/*
 * The kinds of personal data a message was flagged for (`messages.pii`, NULL when none).
 * Only admins read them, so they are not part of the message row every page loads.
 */

/**
 * The flagged kinds of those of the given messages that have any, by message id.
 * @param messageIds messages of the caller's tenant (others are never matched)
 */
export async function listPiiFlags(scope: TenantOnlyScope, messageIds: string[]): Promise<Map<string, string[]>> {
  if (messageIds.length === 0) return new Map();
  const rows = await selectRows(scope.db, {
    sql: `SELECT id, pii FROM messages
      WHERE tenant_id = ? AND pii IS NOT NULL AND id IN (${messageIds.map(() => "?").join(", ")})`,
    args: [scope.tenantId, ...messageIds],
  }, ["id", "pii"]);
  return new Map(rows.map((r) => [r[0] as string, JSON.parse(r[1] as string) as string[]]));
}

/**
 * Sets or clears (empty list) the flagged kinds of a message.
 * @param messageId a message of the caller's tenant
 * @param labels the kinds found in its current text
 */
export async function setPiiFlags(
  scope: TenantOnlyScope,
  messageId: string,
  labels: string[],
  db: DbOrTx = scope.db,
): Promise<void> {
  await db.update(messages).set({ pii: labels.length > 0 ? labels : null })
    .where(and(eq(messages.tenantId, scope.tenantId), eq(messages.id, messageId)));
}

/**
 * The flagged kinds of a message being sent, as a statement for its send batch.
 * @param messageId the message inserted earlier in the same batch
 * @param labels the kinds found, at least one
 */
export function piiFlagStatement(scope: TenantOnlyScope, messageId: string, labels: string[]): InStatement {
  return {
    sql: "UPDATE messages SET pii = ? WHERE id = ? AND tenant_id = ?",
    args: [JSON.stringify(labels), messageId, scope.tenantId],
  };
}
