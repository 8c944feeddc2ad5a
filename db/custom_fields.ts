import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "./client.ts";
import { conversations, messages } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";

/** Replaces a message's custom field values. */
export async function setMessageCustomFields(
  scope: TenantOnlyScope,
  messageId: string,
  values: Record<string, unknown>,
  db: DbOrTx = scope.db,
): Promise<void> {
  await db.update(messages).set({ customFields: values })
    .where(and(eq(messages.tenantId, scope.tenantId), eq(messages.id, messageId)));
}

/** Replaces a conversation's custom field values. */
export async function setConversationCustomFields(
  scope: TenantOnlyScope,
  conversationId: string,
  values: Record<string, unknown>,
  db: DbOrTx = scope.db,
): Promise<void> {
  await db.update(conversations).set({ customFields: values })
    .where(and(eq(conversations.tenantId, scope.tenantId), eq(conversations.id, conversationId)));
}
