import { and, eq, inArray, isNull } from "drizzle-orm";
import { participants } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";

/**
 * Current participants of some conversations, in one query.
 * @param scope the tenant
 * @param conversationIds which conversations
 */
export async function listConversationMembers(
  scope: TenantOnlyScope,
  conversationIds: string[],
): Promise<Map<string, string[]>> {
  const members = new Map<string, string[]>(conversationIds.map((id) => [id, []]));
  if (conversationIds.length === 0) return members;
  const rows = await scope.db.select({ conversationId: participants.conversationId, userId: participants.userId })
    .from(participants)
    .where(and(
      eq(participants.tenantId, scope.tenantId),
      inArray(participants.conversationId, conversationIds),
      isNull(participants.leftAt),
    ));
  for (const row of rows) members.get(row.conversationId)?.push(row.userId);
  return members;
}

/**
 * The conversations a user currently takes part in.
 * @param scope the tenant
 * @param userId whose
 */
export async function listUserConversationIds(scope: TenantOnlyScope, userId: string): Promise<string[]> {
  const rows = await scope.db.select({ conversationId: participants.conversationId }).from(participants)
    .where(
      and(eq(participants.tenantId, scope.tenantId), eq(participants.userId, userId), isNull(participants.leftAt)),
    );
  return rows.map((r) => r.conversationId);
}
