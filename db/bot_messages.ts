import type { InStatement } from "@libsql/client";
import type { MessageRow } from "./messages.ts";
import type { TenantOnlyScope } from "./scope.ts";

/** Sets a bot message's content and status (for a batch); only bot messages are touched. */
export function updateBotMessageStatement(
  scope: TenantOnlyScope,
  m: Pick<MessageRow, "id" | "content" | "botStatus" | "updatedAt">,
): InStatement {
  return {
    sql: `UPDATE messages SET content = ?, bot_status = ?, updated_at = ?
      WHERE id = ? AND tenant_id = ? AND kind = 'bot' AND deleted_at IS NULL`,
    args: [m.content, m.botStatus, m.updatedAt.getTime(), m.id, scope.tenantId],
  };
}
