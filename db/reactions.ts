import { and, asc, eq, inArray } from "drizzle-orm";
import { type DbOrTx, selectRows } from "./client.ts";
import { type Reaction, reactions } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";
import { uuidv7 } from "./ids.ts";

/** Adds a user's reaction; returns false when it was already there. */
export async function insertReaction(
  scope: TenantOnlyScope,
  reaction: { messageId: string; userId: string; emoji: string; at: Date },
  db: DbOrTx = scope.db,
): Promise<boolean> {
  const rows = await db.insert(reactions).values({
    id: uuidv7(),
    tenantId: scope.tenantId,
    messageId: reaction.messageId,
    userId: reaction.userId,
    emoji: reaction.emoji,
    createdAt: reaction.at,
  }).onConflictDoNothing().returning({ id: reactions.id });
  return rows.length > 0;
}

/** Removes a user's reaction; returns false when there was none. */
export async function deleteReaction(
  scope: TenantOnlyScope,
  reaction: { messageId: string; userId: string; emoji: string },
  db: DbOrTx = scope.db,
): Promise<boolean> {
  const rows = await db.delete(reactions).where(and(
    eq(reactions.tenantId, scope.tenantId),
    eq(reactions.messageId, reaction.messageId),
    eq(reactions.userId, reaction.userId),
    eq(reactions.emoji, reaction.emoji),
  )).returning({ id: reactions.id });
  return rows.length > 0;
}

/** Reactions of the given messages, oldest first. */
export async function listReactionsFor(
  scope: TenantOnlyScope,
  messageIds: string[],
  db: DbOrTx = scope.db,
): Promise<Reaction[]> {
  if (messageIds.length === 0) return [];
  return await db.select().from(reactions)
    .where(and(eq(reactions.tenantId, scope.tenantId), inArray(reactions.messageId, messageIds)))
    .orderBy(asc(reactions.createdAt), asc(reactions.id));
}

/**
 * Reactions of the given messages, only what a message object shows, in order of reacting.
 * Outside a transaction it is plain SQL, since every page runs it.
 */
export async function listReactionMarks(
  scope: TenantOnlyScope,
  messageIds: string[],
  db: DbOrTx = scope.db,
): Promise<{ messageId: string; userId: string; emoji: string }[]> {
  if (messageIds.length === 0) return [];
  if (db !== scope.db) return await listReactionsFor(scope, messageIds, db);
  const rows = await selectRows(scope.db, {
    sql: `SELECT message_id, user_id, emoji FROM reactions
      WHERE message_id IN (${messageIds.map(() => "?").join(", ")}) AND tenant_id = ? ORDER BY created_at, id`,
    args: [...messageIds, scope.tenantId],
  }, ["message_id", "user_id", "emoji"]);
  return rows.map((r) => ({ messageId: r[0] as string, userId: r[1] as string, emoji: r[2] as string }));
}
