import { and, asc, eq, isNotNull, isNull } from "drizzle-orm";
import type { DbOrTx } from "./client.ts";
import { type BotAccount, botAccounts, conversations, participants, users } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";

/** Records the account of a bot user just created. */
export async function insertBotAccount(
  scope: TenantOnlyScope,
  values: Omit<typeof botAccounts.$inferInsert, "tenantId">,
  db: DbOrTx = scope.db,
): Promise<void> {
  await db.insert(botAccounts).values({ ...values, tenantId: scope.tenantId });
}

/** The workspace's bot accounts with their users, oldest first. */
export async function listBotAccounts(scope: TenantOnlyScope) {
  return await scope.db.select({ account: botAccounts, user: users }).from(botAccounts)
    .innerJoin(users, eq(users.id, botAccounts.userId))
    .where(eq(botAccounts.tenantId, scope.tenantId)).orderBy(asc(botAccounts.createdAt));
}

/** One bot account of the workspace, revoked or not. */
export async function findBotAccount(scope: TenantOnlyScope, userId: string): Promise<BotAccount | undefined> {
  const [row] = await scope.db.select().from(botAccounts)
    .where(and(eq(botAccounts.tenantId, scope.tenantId), eq(botAccounts.userId, userId)));
  return row;
}

/** Revokes a bot account; answers false when there was none still active. */
export async function revokeBotAccount(scope: TenantOnlyScope, userId: string, at: Date): Promise<boolean> {
  const rows = await scope.db.update(botAccounts).set({ revokedAt: at })
    .where(and(eq(botAccounts.tenantId, scope.tenantId), eq(botAccounts.userId, userId), isNull(botAccounts.revokedAt)))
    .returning({ id: botAccounts.userId });
  return rows.length > 0;
}

/** Keeps the last webhook failure of a bot, for its admins. */
export async function setBotError(scope: TenantOnlyScope, userId: string, error: string, at: Date): Promise<void> {
  await scope.db.update(botAccounts).set({ lastError: error, lastErrorAt: at })
    .where(and(eq(botAccounts.tenantId, scope.tenantId), eq(botAccounts.userId, userId)));
}

/** The active bot accounts with a webhook that take part in a conversation now, with its kind. */
export async function webhookBotsIn(scope: TenantOnlyScope, conversationId: string) {
  return await scope.db.select({ account: botAccounts, user: users, kind: conversations.kind }).from(participants)
    .innerJoin(botAccounts, eq(botAccounts.userId, participants.userId))
    .innerJoin(users, eq(users.id, participants.userId))
    .innerJoin(conversations, eq(conversations.id, participants.conversationId))
    .where(and(
      eq(participants.tenantId, scope.tenantId),
      eq(participants.conversationId, conversationId),
      isNull(participants.leftAt),
      isNull(botAccounts.revokedAt),
      isNotNull(botAccounts.webhookUrl),
    ));
}

/** True when the workspace has an active bot account with a webhook. */
export async function hasWebhookBots(scope: TenantOnlyScope): Promise<boolean> {
  const rows = await scope.db.select({ id: botAccounts.userId }).from(botAccounts).where(and(
    eq(botAccounts.tenantId, scope.tenantId),
    isNull(botAccounts.revokedAt),
    isNotNull(botAccounts.webhookUrl),
  )).limit(1);
  return rows.length > 0;
}
